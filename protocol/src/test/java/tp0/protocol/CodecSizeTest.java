package tp0.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Size arithmetic (encodedSize, utf8Length, winnersFrames) and the 8 KiB frame limit on encoding. */
class CodecSizeTest {

    private static final int MAX = Frame.MAX_FRAME_BYTES;

    // ------------------------------------------------------------------ utf8Length

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "abc", "\u0000", "\u007F", "\u0080", "ñ", "Nicolás", "Saldaña", "\u07FF",
            "\u0800", "€", "\uFFFF", "李小龍", Samples.EMOJI, "a" + Samples.EMOJI + "b", Samples.EMOJI + Samples.EMOJI,
            "\uDBFF\uDFFF", "\uD800\uDC00", "mixed ñ € \uD83D\uDE00 z"})
    void utf8LengthMatchesGetBytes(String s) {
        assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Codec.utf8Length(s));
    }

    @Test
    void utf8LengthMatchesGetBytesOnRandomWellFormedStrings() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(20);
            for (int j = 0; j < n; j++) {
                int cp;
                do {
                    cp = switch (random.nextInt(4)) {
                        case 0 -> random.nextInt(0x80);
                        case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
                        case 2 -> 0x800 + random.nextInt(0x10000 - 0x800);
                        default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
                    };
                } while (cp >= 0xD800 && cp <= 0xDFFF); // only well-formed strings here
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Codec.utf8Length(s), s);
        }
    }

    /**
     * A lone surrogate is not encodable: {@code getBytes(UTF_8)} (what the encoder sends) turns it
     * into one '?' byte, while utf8Length counts 3 bytes for it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\uD83D", "\uDE00", "a\uD83D", "\uDE00\uD83D", "x\uD800y"})
    void utf8LengthMatchesGetBytesOnLoneSurrogates(String s) {
        assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Codec.utf8Length(s));
    }

    // ------------------------------------------------------------------ encodedSize

    @Test
    void encodedSizeOfOneBetPlusOverheadIsTheFrameLength() {
        for (Bet bet : Samples.trickyBets()) {
            assertEquals(Codec.encodedSize(bet) + Codec.BET_BATCH_OVERHEAD,
                    Codec.encode(Batches.of(List.of(bet))).length, bet::toString);
        }
    }

    @Test
    void sumOfEncodedSizesPlusOverheadIsTheFrameLength() {
        List<Bet> bets = new ArrayList<>(Samples.trickyBets());
        bets.addAll(Samples.bets(80));
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            Collections.shuffle(bets, random);
            List<Bet> batch = bets.subList(0, random.nextInt(bets.size() + 1));
            int sum = batch.stream().mapToInt(Codec::encodedSize).sum();
            assertEquals(sum + Codec.BET_BATCH_OVERHEAD, Codec.encode(Batches.of(batch)).length);
        }
    }

    @Test
    void emptyBatchIsJustTheOverhead() {
        assertEquals(Codec.BET_BATCH_OVERHEAD, Codec.encode(Batches.of(List.of())).length);
    }

    // ------------------------------------------------------------------ the 8 KiB limit

    /** Bets whose encodings add up to exactly {@code frameBytes - BET_BATCH_OVERHEAD}. */
    static List<Bet> betsFilling(int frameBytes) {
        List<Bet> bets = new ArrayList<>();
        int used = Codec.BET_BATCH_OVERHEAD;
        Bet regular = new Bet("Nicolás", "Saldaña", "00012345", LocalDate.of(1980, 1, 2), 42);
        int smallest = Codec.encodedSize(new Bet("X", "Y", "1", LocalDate.of(1980, 1, 2), 1));
        while (frameBytes - used - Codec.encodedSize(regular) >= smallest) {
            bets.add(regular);
            used += Codec.encodedSize(regular);
        }
        int padding = frameBytes - used - smallest; // extra bytes of first name for the last bet
        bets.add(new Bet("X" + "a".repeat(padding), "Y", "1", LocalDate.of(1980, 1, 2), 1));
        return bets;
    }

    @Test
    void betBatchOfExactlyTheLimitEncodesAndDecodes() throws Exception {
        List<Bet> bets = betsFilling(MAX);
        assertEquals(MAX - Codec.BET_BATCH_OVERHEAD, bets.stream().mapToInt(Codec::encodedSize).sum());
        byte[] frame = Codec.encode(Batches.of(bets));
        assertEquals(MAX, frame.length);
        assertEquals(Batches.of(bets), Codec.decodeFrame(ByteBuffer.wrap(frame)));
    }

    @Test
    void betBatchOneByteOverTheLimitIsRefused() {
        List<Bet> bets = betsFilling(MAX + 1);
        assertEquals(MAX + 1 - Codec.BET_BATCH_OVERHEAD, bets.stream().mapToInt(Codec::encodedSize).sum());
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(Batches.of(bets)));
    }

    @Test
    void farTooLargeBetBatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(Batches.of(Samples.bets(1_000))));
    }

    @Test
    void betBatchWithMoreThan65535BetsIsRefused() {
        Bet tiny = new Bet("A", "B", "1", LocalDate.of(2000, 1, 1), 1);
        assertThrows(IllegalArgumentException.class,
                () -> Codec.encode(Batches.of(Collections.nCopies(65_536, tiny))));
    }

    @Test
    void errorTextAtTheLimitEncodesOneMoreByteDoesNot() throws Exception {
        int textBytes = MAX - (Frame.LENGTH_FIELD_BYTES + 1 + 2 + 2); // length, type, code, string length
        Message.Error fits = new Message.Error(ErrorCode.BAD_TEXT, "e".repeat(textBytes));
        byte[] frame = Codec.encode(fits);
        assertEquals(MAX, frame.length);
        assertEquals(fits, Codec.decodeFrame(ByteBuffer.wrap(frame)));
        assertThrows(IllegalArgumentException.class,
                () -> Codec.encode(new Message.Error(ErrorCode.BAD_TEXT, "e".repeat(textBytes + 1))));
        // the same limit counted in UTF-8 bytes, not chars: one 'ñ' is two bytes
        assertThrows(IllegalArgumentException.class,
                () -> Codec.encode(new Message.Error(ErrorCode.BAD_TEXT, "e".repeat(textBytes - 1) + "ñ")));
    }

    @Test
    void stringsLongerThanAU16AreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Codec.encode(new Message.Hello(1, 1, "s".repeat(65_536))));
    }

    @Test
    void countsOutsideU16AreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(new Message.BatchAck(65_536, 0)));
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(new Message.BatchAck(-1, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> Codec.encode(new Message.BatchRejected(ErrorCode.BAD_DATE, 65_536)));
    }

    /**
     * Fields narrower than their Java type (u16 year, u16 version) must not be truncated silently:
     * either the value comes back, or encode refuses it as it refuses other out-of-range values.
     */
    @ParameterizedTest
    @ValueSource(ints = {-1, 65_536, 70_000})
    void birthYearOutsideU16IsRefusedNotTruncated(int year) throws Exception {
        Bet bet = new Bet("Ana", "Paz", "1", LocalDate.of(year, 1, 1), 1);
        byte[] frame;
        try {
            frame = Codec.encode(Batches.of(List.of(bet)));
        } catch (IllegalArgumentException refused) {
            return;
        }
        Message.BetBatch back = (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(frame));
        assertEquals(bet.birthdate(), back.bets().get(0).birthdate());
    }

    @Test
    void versionOutsideU16IsRefusedNotTruncated() throws Exception {
        for (Message m : List.<Message>of(new Message.Hello(65_536, 1, ""), new Message.Welcome(65_536, 0))) {
            byte[] frame;
            try {
                frame = Codec.encode(m);
            } catch (IllegalArgumentException refused) {
                continue;
            }
            assertEquals(m, Codec.decodeFrame(ByteBuffer.wrap(frame)));
        }
    }

    // ------------------------------------------------------------------ winnersFrames

    @Test
    void noWinnersGivesOneEmptyLastFrame() {
        List<Message.Winners> frames = Codec.winnersFrames(List.of());
        assertEquals(List.of(new Message.Winners(List.of(), true)), frames);
    }

    @Test
    void fewWinnersGiveOneLastFrame() {
        List<String> docs = List.of("00012345", "30904465");
        assertEquals(List.of(new Message.Winners(docs, true)), Codec.winnersFrames(docs));
    }

    @Test
    void manyWinnersAreSplitIntoFramesThatFit() throws Exception {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            docs.add(String.format("%012d", i * 7_919L)); // 12 digits, leading zeros included
        }
        List<Message.Winners> frames = Codec.winnersFrames(docs);

        assertTrue(frames.size() > 1, "5000 documents need several frames");
        List<String> joined = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Message.Winners w = frames.get(i);
            boolean isFinal = i == frames.size() - 1;
            assertEquals(isFinal, w.last(), "only the final frame is last, frame " + i);
            assertFalse(w.documents().isEmpty(), "no empty frames in the middle, frame " + i);
            byte[] encoded = Codec.encode(w);
            assertTrue(encoded.length <= MAX, "frame " + i + " is " + encoded.length + " bytes");
            assertEquals(w, Codec.decodeFrame(ByteBuffer.wrap(encoded)));
            joined.addAll(w.documents());
        }
        assertEquals(docs, joined);
        // 12-digit documents take 14 bytes each: 8184 / 14 = 584 fit in a frame, so frames are full
        int perFrame = (MAX - 8) / 14;
        assertEquals((5_000 + perFrame - 1) / perFrame, frames.size());
        assertEquals(perFrame, frames.get(0).documents().size());
    }

    @Test
    void winnersFillingExactlyOneFrameStayInOneFrame() {
        // 8 bytes of overhead (length, type, count, last flag); a 10-digit document takes 12 bytes
        int fit = (MAX - 8) / 12;
        assertEquals(MAX, 8 + fit * 12, "precondition: documents fill the frame exactly");
        List<String> docs = Collections.nCopies(fit, "0123456789");
        List<Message.Winners> frames = Codec.winnersFrames(docs);
        assertEquals(1, frames.size());
        assertEquals(MAX, Codec.encode(frames.get(0)).length);

        List<String> oneMore = Collections.nCopies(fit + 1, "0123456789");
        List<Message.Winners> two = Codec.winnersFrames(oneMore);
        assertEquals(2, two.size());
        assertEquals(List.of("0123456789"), two.get(1).documents());
        assertFalse(two.get(0).last());
        assertTrue(two.get(1).last());
    }

    @Test
    void winnersFramesSplitsByUtf8BytesNotChars() {
        List<String> docs = Collections.nCopies(3_000, "ñññ"); // 6 bytes each, 3 chars
        for (Message.Winners w : Codec.winnersFrames(docs)) {
            assertTrue(Codec.encode(w).length <= MAX);
        }
    }
}
