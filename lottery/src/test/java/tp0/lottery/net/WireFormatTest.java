package tp0.lottery.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.session.Inbound;
import tp0.lottery.session.Outbound;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.ErrorCode;
import tp0.protocol.Frame;
import tp0.protocol.Message;
import tp0.protocol.MessageType;
import tp0.protocol.Protocol;

/** The Pekko Streams stages between TCP bytes and protocol messages, fed however the bytes may arrive. */
class WireFormatTest {

    static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void cleanup() {
        testKit.shutdownTestKit();
    }

    private static final List<Message> MESSAGES = List.of(
            new Message.Hello(Protocol.VERSION, 3, ""),
            Batches.of(List.of(
                    new Bet("Nicolás", "Saldaña", "00123456", LocalDate.of(1999, 3, 17), 7574),
                    new Bet("Smith, Jr", "O\"Neil", "1", LocalDate.of(2000, 1, 1), 0))),
            Message.AllBetsSent.INSTANCE,
            Message.WinnersQuery.INSTANCE,
            Batches.of(List.of()),
            new Message.Hello(Protocol.VERSION, 1, "s3cret"));

    private static byte[] encodeAll(List<Message> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        messages.forEach(m -> out.writeBytes(Codec.encode(m)));
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static List<ByteString> oneBytePerElement(byte[] bytes) {
        List<ByteString> chunks = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            chunks.add(ByteString.fromArray(new byte[] {b}));
        }
        return chunks;
    }

    private static List<ByteString> randomChunks(byte[] bytes, long seed) {
        Random random = new Random(seed);
        List<ByteString> chunks = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(40));
            chunks.add(ByteString.fromArray(bytes, at, n));
            at += n;
        }
        return chunks;
    }

    private static List<Inbound> decode(List<ByteString> chunks) throws Exception {
        return Source.from(chunks).via(WireFormat.inbound()).runWith(Sink.seq(), testKit.system())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static List<Inbound> decoded(List<Message> messages) {
        return messages.stream().<Inbound>map(Inbound.Decoded::new).toList();
    }

    // ------------------------------------------------------------------ inbound

    @Test
    void framesSplitIntoSingleBytesDecodeInOrder() throws Exception {
        assertEquals(decoded(MESSAGES), decode(oneBytePerElement(encodeAll(MESSAGES))));
    }

    @Test
    void framesCoalescedInOneElementDecodeInOrder() throws Exception {
        assertEquals(decoded(MESSAGES), decode(List.of(ByteString.fromArray(encodeAll(MESSAGES)))));
    }

    @Test
    void framesInArbitraryChunksDecodeInOrder() throws Exception {
        byte[] bytes = encodeAll(MESSAGES);
        for (long seed = 1; seed <= 20; seed++) {
            assertEquals(decoded(MESSAGES), decode(randomChunks(bytes, seed)), "seed " + seed);
        }
    }

    @Test
    void aMalformedFrameIsReportedAndTheNextOneStillDecodes() throws Exception {
        byte[] unknownType = {0, 0, 0, 1, 0x7F};
        byte[] badDate = ByteBuffer.allocate(4 + 1 + 2 + 3 * 3 + 4 + 4)
                .putInt(1 + 2 + 3 * 3 + 4 + 4).put((byte) MessageType.BET_BATCH.code).putShort((short) 1)
                .putShort((short) 1).put((byte) 'A').putShort((short) 1).put((byte) 'B').putShort((short) 1).put((byte) '1')
                .putShort((short) 2001).put((byte) 2).put((byte) 30).putInt(5)
                .array();
        Message after = Message.AllBetsSent.INSTANCE;
        byte[] bytes = concat(unknownType, badDate, Codec.encode(after));

        for (List<ByteString> chunks : List.of(oneBytePerElement(bytes), List.of(ByteString.fromArray(bytes)))) {
            List<Inbound> out = decode(chunks);
            assertEquals(3, out.size(), out.toString());
            assertEquals(ErrorCode.UNKNOWN_MESSAGE_TYPE, assertInstanceOf(Inbound.Malformed.class, out.get(0)).error().code());
            Inbound.Malformed bad = assertInstanceOf(Inbound.Malformed.class, out.get(1));
            assertEquals(ErrorCode.BAD_DATE, bad.error().code());
            assertEquals(MessageType.BET_BATCH, bad.error().type());
            assertEquals(1, bad.error().declaredCount());
            assertEquals(new Inbound.Decoded(after), out.get(2));
        }
    }

    @Test
    void oversizedDeclaredLengthEndsTheStreamWithFrameTooLarge() throws Exception {
        byte[] good = Codec.encode(MESSAGES.get(0));
        byte[] oversized = {0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x01};
        byte[] bytes = concat(good, oversized, good);

        for (List<ByteString> chunks : List.of(oneBytePerElement(bytes), List.of(ByteString.fromArray(bytes)))) {
            List<Inbound> out = decode(chunks);
            assertEquals(2, out.size(), "nothing after the broken frame: " + out);
            assertEquals(new Inbound.Decoded(MESSAGES.get(0)), out.get(0));
            assertEquals(ErrorCode.FRAME_TOO_LARGE, assertInstanceOf(Inbound.Broken.class, out.get(1)).code());
        }
    }

    @Test
    void lengthJustOverTheCapIsTooLargeAndTheCapItselfIsFine() throws Exception {
        int maxSecret = Frame.MAX_BODY_BYTES - (1 + 2 + 4 + 2);
        Message largest = new Message.Hello(Protocol.VERSION, 1, "x".repeat(maxSecret));
        byte[] largestFrame = Codec.encode(largest);
        assertEquals(Frame.MAX_FRAME_BYTES, largestFrame.length);
        assertEquals(List.of(new Inbound.Decoded(largest)), decode(List.of(ByteString.fromArray(largestFrame))));

        byte[] oneMore = ByteBuffer.allocate(4).putInt(Frame.MAX_BODY_BYTES + 1).array();
        Inbound only = decode(List.of(ByteString.fromArray(oneMore))).get(0);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, assertInstanceOf(Inbound.Broken.class, only).code());
    }

    @Test
    void lengthWithTheHighBitSetIsTooLarge() throws Exception {
        for (int length : new int[] {0x80000000, 0xFFFFFFFF, 0x7FFFFFFF}) {
            byte[] header = ByteBuffer.allocate(5).putInt(length).put((byte) 1).array();
            List<Inbound> out = decode(List.of(ByteString.fromArray(header)));
            assertEquals(1, out.size(), out.toString());
            assertEquals(ErrorCode.FRAME_TOO_LARGE, assertInstanceOf(Inbound.Broken.class, out.get(0)).code(),
                    Integer.toHexString(length));
        }
    }

    @Test
    void streamEndingMidFrameEndsWithTruncatedPayload() throws Exception {
        byte[] good = Codec.encode(MESSAGES.get(2));
        byte[] next = Codec.encode(MESSAGES.get(1));
        for (int cut : new int[] {2, 4, 7, next.length - 1}) {
            byte[] bytes = concat(good, Arrays.copyOf(next, cut));
            for (List<ByteString> chunks : List.of(oneBytePerElement(bytes), List.of(ByteString.fromArray(bytes)))) {
                List<Inbound> out = decode(chunks);
                assertEquals(2, out.size(), "cut at " + cut + ": " + out);
                assertEquals(new Inbound.Decoded(MESSAGES.get(2)), out.get(0));
                assertEquals(ErrorCode.TRUNCATED_PAYLOAD, assertInstanceOf(Inbound.Broken.class, out.get(1)).code(),
                        "cut at " + cut);
            }
        }
    }

    @Test
    void streamEndingBetweenFramesEndsCleanly() throws Exception {
        assertEquals(List.of(), decode(List.of()));
        assertEquals(decoded(MESSAGES.subList(0, 1)), decode(List.of(ByteString.fromArray(Codec.encode(MESSAGES.get(0))))));
    }

    // ------------------------------------------------------------------ outbound

    @Test
    void outboundEncodesEachMessageAsOneFrame() throws Exception {
        List<Message> replies = List.of(
                new Message.Welcome(Protocol.VERSION, 12),
                new Message.BatchAck(3, 15),
                new Message.BatchRejected(ErrorCode.BAD_DATE, 2),
                Message.AllBetsSentAck.INSTANCE,
                new Message.Winners(List.of("001", "2"), true),
                new Message.Error(ErrorCode.UNKNOWN_AGENCY, "agency 9 is outside 1..5"));

        List<Outbound> sends = replies.stream().map(m -> (Outbound) new Outbound.Send(m)).toList();
        List<ByteString> out = Source.from(sends).via(WireFormat.outbound()).runWith(Sink.seq(), testKit.system())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertEquals(replies.size(), out.size());
        for (int i = 0; i < replies.size(); i++) {
            assertArrayEquals(Codec.encode(replies.get(i)), out.get(i).toArray());
        }
        // and back through inbound, they are the same messages
        assertEquals(decoded(replies), decode(out));
    }

    // ------------------------------------------------------------------ health-check text

    @Test
    void aConnectionStartingWithTextIsReadAsLinesEvenOneByteAtATime() throws Exception {
        byte[] text = "hola|mundo Ñandú\r\nsegunda".getBytes(StandardCharsets.UTF_8);
        List<ByteString> oneByteEach = new java.util.ArrayList<>();
        for (byte b : text) {
            oneByteEach.add(ByteString.fromArray(new byte[] {b}));
        }
        List<Inbound> lines = Source.from(oneByteEach).via(WireFormat.inbound())
                .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of(new Inbound.TextLine(ByteString.fromString("hola|mundo Ñandú", StandardCharsets.UTF_8)),
                new Inbound.TextLine(ByteString.fromString("segunda"))), lines);
    }

    @Test
    void onlyPrintableFirstBytesSelectTextMode() {
        assertTrue(WireFormat.startsText((byte) 'p'));
        assertTrue(WireFormat.startsText((byte) 0xC3)); // UTF-8 lead byte, e.g. "Ñ"
        for (int b : new int[] {0x00, 0x01, 0x1F, 0x7F, 0x80, 0xC1, 0xF5, 0xFF}) {
            assertFalse(WireFormat.startsText((byte) b), "byte " + b);
        }
    }

    @Test
    void anEchoIsTheLineWithItsNewline() throws Exception {
        List<ByteString> out = Source.single((Outbound) new Outbound.Echo(ByteString.fromString("ping")))
                .via(WireFormat.outbound()).runWith(Sink.seq(), testKit.system())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of(ByteString.fromString("ping\n")), out);
    }

    // ------------------------------------------------------------ port unification

    @Test
    void theFirstByteTellsAFrameFromATextLineFromTls() {
        assertEquals(WireFormat.FirstByte.FRAME, WireFormat.FirstByte.of((byte) 0x00), "a frame's length starts with 0x00");
        assertEquals(WireFormat.FirstByte.TLS, WireFormat.FirstByte.of((byte) 0x16), "a TLS handshake record");
        assertEquals(WireFormat.FirstByte.TEXT, WireFormat.FirstByte.of((byte) 'h'));
        assertEquals(WireFormat.FirstByte.TEXT, WireFormat.FirstByte.of((byte) 0xC3), "a UTF-8 lead byte");
        for (int b = 0; b < 256; b++) {
            WireFormat.FirstByte kind = WireFormat.FirstByte.of((byte) b);
            assertEquals(b == 0x16, kind == WireFormat.FirstByte.TLS, "byte " + b);
            assertEquals(WireFormat.startsText((byte) b), kind == WireFormat.FirstByte.TEXT, "byte " + b);
        }
        byte[] hello = Codec.encode(new Message.Hello(Protocol.VERSION, 1, "s"));
        assertEquals(WireFormat.FirstByte.FRAME, WireFormat.FirstByte.of(hello[0]));
    }

    @Test
    void withTlsOnAPlaintextFrameIsRefusedButAnEchoLineIsNot() throws Exception {
        byte[] frames = encodeAll(MESSAGES);
        List<Inbound> refused = Source.from(oneBytePerElement(frames)).via(WireFormat.inbound(false))
                .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(1, refused.size(), "one refusal, the rest dropped: " + refused);
        assertEquals(ErrorCode.TLS_REQUIRED, assertInstanceOf(Inbound.Broken.class, refused.get(0)).code());

        List<Inbound> echoed = Source.single(ByteString.fromString("hola\n")).via(WireFormat.inbound(false))
                .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of(new Inbound.TextLine(ByteString.fromString("hola"))), echoed);
    }
}
