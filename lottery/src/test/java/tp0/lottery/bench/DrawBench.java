package tp0.lottery.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tp0.lottery.store.file.FileBackend;
import tp0.lottery.store.BetsCsv;
import tp0.lottery.store.ReferenceBetsCsv;
import tp0.lottery.store.BetsCsvScanner;
import tp0.protocol.Bet;

/**
 * Hand-run measurement (not a test: its timing depends on the machine) of the draw over a
 * large bets.csv: writes {@code rows} rows shaped like the store's (5 agencies, accented names,
 * documents with leading zeros, about one winner in 10,000) unless the file already holds them,
 * then times {@link FileBackend#draw} — the pass the server runs — and the start-up count, and
 * prints rows/s and the peak heap used during each pass. Run it with a small heap to see that
 * memory stays flat whatever the file's size:
 *
 * <pre>
 *   mvn -q -o -pl protocol,lottery -am -DskipTests package   (test classes and the server jar)
 *   java -Xmx64m -cp lottery/target/test-classes:lottery/target/lottery.jar \
 *        tp0.lottery.bench.DrawBench /tmp/bets-10M.csv 10000000 [load]
 * </pre>
 *
 * With {@code load} it also times {@link BetsCsv#load} (Commons CSV, a Bet per row: the old
 * draw) over the same file, for comparison.
 */
public final class DrawBench {

    private DrawBench() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "/tmp/bets-10M.csv");
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        boolean alsoLoad = args.length > 2 && args[2].equals("load");
        if (!Files.exists(file) || count(file) != rows) {
            write(file, rows);
        }
        System.out.printf(Locale.ROOT, "%s: %,d rows, %,d bytes; max heap %d MiB%n", file, rows, Files.size(file),
                Runtime.getRuntime().maxMemory() >> 20);
        for (int round = 1; round <= 3; round++) {
            resetPeaks();
            long start = System.nanoTime();
            var drawn = FileBackend.draw(file);
            double s = (System.nanoTime() - start) / 1e9;
            int winners = drawn.winnersByAgency().values().stream().mapToInt(List::size).sum();
            System.out.printf(Locale.ROOT, "draw  %d: %,d rows in %.2f s = %,.0f rows/s, %d winners, peak heap used %.1f MiB%n",
                    round, drawn.betsRead(), s, drawn.betsRead() / s, winners, peakHeapMiB());
        }
        resetPeaks();
        long start = System.nanoTime();
        try (var bets = tp0.lottery.store.file.BetsFile.open(file)) {
            var counts = FileBackend.countByAgency(bets);
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "count: %s in %.2f s = %,.0f rows/s, peak heap used %.1f MiB%n",
                    counts, s, rows / s, peakHeapMiB());
        }
        if (alsoLoad) {
            resetPeaks();
            start = System.nanoTime();
            long[] won = new long[1];
            long read = ReferenceBetsCsv.load(file, stored -> {
                if (BetsCsv.hasWon(stored.bet().number())) {
                    won[0]++;
                }
            });
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "load (Commons CSV, a Bet per row): %,d rows in %.2f s = %,.0f rows/s, %d winners, peak heap used %.1f MiB%n",
                    read, s, read / s, won[0], peakHeapMiB());
        }
    }

    private static long count(Path file) throws IOException {
        return BetsCsvScanner.scan(file, (agency, buf, off, len, number) -> { });
    }

    private static void write(Path file, long rows) throws IOException {
        String[] first = {"Santiago Lionel", "Agustín Emanuel", "María José", "Sofía", "Zoë", "Íñigo", "Ana"};
        String[] last = {"Saldaña", "Muñoz", "O\"Brien", "Ruiz Díaz", "Pérez, Jr", "Etchegaray", "Ñandú"};
        long start = System.nanoTime();
        try (OutputStream out = Files.newOutputStream(file)) {
            long written = 0;
            while (written < rows) {
                List<Bet> batch = new ArrayList<>(200);
                int agency = 1 + (int) (written / 200 % 5);
                for (int i = 0; i < 200 && written + i < rows; i++) {
                    long n = written + i;
                    batch.add(new Bet(first[(int) (n % first.length)], last[(int) (n / 7 % last.length)],
                            String.format("%08d", n % 100_000_000), LocalDate.of(1940 + (int) (n % 60), 1 + (int) (n % 12),
                            1 + (int) (n % 28)), n % 9_973 == 0 ? BetsCsv.WINNING_NUMBER : (int) (n % 10_000 == 7574 ? 1 : n % 10_000)));
                }
                out.write(ReferenceBetsCsv.rows(agency, batch));
                written += batch.size();
            }
        }
        System.out.printf(Locale.ROOT, "wrote %,d rows in %.1f s%n", rows, (System.nanoTime() - start) / 1e9);
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peak usage since the last reset (an upper bound of what was live at once). */
    private static double peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024.0 * 1024.0);
    }
}
