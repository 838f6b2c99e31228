package tp0.agency.bets;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import tp0.protocol.BetBatchWriter;

/**
 * A measurement to run by hand, not a test (surefire runs only {@code *Test} classes): how
 * fast the agency's hot path turns a bets file into BetBatch frames — UTF-8 decoding, CSV
 * parsing, validation, batching and encoding, exactly as the agency does it, without a
 * server or a socket — and how many bytes it allocates per row.
 *
 * <pre>
 * mvn -q -o -pl protocol,agency -am test-compile
 * java -cp agency/target/test-classes:agency/target/classes:protocol/target/classes:$HOME/.m2/repository/de/siegmar/fastcsv/4.0.0/fastcsv-4.0.0.jar \
 *     tp0.agency.bets.HotPathThroughput [rows=1000000] [passes=5] [file=$TMPDIR/tp0-hot-path-ROWS.csv] [maxAmount=500]
 * </pre>
 *
 * It writes the file first if it does not exist (deterministic: accented names, CRLF, like
 * the course's data), then reads it {@code passes} times in this one thread. Pass 1 is what
 * an agency's single pass over its file gets (JIT still warming up); later passes show the
 * warm rate. On a shared machine the rate per CPU second (this thread's CPU time) varies
 * less than the wall-clock rate. Allocation is this thread's, from {@code ThreadMXBean.getThreadAllocatedBytes}:
 * per pass it includes opening the file and its buffers, so bytes/row tends to 0 when rows
 * make no garbage. The CRC of all frames' bytes lets two versions be checked for identical
 * output.
 */
public final class HotPathThroughput {
    private static final String[] FIRST = {
        "Santiago Lionel", "Agustín Emanuel", "Tiago Nicolás", "María José", "Sofía", "Martín", "Joaquín",
        "Valentina", "Lucía", "Ramón", "Inés", "Begoña", "Zoë", "Julián", "Mónica", "Héctor", "Íñigo",
        "Ángela", "Germán", "Verónica", "Andrés", "Noemí", "Óscar", "Raúl", "Azucena", "Benjamín"};
    private static final String[] LAST = {
        "Saldaña", "Muñoz", "Pérez", "Núñez", "Gómez", "Fernández", "Ibáñez", "Peña", "Lorca", "Zambrano",
        "Rivera", "Echeverría", "Avendaño", "Güemes", "Domínguez", "Martínez", "Ordóñez", "Sánchez",
        "Cañete", "Ruiz Díaz", "Belgrano", "Álvarez", "Quiñones", "Etchegaray"};

    private HotPathThroughput() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path file = args.length > 2 ? Path.of(args[2])
                : Path.of(System.getProperty("java.io.tmpdir"), "tp0-hot-path-" + rows + ".csv");
        int maxAmount = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        if (!Files.exists(file)) {
            write(file, rows);
        }
        System.out.printf("file %s (%,d bytes), batch.maxAmount %d%n", file, Files.size(file), maxAmount);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        double[] rates = new double[passes];
        double[] cpuRates = new double[passes];
        for (int pass = 0; pass < passes; pass++) {
            long allocatedBefore = threads.getThreadAllocatedBytes(thread);
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long read = 0;
            long frames = 0;
            long frameBytes = 0;
            CRC32 crc = new CRC32();
            BetBatchWriter batch = new BetBatchWriter();
            try (CsvBetReader reader = CsvBetReader.open(file)) {
                BetBatcher batcher = new BetBatcher(reader, maxAmount);
                for (int count; (count = batcher.next(batch)) > 0; ) {
                    crc.update(batch.frame(), 0, batch.size());
                    read += count;
                    frames++;
                    frameBytes += batch.size();
                }
            }
            long nanos = System.nanoTime() - start;
            long cpuNanos = threads.getCurrentThreadCpuTime() - cpuBefore;
            long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
            rates[pass] = read * 1e9 / nanos;
            cpuRates[pass] = read * 1e9 / cpuNanos;
            System.out.printf("pass %d: %,d rows in %,d frames (%,d bytes, crc %08x): %,.0f ms, %,.0f rows/s "
                    + "(%,.0f rows per CPU second), %,d bytes allocated = %.2f bytes/row%n", pass + 1, read, frames,
                    frameBytes, crc.getValue(), nanos / 1e6, rates[pass], cpuRates[pass], allocated,
                    (double) allocated / Math.max(1, read));
        }
        if (passes > 2) {
            System.out.printf("first pass %,.0f rows/s (%,.0f per CPU second); warm passes: median %,.0f rows/s "
                    + "(%,.0f per CPU second), best %,.0f rows/s%n", rates[0], cpuRates[0], median(rates), median(cpuRates),
                    Arrays.stream(rates, 1, passes).max().getAsDouble());
        }
    }

    /** Median of all passes but the first. */
    private static double median(double[] values) {
        double[] warm = Arrays.copyOfRange(values, 1, values.length);
        Arrays.sort(warm);
        return warm[warm.length / 2];
    }

    /** Rows shaped like the course's dataset (and the launcher's generator), CRLF. */
    private static void write(Path file, int rows) throws IOException {
        Random random = new Random(42);
        LocalDate epoch = LocalDate.of(1940, 1, 1);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int row = 0; row < rows; row++) {
                out.write(FIRST[random.nextInt(FIRST.length)]);
                out.write(',');
                out.write(LAST[random.nextInt(LAST.length)]);
                out.write(',');
                out.write(String.format("%08d", random.nextInt(100_000_000)));
                out.write(',');
                out.write(epoch.plusDays(random.nextInt(60 * 365)).toString());
                out.write(',');
                out.write(Integer.toString(random.nextInt(10_000)));
                out.write("\r\n");
            }
        }
    }
}
