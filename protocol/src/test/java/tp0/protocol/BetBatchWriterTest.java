package tp0.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming BetBatch writer must write exactly what {@link Codec#encode} writes, and cut where it must. */
class BetBatchWriterTest {
    private static final int MAX = Frame.MAX_FRAME_BYTES;
    private static final String[] NAMES = {"Juan", "Nicolás", "Saldaña", "Øster", "Ñandú", "李小龍", "Zoë " + Samples.EMOJI,
        "José María", "x", "O'Brien-Ünal", "€uro", "\uDBFF\uDFFF", "a\uD800b", "\uDC00", "end\uD83D"};

    private static byte[] bytes(BetBatchWriter writer) {
        return Arrays.copyOf(writer.frame(), writer.size());
    }

    private static byte[] codec(List<Bet> bets) {
        return Codec.encode(Batches.of(bets));
    }

    private static String name(Random random) {
        String name = NAMES[random.nextInt(NAMES.length)];
        return switch (random.nextInt(20)) {
            case 0 -> name.repeat(1 + random.nextInt(200)); // long: a few such bets fill a frame
            case 1 -> name.repeat(400 + random.nextInt(400)); // so long it may not fit at all
            default -> name;
        };
    }

    private static Bet randomBet(Random random) {
        return new Bet(name(random), name(random), String.format("%0" + (1 + random.nextInt(12)) + "d", random.nextInt(100_000)),
                LocalDate.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28)),
                random.nextInt(Integer.MAX_VALUE));
    }

    @Test
    void writesTheSameBytesAsTheCodecAndCutsExactlyWhereTheFrameWouldOverflow() throws Exception {
        Random random = new Random(11);
        BetBatchWriter writer = new BetBatchWriter(); // reused, as by an agency
        int cuts = 0;
        for (int round = 0; round < 400; round++) {
            writer.clear();
            List<Bet> bets = new ArrayList<>();
            int limit = 1 + random.nextInt(400);
            while (bets.size() < limit) {
                Bet bet = randomBet(random);
                byte[] before = bytes(writer);
                if (!writer.add(bet)) {
                    cuts++;
                    assertArrayEquals(before, bytes(writer), "a refused bet leaves the frame as it was");
                    List<Bet> withIt = new ArrayList<>(bets);
                    withIt.add(bet);
                    assertTrue(Codec.BET_BATCH_OVERHEAD + withIt.stream().mapToInt(Codec::encodedSize).sum() > MAX,
                            "refused a bet that fits");
                    break;
                }
                bets.add(bet);
                assertEquals(bets.size(), writer.count());
            }
            byte[] frame = bytes(writer);
            assertArrayEquals(codec(bets), frame, "round " + round);
            assertEquals(Batches.of(bets).bets().size(), writer.count());
            assertTrue(frame.length <= MAX);
        }
        assertTrue(cuts > 50, "the size limit was hit only " + cuts + " times");
    }

    @Test
    void aFrameDecodesToTheBetsWrittenIntoIt() throws Exception {
        BetBatchWriter writer = new BetBatchWriter();
        List<Bet> bets = new ArrayList<>(Samples.trickyBets());
        bets.addAll(Samples.bets(60));
        for (Bet bet : bets) {
            assertTrue(writer.add(bet));
        }
        assertEquals(Batches.of(bets), Codec.decodeFrame(ByteBuffer.wrap(writer.frame(), 0, writer.size())));
    }

    @Test
    @SuppressWarnings("UnnecessaryStringBuilder") // a CharSequence that is not a String, on purpose
    void readsAnyCharSequenceAsItReadsStrings() {
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            Bet bet = randomBet(random);
            BetBatchWriter fromStrings = new BetBatchWriter();
            BetBatchWriter fromViews = new BetBatchWriter();
            boolean added = fromStrings.add(bet);
            LocalDate d = bet.birthdate();
            assertEquals(added, fromViews.add(new StringBuilder(bet.firstName()),
                    CharBuffer.wrap(("  " + bet.lastName() + "  ").toCharArray(), 2, bet.lastName().length()),
                    new StringBuilder(bet.document()), d.getYear(), d.getMonthValue(), d.getDayOfMonth(), bet.number()));
            assertArrayEquals(bytes(fromStrings), bytes(fromViews));
        }
    }

    @Test
    void anEmptyFrameIsTheCodecsEmptyBatch() {
        BetBatchWriter writer = new BetBatchWriter();
        assertTrue(writer.isEmpty());
        assertArrayEquals(codec(List.of()), bytes(writer));
        assertEquals(Codec.BET_BATCH_OVERHEAD, BetBatchWriter.OVERHEAD);
    }

    @Test
    void aBetFillingTheFrameToTheLastByteFitsAndOneByteMoreDoesNot() {
        int room = MAX - BetBatchWriter.OVERHEAD - BetBatchWriter.encodedSize("", "P", "1");
        String name = "é".repeat(room / 2) + "a".repeat(room % 2); // 2-byte chars: the quick bound cannot decide
        Bet full = new Bet(name, "P", "1", LocalDate.of(1990, 1, 1), 5);
        BetBatchWriter writer = new BetBatchWriter();
        assertTrue(writer.add(full));
        assertEquals(MAX, writer.size());
        assertArrayEquals(codec(List.of(full)), bytes(writer));

        writer.clear();
        assertFalse(writer.add(new Bet(name + "a", "P", "1", LocalDate.of(1990, 1, 1), 5)));
        assertTrue(writer.isEmpty());
        assertFalse(writer.add(new Bet("€".repeat(2800), "p", "1", LocalDate.of(1990, 1, 1), 5))); // 8400 bytes
        assertArrayEquals(codec(List.of()), bytes(writer), "still an empty frame");
    }

    @Test
    void aFullFrameRefusesTheNextBetAndAcceptsItAfterClear() {
        BetBatchWriter writer = new BetBatchWriter();
        Bet bet = Samples.bet(7);
        int fits = (MAX - BetBatchWriter.OVERHEAD) / Codec.encodedSize(bet);
        for (int i = 0; i < fits; i++) {
            assertTrue(writer.add(bet));
        }
        assertFalse(writer.add(bet));
        assertEquals(fits, writer.count());
        writer.clear();
        assertTrue(writer.add(bet));
        assertArrayEquals(codec(List.of(bet)), bytes(writer));
    }

    @Test
    void sizesAgreeWithTheCodec() {
        Random random = new Random(3);
        for (int i = 0; i < 500; i++) {
            Bet bet = randomBet(random);
            assertEquals(Codec.encodedSize(bet), BetBatchWriter.encodedSize(bet.firstName(), bet.lastName(), bet.document()));
            assertEquals(Codec.utf8Length(bet.firstName()), BetBatchWriter.utf8Length(bet.firstName()));
        }
    }

    @Test
    void valuesOutsideTheirWireRangeAreRefusedAndLeaveTheFrameAlone() {
        BetBatchWriter writer = new BetBatchWriter();
        assertTrue(writer.add(Samples.bet(1)));
        byte[] before = bytes(writer);
        assertThrows(IllegalArgumentException.class, () -> writer.add("A", "B", "1", 65_536, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> writer.add("A", "B", "1", -1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> writer.add("A", "B", "1", 1990, 256, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> writer.add("A", "B", "1", 1990, 1, -1, 1));
        assertArrayEquals(before, bytes(writer));
        // Year 0 and a negative number are encodable (the decoder, not the encoder, refuses them), as in the codec.
        assertTrue(writer.add("A", "B", "1", 0, 1, 1, -5));
    }
}
