package tp0.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hand-crafted frames that break the protocol, each refused with the exact error code the
 * server will answer with.
 */
class MalformedInputTest {

    private static final int BATCH = MessageType.BET_BATCH.code;

    /** Decodes {@code frame} as a whole frame and expects {@code code}. */
    static DecodeException assertRefused(ErrorCode code, byte[] frame) {
        DecodeException e = assertThrows(DecodeException.class, () -> Codec.decodeFrame(ByteBuffer.wrap(frame)),
                () -> "expected " + code + " for " + WireBytes.hex(frame));
        assertEquals(code, e.code(), () -> "for " + WireBytes.hex(frame) + ": " + e.getMessage());
        return e;
    }

    /** The same frame through a FrameReader must fail the same way. */
    static DecodeException assertRefusedByReader(ErrorCode code, byte[] frame) {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(frame));
        DecodeException e = assertThrows(DecodeException.class, reader::read);
        assertEquals(code, e.code(), e::getMessage);
        return e;
    }

    /** A one-bet batch; asserts the failure is attributed to a batch declaring one bet. */
    static void assertBetRefused(ErrorCode code, WireBytes batchWithOneBet) {
        byte[] frame = batchWithOneBet.frame();
        DecodeException e = assertRefused(code, frame);
        assertEquals(MessageType.BET_BATCH, e.type());
        assertEquals(1, e.declaredCount());
        assertRefusedByReader(code, frame);
    }

    static WireBytes oneBet() {
        return WireBytes.body(BATCH).u16(1);
    }

    // ------------------------------------------------------------------ type byte and framing

    @Nested
    class TypeAndFraming {

        @ParameterizedTest
        @ValueSource(ints = {0x00, 0x0D, 0x0E, 0x7F, 0x80, 0xFF})
        void unknownTypeByte(int typeByte) {
            DecodeException e = assertRefused(ErrorCode.UNKNOWN_MESSAGE_TYPE, WireBytes.body(typeByte).frame());
            assertNull(e.type());
            assertEquals(-1, e.declaredCount());
            assertRefused(ErrorCode.UNKNOWN_MESSAGE_TYPE, WireBytes.body(typeByte).u16(1).u32(7).frame());
            assertRefusedByReader(ErrorCode.UNKNOWN_MESSAGE_TYPE, WireBytes.body(typeByte).frame());
        }

        @Test
        void emptyBody() {
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD, WireBytes.empty().frame());
            assertRefusedByReader(ErrorCode.TRUNCATED_PAYLOAD, WireBytes.empty().frame());
            DecodeException e = assertThrows(DecodeException.class, () -> Codec.decodeBody(ByteBuffer.allocate(0)));
            assertEquals(ErrorCode.TRUNCATED_PAYLOAD, e.code());
        }

        @Test
        void frameShorterThanItsLengthField() {
            for (int n = 0; n < Frame.LENGTH_FIELD_BYTES; n++) {
                assertRefused(ErrorCode.TRUNCATED_PAYLOAD, new byte[n]);
            }
        }

        @Test
        void lengthFieldLargerThanTheBytesPresent() {
            byte[] frame = WireBytes.body(MessageType.ALL_BETS_SENT).frameDeclaring(2);
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD, frame);
            byte[] hello = Codec.encode(new Message.Hello(1, 2, "abc"));
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD, Arrays.copyOf(hello, hello.length - 1));
        }

        @Test
        void lengthFieldSmallerThanTheBytesPresent() {
            byte[] frame = WireBytes.body(MessageType.WINNERS_QUERY).u8(0).frameDeclaring(1);
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD, frame);
            byte[] zero = WireBytes.body(MessageType.WINNERS_QUERY).frameDeclaring(0);
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD, zero);
        }

        @ParameterizedTest
        @ValueSource(ints = {Frame.MAX_BODY_BYTES + 1, 0x2000, 0x7FFF_FFFF, 0xFFFF_FFFF})
        void lengthFieldOverTheLimit(int declared) {
            assertRefused(ErrorCode.FRAME_TOO_LARGE, WireBytes.body(MessageType.ALL_BETS_SENT).frameDeclaring(declared));
        }
    }

    // ------------------------------------------------------------------ truncation and trailing bytes

    @Nested
    class TruncationAndTrailingBytes {

        static Stream<Arguments> messagesWithPayload() {
            return Samples.everyMessage().stream()
                    .filter(m -> Codec.encode(m).length > Frame.LENGTH_FIELD_BYTES + 1)
                    .map(m -> Arguments.of(m.type(), m));
        }

        @ParameterizedTest(name = "{0}: {1}")
        @MethodSource("messagesWithPayload")
        void everyProperPrefixOfAValidBodyIsTruncated(MessageType type, Message message) {
            byte[] body = WireBytes.bodyOf(Codec.encode(message));
            for (int len = 1; len < body.length; len++) {
                byte[] frame = WireBytes.frameOf(Arrays.copyOf(body, len));
                DecodeException e = assertRefused(ErrorCode.TRUNCATED_PAYLOAD, frame);
                assertEquals(type, e.type(), "cut at " + len);
            }
        }

        static Stream<Arguments> everyMessage() {
            return Samples.everyMessage().stream().map(m -> Arguments.of(m.type(), m));
        }

        @ParameterizedTest(name = "{0}: {1}")
        @MethodSource("everyMessage")
        void bytesAfterAValidMessageAreTrailing(MessageType type, Message message) {
            byte[] body = WireBytes.bodyOf(Codec.encode(message));
            for (int extra = 1; extra <= 3; extra++) {
                byte[] frame = WireBytes.frameOf(Arrays.copyOf(body, body.length + extra));
                DecodeException e = assertRefused(ErrorCode.TRAILING_BYTES, frame);
                assertEquals(type, e.type());
                assertRefusedByReader(ErrorCode.TRAILING_BYTES, frame);
            }
        }

        @Test
        void betBatchCutInsideABetReportsTypeAndDeclaredCount() {
            byte[] body = WireBytes.body(BATCH).u16(3)
                    .bet("Nicolás", "Saldaña", "00012345")
                    .bet("José", "Muñoz", "30904465")
                    .bet("Ana", "Paz", "1")
                    .bodyBytes();
            // every cut from just after the count to one byte short of the end
            for (int len = 3; len < body.length; len++) {
                DecodeException e = assertRefused(ErrorCode.TRUNCATED_PAYLOAD, WireBytes.frameOf(Arrays.copyOf(body, len)));
                assertEquals(MessageType.BET_BATCH, e.type(), "cut at " + len);
                assertEquals(3, e.declaredCount(), "cut at " + len);
            }
        }

        @Test
        void betBatchCutInTheMiddleOfTheSecondBet() {
            // the second bet stops inside its last name
            byte[] frame = WireBytes.body(BATCH).u16(2)
                    .bet("Nicolás", "Saldaña", "00012345")
                    .str("José").u16(5).raw('M', 'u')
                    .frame();
            DecodeException e = assertRefused(ErrorCode.TRUNCATED_PAYLOAD, frame);
            assertEquals(MessageType.BET_BATCH, e.type());
            assertEquals(2, e.declaredCount());
            assertTrue(e.getMessage().contains("bet 2"), e.getMessage());
        }

        @Test
        void betBatchDeclaringMoreBetsThanCouldFit() {
            byte[] frame = WireBytes.body(BATCH).u16(500).bet("Ana", "Paz", "1").frame();
            DecodeException e = assertRefused(ErrorCode.TRUNCATED_PAYLOAD, frame);
            assertEquals(MessageType.BET_BATCH, e.type());
            assertEquals(500, e.declaredCount());
            DecodeException max = assertRefused(ErrorCode.TRUNCATED_PAYLOAD, WireBytes.body(BATCH).u16(0xFFFF).frame());
            assertEquals(0xFFFF, max.declaredCount());
        }

        @Test
        void betBatchWithMoreBetsThanDeclaredHasTrailingBytes() {
            byte[] frame = WireBytes.body(BATCH).u16(1).bet("Ana", "Paz", "1").bet("Eva", "Gil", "2").frame();
            assertRefused(ErrorCode.TRAILING_BYTES, frame);
        }

        @Test
        void stringLengthPointingPastTheFrame() {
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD,
                    WireBytes.body(MessageType.HELLO).u16(1).u32(1).u16(100).raw('a', 'b', 'c').frame());
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD,
                    WireBytes.body(MessageType.ERROR).u16(ErrorCode.BAD_DATE.code).u16(0xFFFF).raw('x').frame());
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD,
                    WireBytes.body(MessageType.WINNERS).u16(1).u16(9).raw('1', '2').u8(1).frame());
            DecodeException e = assertRefused(ErrorCode.TRUNCATED_PAYLOAD,
                    oneBet().str("Ana").u16(40).raw('P', 'a', 'z').frame());
            assertEquals(1, e.declaredCount());
        }

        @Test
        void winnersDeclaringMoreDocumentsThanPresent() {
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD, WireBytes.body(MessageType.WINNERS).u16(3).str("1").u8(1).frame());
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD, WireBytes.body(MessageType.WINNERS).u16(0xFFFF).u8(1).frame());
        }

        @Test
        void winnersWithoutTheLastFlag() {
            assertRefused(ErrorCode.TRUNCATED_PAYLOAD, WireBytes.body(MessageType.WINNERS).u16(1).str("1").frame());
        }
    }

    // ------------------------------------------------------------------ UTF-8

    @Nested
    class Utf8 {

        static Stream<Arguments> invalidUtf8() {
            return Stream.of(
                    Arguments.of("bad continuation C3 28", new int[] {0xC3, 0x28}),
                    Arguments.of("lone continuation 80", new int[] {0x80}),
                    Arguments.of("overlong slash C0 AF", new int[] {0xC0, 0xAF}),
                    Arguments.of("overlong NUL C0 80", new int[] {0xC0, 0x80}),
                    Arguments.of("encoded surrogate ED A0 80", new int[] {0xED, 0xA0, 0x80}),
                    Arguments.of("truncated sequence at the end E2 82", new int[] {'a', 0xE2, 0x82}),
                    Arguments.of("lead byte F8", new int[] {0xF8, 0x88, 0x80, 0x80, 0x80}),
                    Arguments.of("above U+10FFFF F4 90 80 80", new int[] {0xF4, 0x90, 0x80, 0x80}),
                    Arguments.of("FF", new int[] {'N', 0xFF, 'x'}));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidUtf8")
        void inAFirstName(String what, int[] bytes) {
            assertBetRefused(ErrorCode.INVALID_UTF8, oneBet().strBytes(bytes).str("Paz").str("1").u16(1990).u8(1).u8(1).u32(1));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidUtf8")
        void inALastName(String what, int[] bytes) {
            assertBetRefused(ErrorCode.INVALID_UTF8, oneBet().str("Ana").strBytes(bytes).str("1").u16(1990).u8(1).u8(1).u32(1));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidUtf8")
        void inOtherMessages(String what, int[] bytes) {
            assertRefused(ErrorCode.INVALID_UTF8, WireBytes.body(MessageType.HELLO).u16(1).u32(1).strBytes(bytes).frame());
            assertRefused(ErrorCode.INVALID_UTF8,
                    WireBytes.body(MessageType.ERROR).u16(ErrorCode.BAD_TEXT.code).strBytes(bytes).frame());
            assertRefused(ErrorCode.INVALID_UTF8,
                    WireBytes.body(MessageType.WINNERS).u16(1).strBytes(bytes).u8(1).frame());
        }

        @Test
        void validMultiByteSequencesAreAccepted() throws Exception {
            byte[] frame = oneBet().strBytes(0x4E, 0x69, 0x63, 0x6F, 0x6C, 0xC3, 0xA1, 0x73) // Nicolás
                    .strBytes(0xF0, 0x9F, 0x8D, 0x80) // U+1F340
                    .str("1").u16(1990).u8(1).u8(1).u32(1).frame();
            Message.BetBatch batch = (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(frame));
            assertEquals("Nicolás", batch.bets().get(0).firstName());
            assertEquals(Samples.EMOJI, batch.bets().get(0).lastName());
        }
    }

    // ------------------------------------------------------------------ bet validation

    @Nested
    class BetFields {

        private WireBytes betWithDate(int year, int month, int day) {
            return oneBet().bet("Ana", "Paz", "1", year, month, day, 1);
        }

        @Test
        void badDates() {
            assertBetRefused(ErrorCode.BAD_DATE, betWithDate(1990, 13, 1));
            assertBetRefused(ErrorCode.BAD_DATE, betWithDate(1990, 0, 1));
            assertBetRefused(ErrorCode.BAD_DATE, betWithDate(2001, 2, 30));
            assertBetRefused(ErrorCode.BAD_DATE, betWithDate(2001, 2, 29));
            assertBetRefused(ErrorCode.BAD_DATE, betWithDate(1900, 2, 29));
            assertBetRefused(ErrorCode.BAD_DATE, betWithDate(1990, 4, 31));
            assertBetRefused(ErrorCode.BAD_DATE, betWithDate(1990, 1, 0));
            assertBetRefused(ErrorCode.BAD_DATE, betWithDate(1990, 1, 32));
            assertBetRefused(ErrorCode.BAD_DATE, betWithDate(1990, 255, 255));
        }

        @Test
        void leapDayIsAValidDate() throws Exception {
            byte[] frame = betWithDate(2000, 2, 29).frame();
            Message.BetBatch batch = (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(frame));
            assertEquals(java.time.LocalDate.of(2000, 2, 29), batch.bets().get(0).birthdate());
        }

        @ParameterizedTest
        @ValueSource(ints = {-1, -7574, Integer.MIN_VALUE})
        void negativeNumber(int number) {
            assertBetRefused(ErrorCode.NEGATIVE_NUMBER, oneBet().bet("Ana", "Paz", "1", 1990, 1, 1, number));
        }

        @Test
        void emptyOrBlankFields() {
            assertBetRefused(ErrorCode.EMPTY_FIELD, oneBet().bet("", "Paz", "1"));
            assertBetRefused(ErrorCode.EMPTY_FIELD, oneBet().bet("   ", "Paz", "1"));
            assertBetRefused(ErrorCode.EMPTY_FIELD, oneBet().bet("Ana", "", "1"));
            assertBetRefused(ErrorCode.EMPTY_FIELD, oneBet().bet("Ana", "   ", "1"));
            assertBetRefused(ErrorCode.EMPTY_FIELD, oneBet().bet("Ana", " \t ", "1"));
            assertBetRefused(ErrorCode.EMPTY_FIELD, oneBet().bet("Ana", "Paz", ""));
        }

        @ParameterizedTest
        @ValueSource(strings = {"12a45", " 123", "123 ", "-123", "+1", "1.5", "12,345", "١٢٣", "１２３"})
        void documentNotAllDigits(String document) {
            assertBetRefused(ErrorCode.BAD_DOCUMENT, oneBet().bet("Ana", "Paz", document));
        }

        @ParameterizedTest
        @ValueSource(strings = {"Ana\nPaz", "Ana\u0000", "\u0000", "An\ra", "A\tna", "Ana\u007F", "Ana\u0085", "\u001B[31m"})
        void controlCharactersInNames(String name) {
            assertBetRefused(ErrorCode.BAD_TEXT, oneBet().bet(name, "Paz", "1"));
            assertBetRefused(ErrorCode.BAD_TEXT, oneBet().bet("Ana", name, "1"));
        }

        @Test
        void firstBrokenRuleWinsInFieldOrder() {
            // empty first name and a bad document: the first name is reported
            assertBetRefused(ErrorCode.EMPTY_FIELD, oneBet().bet("", "Paz", "x"));
            // bad document before negative number
            assertBetRefused(ErrorCode.BAD_DOCUMENT, oneBet().bet("Ana", "Paz", "x", 1990, 1, 1, -1));
        }

        @Test
        void failureInALaterBetNamesThatBet() {
            byte[] frame = WireBytes.body(BATCH).u16(3)
                    .bet("Ana", "Paz", "1")
                    .bet("Eva", "Gil", "2", 2001, 2, 30, 5)
                    .bet("Leo", "Sol", "3")
                    .frame();
            DecodeException e = assertRefused(ErrorCode.BAD_DATE, frame);
            assertEquals(MessageType.BET_BATCH, e.type());
            assertEquals(3, e.declaredCount());
            assertTrue(e.getMessage().contains("bet 2"), e.getMessage());
        }

        @Test
        void betCheckAgreesWithTheDecoder() {
            assertNull(Samples.bet("Nicolás", "Saldaña", "00012345", 0).check());
            assertEquals(new Bet.Violation(ErrorCode.EMPTY_FIELD, "first name"), Samples.bet(" ", "Paz", "1", 0).check());
            assertEquals(new Bet.Violation(ErrorCode.BAD_TEXT, "last name"), Samples.bet("Ana", "P\naz", "1", 0).check());
            assertEquals(new Bet.Violation(ErrorCode.EMPTY_FIELD, "document"), Samples.bet("Ana", "Paz", "", 0).check());
            assertEquals(new Bet.Violation(ErrorCode.BAD_DOCUMENT, "document"), Samples.bet("Ana", "Paz", "12a45", 0).check());
            assertEquals(new Bet.Violation(ErrorCode.NEGATIVE_NUMBER, "number"), Samples.bet("Ana", "Paz", "1", -1).check());
            assertEquals("document: document must be digits only",
                    Samples.bet("Ana", "Paz", "12a45", 0).check().describe());
        }
    }

    // ------------------------------------------------------------------ exact details of the in-place decoder

    /**
     * The BetBatch decoder validates on the bytes, without building Strings; its refusals must
     * read exactly as the String-based decoder's did (the reference below), the first broken
     * rule winning in the same order.
     */
    @Nested
    class InPlaceDecoderDetails {

        private void assertDetail(ErrorCode code, String detail, WireBytes batch) {
            byte[] frame = batch.frame();
            DecodeException e = assertRefused(code, frame);
            assertEquals(detail, e.getMessage());
            assertEquals(MessageType.BET_BATCH, e.type());
            ReferenceBetBatchDecoder.Outcome old = ReferenceBetBatchDecoder.decodeBody(WireBytes.bodyOf(frame));
            assertEquals(code, old.code(), "the old decoder agrees on the code");
            assertEquals(detail, old.detail(), "the old decoder agrees on the text");
            assertRefusedByReader(code, frame);
        }

        @Test
        void everyCodeWithItsText() {
            assertDetail(ErrorCode.INVALID_UTF8, "BET_BATCH: bet 1: first name is not valid UTF-8",
                    oneBet().strBytes(0xC0, 0x80).str("Paz").str("1").u16(1990).u8(1).u8(1).u32(1));
            assertDetail(ErrorCode.INVALID_UTF8, "BET_BATCH: bet 1: document is not valid UTF-8",
                    oneBet().str("Ana").str("Paz").strBytes('1', 0xED, 0xA0, 0x80).u16(1990).u8(1).u8(1).u32(1));
            assertDetail(ErrorCode.BAD_DATE, "BET_BATCH: bet 1: birthdate 2001-2-29",
                    oneBet().bet("Ana", "Paz", "1", 2001, 2, 29, 1));
            assertDetail(ErrorCode.BAD_DATE, "BET_BATCH: bet 1: birthdate: birthdate is not a valid date",
                    oneBet().bet("Ana", "Paz", "1", 0, 2, 29, 1)); // a real date of year 0: refused by range
            assertDetail(ErrorCode.BAD_DATE, "BET_BATCH: bet 1: birthdate: birthdate is not a valid date",
                    oneBet().bet("Ana", "Paz", "1", 10_000, 12, 31, 1));
            assertDetail(ErrorCode.BAD_DATE, "BET_BATCH: bet 1: birthdate 10001-2-29",
                    oneBet().bet("Ana", "Paz", "1", 10_001, 2, 29, 1));
            assertDetail(ErrorCode.EMPTY_FIELD, "BET_BATCH: bet 1: first name: required field is empty",
                    oneBet().bet("\u3000\t", "Paz", "1"));
            assertDetail(ErrorCode.BAD_TEXT, "BET_BATCH: bet 1: last name: text field contains control characters",
                    oneBet().bet("Ana", "Pa\u0085z", "1"));
            assertDetail(ErrorCode.EMPTY_FIELD, "BET_BATCH: bet 1: document: required field is empty",
                    oneBet().bet("Ana", "Paz", ""));
            assertDetail(ErrorCode.BAD_DOCUMENT, "BET_BATCH: bet 1: document: document must be digits only",
                    oneBet().bet("Ana", "Paz", "١٢٣"));
            assertDetail(ErrorCode.NEGATIVE_NUMBER, "BET_BATCH: bet 1: number: bet number is negative",
                    oneBet().bet("Ana", "Paz", "1", 1990, 1, 1, -1));
            assertDetail(ErrorCode.TRUNCATED_PAYLOAD, "BET_BATCH: bet 1: last name declares 40 bytes but 11 remain",
                    oneBet().str("Ana").u16(40).raw('P', 'a', 'z').raw(new byte[8]));
            assertDetail(ErrorCode.TRUNCATED_PAYLOAD, "BET_BATCH: bet 1: payload ends inside a field",
                    oneBet().str("Ana").str("Paz").str("1").u16(1990).u8(1).u8(1).raw(0, 0, 0));
            assertDetail(ErrorCode.TRUNCATED_PAYLOAD, "BET_BATCH: 3 bets cannot fit in 20 bytes",
                    WireBytes.body(BATCH).u16(3).bet("A", "B", "1").raw(new byte[0]).u8(0).u8(0).u8(0));
            assertDetail(ErrorCode.TRAILING_BYTES, "BET_BATCH: 2 bytes after the last field",
                    oneBet().bet("Ana", "Paz", "1").u16(0));
        }

        @Test
        void theFirstBrokenRuleWinsInTheOldOrder() {
            // UTF-8 of every string before any field rule
            assertDetail(ErrorCode.INVALID_UTF8, "BET_BATCH: bet 1: last name is not valid UTF-8",
                    oneBet().str(" ").strBytes(0xFF).str("x").u16(0).u8(0).u8(0).u32(-1));
            // the date's existence before the name rules
            assertDetail(ErrorCode.BAD_DATE, "BET_BATCH: bet 1: birthdate 1990-4-31",
                    oneBet().bet("", "\n", "x", 1990, 4, 31, -1));
            // a cut-off date before the name rules
            assertDetail(ErrorCode.TRUNCATED_PAYLOAD, "BET_BATCH: bet 2: payload ends inside a field",
                    WireBytes.body(BATCH).u16(2).bet("Ana", "Paz", "1").str("").str("").str("").u16(1990).u8(1));
            // then first name, last name, document, year range, number
            assertDetail(ErrorCode.BAD_TEXT, "BET_BATCH: bet 1: first name: text field contains control characters",
                    oneBet().bet("A\u0000", "", "", 0, 1, 1, -1));
            assertDetail(ErrorCode.EMPTY_FIELD, "BET_BATCH: bet 1: last name: required field is empty",
                    oneBet().bet("Ana", " ", "x", 0, 1, 1, -1));
            assertDetail(ErrorCode.BAD_DOCUMENT, "BET_BATCH: bet 1: document: document must be digits only",
                    oneBet().bet("Ana", "Paz", " 1", 0, 1, 1, -1));
            assertDetail(ErrorCode.BAD_DATE, "BET_BATCH: bet 1: birthdate: birthdate is not a valid date",
                    oneBet().bet("Ana", "Paz", "1", 0, 1, 1, -1));
            // a later bet is named
            assertDetail(ErrorCode.NEGATIVE_NUMBER, "BET_BATCH: bet 3: number: bet number is negative",
                    WireBytes.body(BATCH).u16(3).bet("Ana", "Paz", "1").bet("Eva", "Gil", "2")
                            .bet("Leo", "Sol", "3", 1990, 1, 1, Integer.MIN_VALUE));
        }
    }

    // ------------------------------------------------------------------ other fields

    @Nested
    class OtherFields {

        @Test
        void winnersLastFlagOtherThanZeroOrOne() {
            for (int flag : new int[] {2, 0x80, 0xFF}) {
                byte[] frame = WireBytes.body(MessageType.WINNERS).u16(1).str("123").u8(flag).frame();
                DecodeException e = assertThrows(DecodeException.class, () -> Codec.decodeFrame(ByteBuffer.wrap(frame)));
                assertEquals(MessageType.WINNERS, e.type());
            }
        }

        @Test
        void unknownErrorCodeInErrorAndBatchRejected() {
            for (int code : new int[] {0, ErrorCode.values().length + 1, 0xFFFF}) {
                assertThrows(DecodeException.class, () -> Codec.decodeFrame(ByteBuffer.wrap(
                        WireBytes.body(MessageType.ERROR).u16(code).str("x").frame())));
                assertThrows(DecodeException.class, () -> Codec.decodeFrame(ByteBuffer.wrap(
                        WireBytes.body(MessageType.BATCH_REJECTED).u16(code).u16(1).frame())));
            }
        }

        @Test
        void emptyMessagesWithAPayloadHaveTrailingBytes() {
            for (MessageType t : new MessageType[] {MessageType.ALL_BETS_SENT, MessageType.ALL_BETS_SENT_ACK,
                    MessageType.WINNERS_QUERY, MessageType.PING, MessageType.PONG}) {
                DecodeException e = assertRefused(ErrorCode.TRAILING_BYTES, WireBytes.body(t).u8(0).frame());
                assertEquals(t, e.type());
                assertEquals(-1, e.declaredCount());
            }
        }
    }
}
