package tp0.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** encode, then decode (as a whole frame, as a body, and through a FrameReader): same message back. */
class CodecRoundTripTest {

    static Stream<Arguments> everyMessage() {
        return Samples.everyMessage().stream().map(m -> Arguments.of(m.type(), m));
    }

    private static Message viaDecodeFrame(Message m) throws DecodeException {
        return Codec.decodeFrame(ByteBuffer.wrap(Codec.encode(m)));
    }

    private static Message viaFrameReader(Message m) throws IOException, DecodeException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(Codec.encode(m)));
        Message decoded = reader.read();
        assertNull(reader.read(), "exactly one frame expected");
        return decoded;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyMessage")
    void decodeFrameGivesBackTheSameMessage(MessageType type, Message message) throws Exception {
        Message decoded = viaDecodeFrame(message);
        assertEquals(message, decoded);
        assertEquals(type, decoded.type());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyMessage")
    void frameReaderGivesBackTheSameMessage(MessageType type, Message message) throws Exception {
        assertEquals(message, viaFrameReader(message));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyMessage")
    void decodeBodyAcceptsTheFrameWithoutItsLengthField(MessageType type, Message message) throws Exception {
        ByteBuffer body = ByteBuffer.wrap(WireBytes.bodyOf(Codec.encode(message)));
        assertEquals(message, Codec.decodeBody(body));
        assertEquals(0, body.remaining(), "decodeBody consumes the whole body");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyMessage")
    void frameHeaderIsTheBodyLengthThenTheTypeByte(MessageType type, Message message) {
        byte[] frame = Codec.encode(message);
        ByteBuffer buf = ByteBuffer.wrap(frame);
        assertEquals(frame.length - Frame.LENGTH_FIELD_BYTES, buf.getInt());
        assertEquals(type.code, buf.get() & 0xFF);
        assertEquals(0, frame[0], "first byte of every frame is 0x00");
        assertTrue(frame.length <= Frame.MAX_FRAME_BYTES);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyMessage")
    void encodingIsDeterministicAndCanonical(MessageType type, Message message) throws Exception {
        byte[] once = Codec.encode(message);
        assertArrayEquals(once, Codec.encode(viaDecodeFrame(message)));
    }

    // ------------------------------------------------------------------ bets, field by field

    @ParameterizedTest
    @ValueSource(strings = {"Nicolás", "Saldaña", "Muñoz", "Ñandú", "Zoë", "François-Émile", "李小龍",
            "Ana " + Samples.EMOJI, Samples.EMOJI, "\uD801\uDC37x"})
    void utf8NamesSurviveUnchanged(String name) throws Exception {
        Bet bet = Samples.bet(name, name, "12345678", 1);
        Message.BetBatch decoded = (Message.BetBatch) viaDecodeFrame(Batches.of(List.of(bet)));
        assertEquals(name, decoded.bets().get(0).firstName());
        assertEquals(name, decoded.bets().get(0).lastName());
        assertEquals(bet, decoded.bets().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"00012345", "0", "00", "000000000000", "0123456789", "99999999999999999999"})
    void documentsKeepTheirLeadingZeros(String document) throws Exception {
        Bet bet = Samples.bet("Ana", "Paz", document, 1);
        Message decoded = viaFrameReader(Batches.of(List.of(bet)));
        String back = ((Message.BetBatch) decoded).bets().get(0).document();
        assertEquals(document, back);
        assertEquals(document.length(), back.length());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9999, 65_535, 65_536, Integer.MAX_VALUE})
    void betNumbersSurviveUpToIntegerMax(int number) throws Exception {
        Bet bet = Samples.bet("Ana", "Paz", "1", number);
        Message.BetBatch decoded = (Message.BetBatch) viaFrameReader(Batches.of(List.of(bet)));
        assertEquals(number, decoded.bets().get(0).number());
    }

    @Test
    void birthdatesSurviveIncludingLeapDayAndYearEdges() throws Exception {
        List<LocalDate> dates = List.of(LocalDate.of(2000, 2, 29), LocalDate.of(2024, 2, 29), LocalDate.of(1900, 2, 28),
                LocalDate.of(1, 1, 1), LocalDate.of(1, 12, 31), LocalDate.of(9999, 12, 31));
        List<Bet> bets = dates.stream().map(d -> new Bet("Ana", "Paz", "1", d, 1)).toList();
        Message.BetBatch decoded = (Message.BetBatch) viaDecodeFrame(Batches.of(bets));
        assertEquals(dates, decoded.bets().stream().map(Bet::birthdate).toList());
    }

    @Test
    void largeBatchKeepsBetOrder() throws Exception {
        List<Bet> bets = Samples.bets(150);
        Message.BetBatch decoded = (Message.BetBatch) viaFrameReader(Batches.of(bets));
        assertEquals(bets, decoded.bets());
    }

    // ------------------------------------------------------------------ other messages

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, 0xFFFF_FFFFL, 0x1_0000_0000L, 5_000_000_000L, Long.MAX_VALUE})
    void welcomeAndBatchAckCarryLargeLongs(long storedBets) throws Exception {
        assertEquals(new Message.Welcome(1, storedBets), viaDecodeFrame(new Message.Welcome(1, storedBets)));
        assertEquals(new Message.BatchAck(3, storedBets), viaFrameReader(new Message.BatchAck(3, storedBets)));
    }

    @Test
    void helloKeepsAgencyIdAndSecret() throws Exception {
        Message.Hello hello = new Message.Hello(Protocol.VERSION, 3, "contraseña");
        Message.Hello decoded = assertInstanceOf(Message.Hello.class, viaDecodeFrame(hello));
        assertEquals(Protocol.VERSION, decoded.version());
        assertEquals(3, decoded.agencyId());
        assertEquals("contraseña", decoded.secret());
    }

    @Test
    void winnersEmptyListWithEitherLastFlag() throws Exception {
        for (boolean last : new boolean[] {true, false}) {
            Message.Winners decoded = assertInstanceOf(Message.Winners.class,
                    viaFrameReader(new Message.Winners(List.of(), last)));
            assertTrue(decoded.documents().isEmpty());
            assertEquals(last, decoded.last());
        }
    }

    @Test
    void winnersKeepDocumentsInOrderWithLeadingZeros() throws Exception {
        List<String> docs = List.of("00012345", "1", "000000000000", "30904465");
        for (boolean last : new boolean[] {true, false}) {
            Message.Winners decoded = (Message.Winners) viaDecodeFrame(new Message.Winners(docs, last));
            assertEquals(docs, decoded.documents());
            assertEquals(last, decoded.last());
        }
    }

    @Test
    void errorKeepsCodeAndAccentedText() throws Exception {
        String text = "Versión no soportada: ñandú, acción, pingüino " + Samples.EMOJI;
        Message.Error decoded = (Message.Error) viaFrameReader(new Message.Error(ErrorCode.UNSUPPORTED_VERSION, text));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, decoded.code());
        assertEquals(text, decoded.text());
    }

    @Test
    void everyErrorCodeSurvivesInErrorAndBatchRejected() throws Exception {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(new Message.Error(code, code.description), viaDecodeFrame(new Message.Error(code, code.description)));
            assertEquals(new Message.BatchRejected(code, 5), viaDecodeFrame(new Message.BatchRejected(code, 5)));
        }
    }

    @Test
    void emptyMessagesDecodeToTheirSingletons() throws Exception {
        assertSame(Message.AllBetsSent.INSTANCE, viaDecodeFrame(Message.AllBetsSent.INSTANCE));
        assertSame(Message.AllBetsSentAck.INSTANCE, viaFrameReader(Message.AllBetsSentAck.INSTANCE));
        assertSame(Message.WinnersQuery.INSTANCE, viaDecodeFrame(Message.WinnersQuery.INSTANCE));
        assertSame(Message.Ping.INSTANCE, viaDecodeFrame(Message.Ping.INSTANCE));
        assertSame(Message.Pong.INSTANCE, viaFrameReader(Message.Pong.INSTANCE));
    }

    @Test
    void decodeFrameRespectsTheBufferPositionAndLimit() throws Exception {
        Message message = new Message.Error(ErrorCode.BETS_CLOSED, "cerrado");
        byte[] frame = Codec.encode(message);
        byte[] padded = new byte[frame.length + 10];
        java.util.Arrays.fill(padded, (byte) 0x7F);
        System.arraycopy(frame, 0, padded, 3, frame.length);
        assertEquals(message, Codec.decodeFrame(ByteBuffer.wrap(padded, 3, frame.length)));

        ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
        assertEquals(message, Codec.decodeFrame(direct.asReadOnlyBuffer()));
    }
}
