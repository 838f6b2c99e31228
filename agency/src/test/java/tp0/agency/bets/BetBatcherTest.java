package tp0.agency.bets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.Frame;
import tp0.protocol.Message;

class BetBatcherTest {

    /** A source over a list, optionally failing at one position like a bad CSV row. */
    private static final class ListSource implements BetSource {
        private final Iterator<Bet> bets;
        private final int failAt;
        int read;

        ListSource(List<Bet> bets, int failAt) {
            this.bets = bets.iterator();
            this.failAt = failAt;
        }

        ListSource(List<Bet> bets) {
            this(bets, -1);
        }

        @Override
        public Bet next() throws BetFileException {
            if (read == failAt) {
                throw new BetFileException(java.nio.file.Path.of("f.csv"), read + 1, "number", "bad");
            }
            if (!bets.hasNext()) {
                return null;
            }
            read++;
            return bets.next();
        }

        @Override
        public boolean isDataFile() {
            return false;
        }

        @Override
        public void close() { }
    }

    /** A bet that encodes to about {@code nameLength + 30} bytes. */
    private static Bet bet(int i, int nameLength) {
        return new Bet("N".repeat(nameLength), "Apellido", String.valueOf(30_000_000 + i), LocalDate.of(1990, 1, 1), i);
    }

    private static List<Bet> bets(int count, int nameLength) {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bets.add(bet(i, nameLength));
        }
        return bets;
    }

    private static List<List<Bet>> cutAll(List<Bet> bets, int maxAmount) throws BetFileException {
        BetBatcher batcher = new BetBatcher(new ListSource(bets), maxAmount);
        List<List<Bet>> batches = new ArrayList<>();
        for (List<Bet> b; (b = batcher.next()) != null; ) {
            batches.add(b);
        }
        return batches;
    }

    private static void assertEveryFrameFits(List<List<Bet>> batches) {
        for (List<Bet> batch : batches) {
            int encoded = Codec.encode(new Message.BetBatch(batch)).length;
            assertTrue(encoded <= Frame.MAX_FRAME_BYTES, "frame of " + encoded + " bytes");
        }
    }

    private static List<Bet> flatten(List<List<Bet>> batches) {
        return batches.stream().flatMap(List::stream).toList();
    }

    @Test
    void whenTheCountBindsEveryBatchButTheLastIsFull() throws Exception {
        List<Bet> bets = bets(1003, 5); // ~40 bytes each: 10 of them are far below 8 KiB
        List<List<Bet>> batches = cutAll(bets, 10);
        assertEquals(101, batches.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(10, batches.get(i).size());
        }
        assertEquals(3, batches.get(100).size());
        assertEquals(bets, flatten(batches));
        assertEveryFrameFits(batches);
    }

    @Test
    void whenEightKibBindsEachBatchIsCutJustBeforeItWouldOverflow() throws Exception {
        List<Bet> bets = bets(2000, 20); // ~55 bytes each: fewer than 500 fit in 8 KiB
        List<List<Bet>> batches = cutAll(bets, 500);
        assertEquals(bets, flatten(batches));
        assertEveryFrameFits(batches);
        for (int i = 0; i < batches.size() - 1; i++) {
            List<Bet> batch = batches.get(i);
            assertTrue(batch.size() < 500);
            int size = Codec.encode(new Message.BetBatch(batch)).length;
            Bet firstOfNext = batches.get(i + 1).get(0);
            assertTrue(size + Codec.encodedSize(firstOfNext) > Frame.MAX_FRAME_BYTES,
                    "batch " + i + " could have taken one more bet");
        }
    }

    @Test
    void theComputedSizeIsTheEncodedSize() {
        List<Bet> batch = List.of(bet(1, 3), new Bet("Nicolás", "Saldaña", "007", LocalDate.of(2000, 1, 1), 9));
        int computed = Codec.BET_BATCH_OVERHEAD + batch.stream().mapToInt(Codec::encodedSize).sum();
        assertEquals(Codec.encode(new Message.BetBatch(batch)).length, computed);
    }

    @Test
    void mixedSizesNeverOverflowAFrame() throws Exception {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            bets.add(bet(i, (i * 37) % 400 + 1));
        }
        List<List<Bet>> batches = cutAll(bets, 500);
        assertEquals(bets, flatten(batches));
        assertEveryFrameFits(batches);
    }

    @Test
    void aBetThatAloneFillsAFrameGoesAlone() throws Exception {
        Bet big = bet(1, Frame.MAX_FRAME_BYTES - Codec.BET_BATCH_OVERHEAD - Codec.encodedSize(bet(1, 0)));
        assertEquals(Frame.MAX_FRAME_BYTES, Codec.BET_BATCH_OVERHEAD + Codec.encodedSize(big));
        List<List<Bet>> batches = cutAll(List.of(bet(0, 1), big, bet(2, 1)), 500);
        assertEquals(List.of(List.of(bet(0, 1)), List.of(big), List.of(bet(2, 1))), batches);
        assertEveryFrameFits(batches);
    }

    @Test
    void aBadRowFailsTheBatchItBelongsToAndNoEarlierOne() throws Exception {
        ListSource source = new ListSource(bets(30, 5), 25);
        BetBatcher batcher = new BetBatcher(source, 10);
        assertEquals(10, batcher.next().size());
        assertEquals(10, source.read, "a full batch reads no further");
        assertEquals(10, batcher.next().size());
        assertThrows(BetFileException.class, batcher::next);
    }

    @Test
    void anEmptySourceGivesNoBatch() throws Exception {
        assertNull(new BetBatcher(new ListSource(List.of()), 5).next());
    }
}
