package tp0.agency.bets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
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
        public boolean next(BetFields into) throws BetFileException {
            if (read == failAt) {
                throw new BetFileException(java.nio.file.Path.of("f.csv"), read + 1, "number", "bad");
            }
            if (!bets.hasNext()) {
                return false;
            }
            read++;
            into.set(bets.next());
            return true;
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

    /** The bets of the frame {@code writer} holds, as the server decodes them; null when it is empty. */
    static List<Bet> decoded(BetBatchWriter writer) throws DecodeException {
        if (writer.isEmpty()) {
            return null;
        }
        Message m = Codec.decodeFrame(ByteBuffer.wrap(writer.frame(), 0, writer.size()));
        List<Bet> bets = ((Message.BetBatch) m).bets();
        assertEquals(writer.count(), bets.size());
        assertArrayEquals(Codec.encode(m), Arrays.copyOf(writer.frame(), writer.size()), "the codec's own bytes");
        return bets;
    }

    private static List<Bet> next(BetBatcher batcher, BetBatchWriter writer) throws Exception {
        int count = batcher.next(writer);
        assertEquals(writer.count(), count);
        return decoded(writer);
    }

    private static List<List<Bet>> cutAll(List<Bet> bets, int maxAmount) throws Exception {
        BetBatcher batcher = new BetBatcher(new ListSource(bets), maxAmount);
        BetBatchWriter writer = new BetBatchWriter(); // reused, as by the agency
        List<List<Bet>> batches = new ArrayList<>();
        for (List<Bet> b; (b = next(batcher, writer)) != null; ) {
            batches.add(b);
        }
        return batches;
    }

    private static void assertEveryFrameFits(List<List<Bet>> batches) {
        for (List<Bet> batch : batches) {
            int encoded = Codec.encode(Batches.of(batch)).length;
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
            int size = Codec.encode(Batches.of(batch)).length;
            Bet firstOfNext = batches.get(i + 1).get(0);
            assertTrue(size + Codec.encodedSize(firstOfNext) > Frame.MAX_FRAME_BYTES,
                    "batch " + i + " could have taken one more bet");
        }
    }

    @Test
    void theComputedSizeIsTheEncodedSize() {
        List<Bet> batch = List.of(bet(1, 3), new Bet("Nicolás", "Saldaña", "007", LocalDate.of(2000, 1, 1), 9));
        int computed = Codec.BET_BATCH_OVERHEAD + batch.stream().mapToInt(Codec::encodedSize).sum();
        assertEquals(Codec.encode(Batches.of(batch)).length, computed);
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
        BetBatchWriter writer = new BetBatchWriter();
        assertEquals(10, batcher.next(writer));
        assertEquals(10, source.read, "a full batch reads no further");
        assertEquals(10, batcher.next(writer));
        assertThrows(BetFileException.class, () -> batcher.next(writer));
    }

    @Test
    void anEmptySourceGivesNoBatch() throws Exception {
        BetBatchWriter writer = new BetBatchWriter();
        assertEquals(0, new BetBatcher(new ListSource(List.of()), 5).next(writer));
        assertNull(decoded(writer));
    }

    /** The batcher as it was, over a list of Bet objects: the reference for where batches are cut. */
    private static List<List<Bet>> referenceCuts(List<Bet> bets, int maxAmount) {
        List<List<Bet>> batches = new ArrayList<>();
        List<Bet> batch = new ArrayList<>();
        int frameBytes = Codec.BET_BATCH_OVERHEAD;
        for (Bet bet : bets) {
            int betBytes = Codec.encodedSize(bet);
            if (batch.size() == maxAmount || frameBytes + betBytes > Frame.MAX_FRAME_BYTES) {
                batches.add(batch);
                batch = new ArrayList<>();
                frameBytes = Codec.BET_BATCH_OVERHEAD;
            }
            batch.add(bet);
            frameBytes += betBytes;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    @Test
    void aFileIsCutExactlyWhereTheListBatcherCutItIntoTheCodecsFrames(@TempDir Path dir) throws Exception {
        java.util.Random random = new java.util.Random(17);
        String[] names = {"Nicolás", "Saldaña", "Zoë 😀", "李小龍", "Ana", "Santiago Lionel"};
        List<Bet> bets = new ArrayList<>();
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            String first = names[random.nextInt(names.length)];
            if (random.nextInt(50) == 0) {
                first = first.repeat(1 + random.nextInt(300)); // now and then one that fills much of a frame
            }
            Bet bet = new Bet(first, names[random.nextInt(names.length)], String.format("%08d", i),
                    LocalDate.of(1950 + random.nextInt(60), 1 + random.nextInt(12), 1 + random.nextInt(28)), random.nextInt(10_000));
            bets.add(bet);
            csv.append(first).append(',').append(bet.lastName()).append(',').append(bet.document()).append(',')
                    .append(bet.birthdate()).append(',').append(bet.number()).append("\r\n");
        }
        Path file = dir.resolve("agency-1.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        for (int maxAmount : new int[] {1, 7, 100, 500, 65_535}) {
            List<List<Bet>> expected = referenceCuts(bets, maxAmount);
            BetBatchWriter writer = new BetBatchWriter();
            int frames = 0;
            try (CsvBetReader reader = CsvBetReader.open(file)) {
                BetBatcher batcher = new BetBatcher(reader, maxAmount);
                while (batcher.next(writer) > 0) {
                    assertArrayEquals(Codec.encode(Batches.of(expected.get(frames))),
                            Arrays.copyOf(writer.frame(), writer.size()), "maxAmount " + maxAmount + ", frame " + frames);
                    frames++;
                }
            }
            assertEquals(expected.size(), frames, "maxAmount " + maxAmount);
        }
    }
}
