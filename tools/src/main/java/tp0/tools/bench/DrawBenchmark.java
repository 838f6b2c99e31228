package tp0.tools.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;

/**
 * The draw alone, on the real server: a {@code bets.csv} of N stored rows (agencies 1..4,
 * accented names, ~0.01% winners) and an {@code all-bets-sent.txt} saying agencies 1..4 are
 * done, then a server started on them (its start reads the file once to recover the counts)
 * and agency 5 with no bets, whose AllBetsSent triggers the draw: one streaming pass over
 * every row. Prints the server's start, the draw (agency 5's all-sent line → its winners
 * answer) and the server's peak RSS — which must not depend on N.
 */
final class DrawBenchmark {
    private DrawBenchmark() {}

    static void run(Path root, Path runDir, long rows) throws IOException {
        E2eData.reset(runDir);
        Path serverDir = runDir.resolve("server");
        Files.createDirectories(serverDir);
        long started = System.nanoTime();
        long winners = writeStoredBets(serverDir.resolve("bets.csv"), rows);
        Files.writeString(serverDir.resolve("all-bets-sent.txt"), "1\n2\n3\n4\n", StandardCharsets.US_ASCII);
        System.out.printf(Locale.ROOT, "workload: draw over %,d stored bets (%,d MiB, %,d winners), written in %.1f s%n",
                rows, Files.size(serverDir.resolve("bets.csv")) >> 20, winners, (System.nanoTime() - started) / 1e9);

        Timing timing = timeTheDraw(root, runDir, runDir.resolve("data"), Map.of());
        System.out.printf(Locale.ROOT, "server start (recovery pass over the file): %.2f s%n", timing.startSeconds());
        System.out.printf(Locale.ROOT, "draw: %.2f s, %,.0f bets/s (agency 5's all-sent → its winners, exit included)%n",
                timing.drawSeconds(), rows / timing.drawSeconds());
        System.out.printf(Locale.ROOT, "server: peak RSS %d MiB after start, %d MiB after the draw; heap %s%n",
                timing.rssAfterStartKib() / 1024, timing.peakRssKib() / 1024, timing.heap());
    }

    /** What {@link #timeTheDraw} measured. */
    record Timing(double startSeconds, double drawSeconds, long rssAfterStartKib, long peakRssKib, String heap) {}

    /**
     * Starts a server in {@code serverRunDir} (with {@code serverEnv}) on a store whose agencies
     * 1..4 have finished, and agency 5 with no bets, whose AllBetsSent triggers the draw; times
     * the server's start and the draw (agency 5's all-sent line → its winners answer), then
     * stops the server.
     */
    static Timing timeTheDraw(Path root, Path serverRunDir, Path dataDir, Map<String, String> serverEnv)
            throws IOException {
        Path empty = dataDir.resolve("agency-5.csv");
        Files.createDirectories(empty.getParent());
        Files.write(empty, new byte[0]);
        System.out.println("server settings: " + LotteryRun.describeSettings(LotteryRun.serverEnv(5, serverEnv)));
        long serverStart = System.nanoTime();
        try (LotteryRun run = LotteryRun.start(root, serverRunDir, 5, serverEnv, line -> { })) {
            double startSeconds = (System.nanoTime() - serverStart) / 1e9;
            long rssAfterStart = run.server().memoryKib("VmHWM");
            AtomicLong allSent = new AtomicLong();
            ChildProcess agency = run.startAgency(5, empty, Map.of(), line -> {
                if (line.contains("action: apuestas_enviadas | result: success")) {
                    allSent.set(System.nanoTime());
                }
            });
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(Duration.ofMinutes(30));
            long answered = System.nanoTime();
            if (outcomes.get(0).exitCode() != 0) {
                throw new IllegalStateException("agency 5 failed:\n" + String.join("\n", agency.tail(20)));
            }
            long peak = run.server().memoryKib("VmHWM");
            String heap = JvmProbes.heapOf(run.server().pid());
            run.stopServer(Duration.ofSeconds(60));
            return new Timing(startSeconds, (answered - allSent.get()) / 1e9, rssAfterStart, peak, heap);
        }
    }

    /**
     * Rows as the store writes them (agency, first, last, document, birthdate, number; CRLF), of
     * agencies 1..4 in batches of 150; returns how many win.
     */
    private static long writeStoredBets(Path file, long rows) throws IOException {
        Random random = new Random(42);
        byte[][] first = utf8(DatasetGenerator.firstNames());
        byte[][] last = utf8(DatasetGenerator.lastNames());
        long winners = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] row = new byte[128];
            for (long i = 0; i < rows; i++) {
                int n = 0;
                row[n++] = (byte) ('1' + (i / 150) % 4);
                row[n++] = ',';
                n = put(row, n, first[random.nextInt(first.length)]);
                row[n++] = ',';
                n = put(row, n, last[random.nextInt(last.length)]);
                row[n++] = ',';
                n = digits(row, n, (i * 7_919L) % 100_000_000L, 8); // leading zeros kept as text
                row[n++] = ',';
                n = digits(row, n, 1940 + random.nextInt(60), 4);
                row[n++] = '-';
                n = digits(row, n, 1 + random.nextInt(12), 2);
                row[n++] = '-';
                n = digits(row, n, 1 + random.nextInt(28), 2);
                row[n++] = ',';
                int number = random.nextInt(10_000);
                winners += number == 7574 ? 1 : 0;
                n = digits(row, n, number, number < 10 ? 1 : number < 100 ? 2 : number < 1000 ? 3 : 4);
                row[n++] = '\r';
                row[n++] = '\n';
                out.write(row, 0, n);
            }
        }
        return winners;
    }

    private static byte[][] utf8(List<String> names) {
        return names.stream().map(name -> name.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    private static int put(byte[] row, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, row, at, bytes.length);
        return at + bytes.length;
    }

    private static int digits(byte[] row, int at, long value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            row[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }
}
