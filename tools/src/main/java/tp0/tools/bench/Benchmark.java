package tp0.tools.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures the real jars on this machine: K agencies × M generated bets (or the course's
 * dataset) against one server on loopback. Prints total bets/s (first agency start → last
 * winners answer, JVM starts included), ingest-only bets/s (first agency configured → last
 * "all bets acknowledged"), batch ack latency (p50 over agencies, worst agency's p99) and the
 * server's peak RSS and heap. The first argument picks the benchmark, one class each:
 *
 * <pre>
 *   ./mvnw -q -DskipTests package
 *   B="java -cp tools/target/tools-1.0.0-SNAPSHOT.jar:testkit/target/testkit-1.0.0-SNAPSHOT.jar tp0.tools.bench.Benchmark"
 *   $B [agencies] [betsPerAgency] [options]             configured vs stop-and-wait ({@link BaselineBenchmark})
 *   $B dataset [path/to/dataset.zip] [options]           the same on the course's dataset
 *   $B draw [storedBets]                                 the draw alone ({@link DrawBenchmark})
 *   $B pgdraw [storedBets]                               the draw alone on PostgreSQL ({@link PgDrawBenchmark})
 *   $B stores [agencies] [betsPerAgency]                 file store vs PostgreSQL ({@link StoresBenchmark})
 *   $B cluster [agencies] [betsPerAgency]                1 server vs 3 nodes ({@link ClusterBenchmark})
 *   $B failover [kills]                                  kill -9 cycles of a node ({@link FailoverBenchmark})
 *   $B http [agencies] [betsPerAgency] [--runs N]        HTTP port off vs watched ({@link HttpBenchmark})
 *   $B tls [agencies] [betsPerAgency] [--runs N]         plaintext vs TLS vs mutual TLS ({@link TlsBenchmark})
 *   $B tls dataset [path/to/dataset.zip] [--runs N]
 * </pre>
 *
 * Every process is started by its start script, so on the JDK of {@code JAVA_HOME} (else this
 * one's); {@code --jdk <java home>}, repeatable, names the JDKs to run instead, and
 * {@code --runs N} runs N rounds, each one run per JDK in turn (interleaved, so the machine's
 * noise hits them alike), then prints each JDK's medians.
 * {@code --configured-only} skips the baseline (for memory runs at 5M bets per agency, where
 * the baseline alone takes minutes). Every server runs the shipped config.ini with only what
 * a run on one machine needs on top (loopback, free ports: {@code HTTP_PORT=any}, as
 * {@link tp0.tools.LotteryRun#serverEnv}); each benchmark prints its servers' settings first.
 * {@code --server KEY=VALUE}, repeatable, sets a server setting for every run of the
 * benchmark (e.g. {@code --server HTTP_PORT=0}: the HTTP port off). Runs write under
 * {@code tools/target/bench}.
 */
public final class Benchmark {

    /** What every benchmark may use: the repository, its own folder, and the options above. */
    record Options(Path root, Path runDir, int runs, List<String> jdks, boolean configuredOnly,
                   Map<String, String> server) {}

    /** A benchmark asked for what is not there: one line on stderr and exit status 2, no stack trace. */
    static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (UsageError e) {
            System.err.println("benchmark: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tp0.root", ".")).toAbsolutePath().normalize();
        Path runDir = root.resolve("tools/target/bench");
        boolean configuredOnly = false;
        int runs = 1;
        List<String> jdks = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        Map<String, String> server = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--configured-only" -> configuredOnly = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--jdk" -> jdks.add(args[++i]);
                case "--server" -> {
                    String setting = args[++i];
                    int eq = setting.indexOf('=');
                    if (eq <= 0) {
                        throw new UsageError("--server wants KEY=VALUE, got " + setting);
                    }
                    server.put(setting.substring(0, eq), setting.substring(eq + 1));
                }
                default -> positional.add(args[i]);
            }
        }
        if (jdks.isEmpty()) {
            String javaHome = System.getenv("JAVA_HOME");
            jdks.add(javaHome != null ? javaHome : System.getProperty("java.home"));
        }
        Options options = new Options(root, runDir, runs, List.copyOf(jdks), configuredOnly, Map.copyOf(server));
        String benchmark = positional.isEmpty() ? "" : positional.get(0);
        String[] rest = positional.isEmpty() ? new String[0]
                : positional.subList(1, positional.size()).toArray(String[]::new);
        switch (benchmark) {
            case "pgdraw" -> PgDrawBenchmark.run(root, runDir, rows(rest));
            case "draw" -> DrawBenchmark.run(root, runDir, rows(rest));
            case "failover" -> FailoverBenchmark.run(root, runDir.resolve("failover"),
                    rest.length > 0 ? Integer.parseInt(rest[0]) : 10, Long.getLong("tp0.crash.seed", System.nanoTime()));
            case "cluster" -> ClusterBenchmark.run(options, Workload.of(rest, runDir), 3);
            case "stores" -> StoresBenchmark.run(options, Workload.of(rest, runDir));
            case "http" -> HttpBenchmark.run(options, Workload.of(rest, runDir));
            case "tls" -> TlsBenchmark.run(options, Workload.of(rest, runDir));
            default -> BaselineBenchmark.run(options, Workload.of(positional.toArray(String[]::new), runDir));
        }
    }

    /** Stored bets for the draw benchmarks: the first argument, else 10,000,000. */
    private static long rows(String[] args) {
        return args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    }
}
