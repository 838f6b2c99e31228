package tp0.launcher;

import tp0.testkit.ProcCpu;
import tp0.testkit.TestCertificates;
import tp0.testkit.ThrowawayPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the real jars on this machine: K agencies × M generated bets (or the course's
 * dataset) against one server on loopback. Prints total bets/s (first agency start → last
 * winners answer, JVM starts included), ingest-only bets/s (first agency configured → last
 * "all bets acknowledged"), batch ack latency (p50 over agencies, worst agency's p99) and the
 * server's peak RSS and heap — for the configured system and for the stop-and-wait baseline
 * (window 1, one fsync per batch, no session pipelining), and the ratio of the two.
 *
 * <pre>
 *   ./mvnw -q -DskipTests package
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark [agencies] [betsPerAgency] [options]
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark dataset [path/to/dataset.zip] [options]
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark draw [storedBets]
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark stores [agencies] [betsPerAgency]
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark pgdraw [storedBets]
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark cluster [agencies] [betsPerAgency]
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark failover [kills]
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark http [agencies] [betsPerAgency] [--runs N]
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark tls [agencies] [betsPerAgency] [--runs N]
 *   java -cp launcher/target/launcher-1.0.0-SNAPSHOT.jar tp0.launcher.Benchmark tls dataset [path/to/dataset.zip] [--runs N]
 * </pre>
 *
 * {@code tls} runs the same workload in plaintext, over TLS 1.3 and over mutual TLS (test
 * certificates made by {@code tls/make-test-certs.sh}), interleaved round by round, and prints
 * each one's medians and the cost of TLS.
 *
 * {@code stores} runs the same workload on the file store and then on the PostgreSQL store (a
 * throwaway PostgreSQL 15, fsync and synchronous_commit on, see {@link ThrowawayPostgres}) and
 * prints both, PostgreSQL's peak RSS (postmaster and backends) and the ratio. {@code pgdraw}
 * is {@code draw} on the PostgreSQL store: N rows loaded into the bets table, then the draw.
 * {@code http} runs the workload with the server's HTTP port off and on (watched by a status
 * page's event stream and a scrape of /metrics every second), alternating, then medians.
 *
 * Every process is started by its start script, so on the JDK of {@code JAVA_HOME} (else this
 * one's); {@code --jdk <java home>}, repeatable, names the JDKs to run instead, and
 * {@code --runs N} runs N rounds, each one run per JDK in turn (interleaved, so the machine's
 * noise hits them alike), then prints each JDK's medians.
 * {@code --configured-only} skips the baseline (for memory runs at 5M bets per agency, where
 * the baseline alone takes minutes). {@code draw} measures the draw alone: a server restarted
 * on a {@code bets.csv} of {@code storedBets} rows (default 10,000,000) whose agencies 1..4
 * have all finished, and agency 5 (no bets) whose AllBetsSent triggers the draw.
 */
public final class Benchmark {
    private static final Pattern ALL_ACKED = Pattern.compile("action: apuestas_enviadas \\| result: success \\| cantidad: (\\d+)");

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tp0.root", ".")).toAbsolutePath().normalize();
        Path runDir = root.resolve("launcher/target/bench");
        boolean configuredOnly = false;
        int runs = 1;
        List<String> jdks = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--configured-only" -> configuredOnly = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--jdk" -> jdks.add(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        args = positional.toArray(String[]::new);
        if (jdks.isEmpty()) {
            String javaHome = System.getenv("JAVA_HOME");
            jdks.add(javaHome != null ? javaHome : System.getProperty("java.home"));
        }
        Map<Integer, Path> files;
        String workload;
        if (args.length > 0 && args[0].equals("pgdraw")) {
            PgDrawBenchmark.run(root, runDir, args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L);
            return;
        }
        if (args.length > 0 && args[0].equals("failover")) {
            ClusterBenchmark.failover(root, runDir.resolve("failover"), args.length > 1 ? Integer.parseInt(args[1]) : 10,
                    Long.getLong("tp0.crash.seed", System.nanoTime()));
            return;
        }
        boolean cluster = args.length > 0 && args[0].equals("cluster");
        if (cluster) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        boolean stores = args.length > 0 && args[0].equals("stores");
        boolean http = args.length > 0 && args[0].equals("http");
        boolean tls = args.length > 0 && args[0].equals("tls");
        if (stores || http || tls) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length > 0 && args[0].equals("draw")) {
            DrawBenchmark.run(root, runDir, args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L);
            return;
        }
        if (args.length > 0 && args[0].equals("dataset")) {
            Path zip = Path.of(args.length > 1 ? args[1] : "../shared/datasets/dataset.zip");
            E2eData.reset(runDir);
            files = E2eData.unzip(zip, runDir.resolve("data"));
            workload = "course dataset (" + zip + ")";
        } else {
            int agencies = args.length > 0 ? Integer.parseInt(args[0]) : 5;
            int bets = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
            E2eData.reset(runDir);
            int[] perAgency = new int[agencies];
            int[] winners = new int[agencies];
            java.util.Arrays.fill(perAgency, bets);
            java.util.Arrays.fill(winners, 1);
            files = DatasetGenerator.generate(runDir.resolve("data"), perAgency, winners, 1).files();
            workload = agencies + " agencies × " + bets + " generated bets";
        }
        long totalBets = 0;
        for (Path f : files.values()) {
            try (var lines = Files.lines(f, StandardCharsets.UTF_8)) {
                totalBets += lines.filter(l -> !l.isBlank()).count();
            }
        }
        System.out.println("workload: " + workload + " = " + totalBets + " bets");
        if (stores) {
            compareStores(root, runDir, files, totalBets);
            return;
        }
        if (cluster) {
            ClusterBenchmark.throughput(root, runDir, files, totalBets, 3);
            return;
        }
        if (http) {
            compareHttp(root, runDir, files, totalBets, runs);
            return;
        }
        if (tls) {
            compareTls(root, runDir, files, totalBets, runs);
            return;
        }
        Map<String, String> baselineServer = Map.of("STORE_GROUP_COMMIT", "off", "SESSION_PIPELINE", "1");
        Map<String, String> baselineAgency = Map.of("CLI_BATCH_WINDOW", "1");
        // Rounds interleave the JDKs (and configured/baseline), so a noisy moment of the machine
        // hits them alike; with more than one round, medians follow.
        Map<String, List<Result>> fast = new java.util.LinkedHashMap<>();
        Map<String, List<Result>> slow = new java.util.LinkedHashMap<>();
        for (int round = 1; round <= runs; round++) {
            for (String jdk : jdks) {
                String label = jdk + " (" + runtimeVersion(jdk) + ")";
                Map<String, String> java = Map.of("JAVA_HOME", jdk);
                System.out.println("== configured (config.ini / config.yaml as shipped), round " + round + "/" + runs
                        + ", JDK " + label);
                Result r = run(root, runDir.resolve("configured"), files, with(java, Map.of()), with(java, Map.of()));
                System.out.println(r.describe(totalBets));
                fast.computeIfAbsent(label, k -> new ArrayList<>()).add(r);
                if (!configuredOnly) {
                    System.out.println("== stop-and-wait baseline (batch.window 1, one fsync per batch), round " + round
                            + "/" + runs + ", JDK " + label);
                    Result b = run(root, runDir.resolve("baseline"), files, with(java, baselineServer),
                            with(java, baselineAgency));
                    System.out.println(b.describe(totalBets));
                    slow.computeIfAbsent(label, k -> new ArrayList<>()).add(b);
                }
            }
        }
        for (String label : fast.keySet()) {
            if (runs > 1) {
                System.out.println("== medians of " + runs + " rounds, JDK " + label);
                System.out.println("configured: " + medians(fast.get(label), totalBets));
                if (!configuredOnly) {
                    System.out.println("baseline:   " + medians(slow.get(label), totalBets));
                }
            }
            if (!configuredOnly) {
                System.out.printf(Locale.ROOT, "== ratio (JDK %s): %.1fx ingest-only, %.1fx total%n", label,
                        median(slow.get(label), Result::ingestSeconds) / median(fast.get(label), Result::ingestSeconds),
                        median(slow.get(label), Result::totalSeconds) / median(fast.get(label), Result::totalSeconds));
            }
        }
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> both = new java.util.HashMap<>(a);
        both.putAll(b);
        return both;
    }

    /** The JVM's runtime version from its release file, as the start scripts read it. */
    private static String runtimeVersion(String javaHome) {
        try {
            for (String line : Files.readAllLines(Path.of(javaHome, "release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_RUNTIME_VERSION=")) {
                    return line.substring("JAVA_RUNTIME_VERSION=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // no release file: say so below
        }
        return "version unknown";
    }

    private static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> figure) {
        double[] values = results.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static String medians(List<Result> results, long bets) {
        double total = median(results, Result::totalSeconds);
        double ingest = median(results, Result::ingestSeconds);
        return String.format(Locale.ROOT, "total %.3f s (%,.0f bets/s; runs %s), ingest %.3f s, agencies' launch → "
                        + "first batch median %.0f ms, server peak RSS %.0f MiB; cpu: agencies %.2f s, server %.2f s",
                total, bets / total, results.stream().map(r -> String.format(Locale.ROOT, "%.3f", r.totalSeconds()))
                        .toList(), ingest, median(results, Result::firstBatchMedianMs),
                median(results, r -> r.serverPeakRssKib() / 1024.0), median(results, Result::agenciesCpuSeconds),
                median(results, Result::serverCpuSeconds));
    }

    /**
     * Plaintext, TLS, mutual TLS, and TLS with the JIT's top tier: both jvm.options stop at C1
     * (a faster start), and C1 has no AES-GCM intrinsics, so the ciphers run as plain Java.
     */
    private static final List<String> TLS_MODES = List.of("plaintext", "tls", "mutual", "tls+c2");
    /** Appended after jvm.options by the start scripts: the last TieredStopAtLevel wins. */
    private static final Map<String, String> FULL_JIT = Map.of("JAVA_OPTS", "-XX:TieredStopAtLevel=4");

    /** The same workload in plaintext, over TLS and over mutual TLS, {@code runs} interleaved rounds. */
    private static void compareTls(Path root, Path runDir, Map<Integer, Path> files, long totalBets, int runs)
            throws Exception {
        TestCertificates certs = TestCertificates.make(root, runDir.resolve("certs"), files.size());
        Map<String, List<Result>> results = new java.util.LinkedHashMap<>();
        for (int round = 1; round <= runs; round++) {
            for (String mode : TLS_MODES) {
                Map<String, String> server = switch (mode) {
                    case "tls", "tls+c2" -> certs.serverEnv(certs.serverKeystore());
                    case "mutual" -> certs.mutualServerEnv();
                    default -> Map.of();
                };
                Map<String, String> jit = mode.equals("tls+c2") ? FULL_JIT : Map.of();
                System.out.println("== " + mode + ", round " + round + "/" + runs);
                Result r = runWithAgencyEnv(root, runDir.resolve(mode), files, with(server, jit), id -> with(switch (mode) {
                    case "tls", "tls+c2" -> certs.agencyEnv(certs.ca());
                    case "mutual" -> certs.agencyEnv(certs.ca(), certs.agencyKeystore(id));
                    default -> Map.<String, String>of();
                }, jit));
                System.out.println(r.describe(totalBets));
                results.computeIfAbsent(mode, k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<String, List<Result>> entry : results.entrySet()) {
            System.out.printf(Locale.ROOT, "%-9s medians of %d: %s%n", entry.getKey(), runs,
                    medians(entry.getValue(), totalBets));
        }
        for (String mode : TLS_MODES.subList(1, TLS_MODES.size())) {
            System.out.printf(Locale.ROOT, "== %s / plaintext: %.0f%% ingest-only bets/s, %.0f%% total bets/s,"
                            + " server cpu %.2fx, agencies cpu %.2fx%n", mode,
                    100 * median(results.get("plaintext"), Result::ingestSeconds) / median(results.get(mode), Result::ingestSeconds),
                    100 * median(results.get("plaintext"), Result::totalSeconds) / median(results.get(mode), Result::totalSeconds),
                    median(results.get(mode), Result::serverCpuSeconds) / median(results.get("plaintext"), Result::serverCpuSeconds),
                    median(results.get(mode), Result::agenciesCpuSeconds) / median(results.get("plaintext"), Result::agenciesCpuSeconds));
        }
    }

    /** The same workload on STORE=file, then on STORE=postgres (a throwaway PostgreSQL), in one run. */
    private static void compareStores(Path root, Path runDir, Map<Integer, Path> files, long totalBets)
            throws Exception {
        System.out.println("== STORE=file (config.ini as shipped)");
        Result file = run(root, runDir.resolve("file"), files, Map.of(), Map.of());
        System.out.println(file.describe(totalBets));
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            System.out.println("== STORE=postgres (PostgreSQL " + pg.sql("SHOW server_version")
                    + ", fsync " + pg.sql("SHOW fsync") + ", synchronous_commit " + pg.sql("SHOW synchronous_commit") + ")");
            java.util.concurrent.atomic.AtomicLong pgPeak = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> pgPeak.accumulateAndGet(pg.rssKb(), Math::max), 0, 200,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            Result postgres;
            double pgCpuBefore = pg.cpuSeconds();
            try {
                postgres = run(root, runDir.resolve("postgres"), files, pg.serverEnv(), Map.of());
            } finally {
                sampler.shutdownNow();
            }
            double pgCpu = pg.cpuSeconds() - pgCpuBefore;
            System.out.println(postgres.describe(totalBets));
            System.out.printf(Locale.ROOT, "postgres: peak RSS %d MiB (postmaster + backends, sampled every 200 ms;"
                    + " shared buffers count in each process that touched them); cpu %.2f s (the run, the server's"
                    + " start and stop included)%n", pgPeak.get() / 1024, pgCpu);
            System.out.printf(Locale.ROOT, "== postgres / file: %.0f%% ingest-only, %.0f%% total%n",
                    100 * file.ingestSeconds() / postgres.ingestSeconds(),
                    100 * file.totalSeconds() / postgres.totalSeconds());
        }
    }

    /**
     * The same workload with the server's HTTP port off ({@code HTTP_PORT=0}) and on, watched as
     * it would be: one status page's event stream and a Prometheus scrape of /metrics every
     * second. Rounds alternate off and on, so the machine's noise hits both alike.
     */
    private static void compareHttp(Path root, Path runDir, Map<Integer, Path> files, long totalBets, int runs)
            throws Exception {
        List<Result> off = new ArrayList<>();
        List<Result> on = new ArrayList<>();
        for (int round = 1; round <= runs; round++) {
            System.out.println("== HTTP_PORT=0 (off), round " + round + "/" + runs);
            Result r = run(root, runDir.resolve("http-off"), files, Map.of("HTTP_PORT", "0"), Map.of(), null);
            System.out.println(r.describe(totalBets));
            off.add(r);
            System.out.println("== HTTP port on, one status page + /metrics scraped every second, round " + round
                    + "/" + runs);
            Result w = run(root, runDir.resolve("http-on"), files, Map.of("HTTP_PORT", "any", "HTTP_IP", "127.0.0.1"),
                    Map.of(), HttpWatcher::start);
            System.out.println(w.describe(totalBets));
            on.add(w);
        }
        System.out.println("== medians of " + runs + " rounds");
        System.out.println("off: " + medians(off, totalBets));
        System.out.println("on:  " + medians(on, totalBets));
        System.out.printf(Locale.ROOT, "== ingest-only bets/s: off %,.0f, on %,.0f (on/off %.1f%%)%n",
                totalBets / median(off, Result::ingestSeconds), totalBets / median(on, Result::ingestSeconds),
                100 * median(off, Result::ingestSeconds) / median(on, Result::ingestSeconds));
    }

    /** Figures of one run. */
    record Result(double totalSeconds, double ingestSeconds, String ackLatency, String firstBatch,
                  double firstBatchMedianMs, long serverPeakRssKib, String serverHeap,
                  double agenciesCpuSeconds, double serverCpuSeconds) {
        String describe(long bets) {
            return String.format(Locale.ROOT,
                    "total:  %.2f s, %,.0f bets/s (first agency start → last winners, JVM starts included)%n"
                            + "ingest: %.2f s, %,.0f bets/s (first agency configured → last batch acknowledged)%n"
                            + "acks:   %s%n"
                            + "start:  %s%n"
                            + "server: peak RSS %d MiB; heap %s%n"
                            + "cpu:    agencies %.2f s, server %.2f s during the run (user + system)",
                    totalSeconds, bets / totalSeconds, ingestSeconds, bets / ingestSeconds, ackLatency, firstBatch,
                    serverPeakRssKib / 1024, serverHeap, agenciesCpuSeconds, serverCpuSeconds);
        }
    }

    private static final Pattern LATENCY = Pattern.compile("ack_p50_ms: ([0-9.]+) \\| ack_p99_ms: ([0-9.]+)");
    private static final Pattern FIRST_BATCH = Pattern.compile("first_batch_ms: (\\d+)");

    /** Launch → first batch on the wire, as the agencies measured it: median and slowest. */
    private static String firstBatch(List<String> agencyLines) {
        List<Long> ms = new ArrayList<>();
        for (String line : agencyLines) {
            Matcher m = FIRST_BATCH.matcher(line);
            if (m.find()) {
                ms.add(Long.parseLong(m.group(1)));
            }
        }
        if (ms.isEmpty()) {
            return "n/a (the agencies did not report first_batch_ms)";
        }
        ms.sort(null);
        return String.format(Locale.ROOT, "median %d ms, slowest %d ms (agency launch → first batch on the wire)",
                ms.get(ms.size() / 2), ms.get(ms.size() - 1));
    }

    private static double firstBatchMedianMs(List<String> agencyLines) {
        List<Long> ms = new ArrayList<>();
        for (String line : agencyLines) {
            Matcher m = FIRST_BATCH.matcher(line);
            if (m.find()) {
                ms.add(Long.parseLong(m.group(1)));
            }
        }
        ms.sort(null);
        return ms.isEmpty() ? Double.NaN : ms.get(ms.size() / 2);
    }

    /** p50 as the median of the agencies' p50s, p99 as the worst agency's. */
    private static String ackLatency(List<String> agencyLines) {
        List<Double> p50 = new ArrayList<>();
        double p99 = 0;
        for (String line : agencyLines) {
            Matcher m = LATENCY.matcher(line);
            if (m.find()) {
                p50.add(Double.parseDouble(m.group(1)));
                p99 = Math.max(p99, Double.parseDouble(m.group(2)));
            }
        }
        if (p50.isEmpty()) {
            return "n/a (the agencies reported no ack latency)";
        }
        p50.sort(null);
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", p50.get(p50.size() / 2), p99);
    }

    /** One run in a fresh {@code runDir}: no bets.csv of an earlier run for the agencies to resume from. */
    static Result run(Path root, Path runDir, Map<Integer, Path> files, Map<String, String> serverEnv,
                      Map<String, String> agencyEnv) throws IOException {
        return runWithAgencyEnv(root, runDir, files, serverEnv, id -> agencyEnv);
    }

    /** As {@link #run}, with {@code watcher} started once the server listens; what it returns stops it once the agencies are done (null: none). */
    static Result run(Path root, Path runDir, Map<Integer, Path> files, Map<String, String> serverEnv,
                      Map<String, String> agencyEnv, java.util.function.Function<LotteryRun, Runnable> watcher)
            throws IOException {
        return runWithAgencyEnv(root, runDir, files, serverEnv, id -> agencyEnv, watcher);
    }

    /** As {@link #run}, each agency with its own environment (e.g. its own certificate). */
    static Result runWithAgencyEnv(Path root, Path runDir, Map<Integer, Path> files, Map<String, String> serverEnv,
                                   java.util.function.IntFunction<Map<String, String>> agencyEnv) throws IOException {
        return runWithAgencyEnv(root, runDir, files, serverEnv, agencyEnv, null);
    }

    private static Result runWithAgencyEnv(Path root, Path runDir, Map<Integer, Path> files,
                                           Map<String, String> serverEnv,
                                           java.util.function.IntFunction<Map<String, String>> agencyEnv,
                                           java.util.function.Function<LotteryRun, Runnable> watcher)
            throws IOException {
        E2eData.reset(runDir);
        Map<String, Long> firstConfig = new ConcurrentHashMap<>();
        Map<Integer, Long> allAcked = new ConcurrentHashMap<>();
        List<String> ackedLines = java.util.Collections.synchronizedList(new ArrayList<>());
        try (LotteryRun run = LotteryRun.start(root, runDir, files.size(), serverEnv, line -> { })) {
            Runnable stopWatching = watcher == null ? () -> { } : watcher.apply(run);
            long start = System.nanoTime();
            double childrenCpuBefore = ProcCpu.cpuSeconds("self", 16);
            double serverCpuBefore = ProcCpu.cpuSeconds(Long.toString(run.server().pid()), 14);
            for (Map.Entry<Integer, Path> file : files.entrySet()) {
                int id = file.getKey();
                run.startAgency(id, file.getValue(), agencyEnv.apply(id), line -> {
                    long now = System.nanoTime();
                    if (line.contains("action: config | result: success")) {
                        firstConfig.merge("first", now, Math::min);
                    }
                    Matcher m = ALL_ACKED.matcher(line);
                    if (m.find()) {
                        allAcked.put(id, now);
                        ackedLines.add(line);
                    }
                });
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(Duration.ofHours(1));
            long end = System.nanoTime();
            stopWatching.run();
            double agenciesCpu = ProcCpu.cpuSeconds("self", 16) - childrenCpuBefore;
            double serverCpu = ProcCpu.cpuSeconds(Long.toString(run.server().pid()), 14) - serverCpuBefore;
            for (LotteryRun.AgencyOutcome o : outcomes) {
                if (o.exitCode() != 0) {
                    throw new IllegalStateException("agency " + o.agency() + " failed: exit " + o.exitCode());
                }
            }
            long lastAck = allAcked.values().stream().mapToLong(Long::longValue).max().orElse(end);
            long peak = run.server().memoryKib("VmHWM");
            String heap = heapOf(run.server().pid());
            run.stopServer(Duration.ofSeconds(60));
            return new Result((end - start) / 1e9, (lastAck - firstConfig.get("first")) / 1e9,
                    ackLatency(ackedLines), firstBatch(ackedLines), firstBatchMedianMs(ackedLines), peak, heap,
                    agenciesCpu, serverCpu);
        }
    }

    /**
     * CPU seconds per kind of thread of a live process (thread names without their trailing
     * numbers, e.g. every {@code lottery-pekko.actor.default-dispatcher-N} together), most first:
     * where a JVM spends its CPU (dispatchers, the JIT, the GC, the store's thread).
     */
    static String threadCpu(long pid) {
        Map<String, Double> byKind = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("[-#]?\\d+$", "");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                    byKind.merge(name, seconds, Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return byKind.entrySet().stream().filter(e -> e.getValue() >= 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The server's heap as jcmd reports it (after the run, before shutdown). */
    static String heapOf(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return "n/a (no jcmd in this Java)";
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
            return m.find() ? String.format("%d MiB used of %d MiB committed", Long.parseLong(m.group(2)) / 1024,
                    Long.parseLong(m.group(1)) / 1024) : "n/a";
        } catch (IOException | InterruptedException e) {
            return "n/a (" + e.getMessage() + ")";
        }
    }
}
