package tp0.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The configured system (config.ini / config.yaml as shipped) against the stop-and-wait
 * baseline (window 1, one fsync per batch, no session pipelining), on each JDK asked for, and
 * the ratio of the two.
 */
final class BaselineBenchmark {
    private static final Map<String, String> BASELINE_SERVER = Map.of("STORE_GROUP_COMMIT", "off", "SESSION_PIPELINE", "1");
    private static final Map<String, String> BASELINE_AGENCY = Map.of("CLI_BATCH_WINDOW", "1");

    private BaselineBenchmark() {}

    static void run(Benchmark.Options options, Workload workload) throws IOException {
        long totalBets = workload.totalBets();
        int runs = options.runs();
        // Rounds interleave the JDKs (and configured/baseline), so a noisy moment of the machine
        // hits them alike; with more than one round, medians follow.
        Map<String, List<RunResult>> fast = new LinkedHashMap<>();
        Map<String, List<RunResult>> slow = new LinkedHashMap<>();
        for (int round = 1; round <= runs; round++) {
            for (String jdk : options.jdks()) {
                String label = jdk + " (" + runtimeVersion(jdk) + ")";
                Map<String, String> java = WorkloadRun.with(options.server(), Map.of("JAVA_HOME", jdk));
                System.out.println("== configured (config.ini / config.yaml as shipped" + flags(options) + "), round " + round + "/" + runs
                        + ", JDK " + label);
                RunResult r = WorkloadRun.run(options.root(), options.runDir().resolve("configured"), workload.files(),
                        java, java);
                System.out.println(r.describe(totalBets));
                fast.computeIfAbsent(label, k -> new ArrayList<>()).add(r);
                if (!options.configuredOnly()) {
                    System.out.println("== stop-and-wait baseline (batch.window 1, one fsync per batch), round " + round
                            + "/" + runs + ", JDK " + label);
                    RunResult b = WorkloadRun.run(options.root(), options.runDir().resolve("baseline"), workload.files(),
                            WorkloadRun.with(java, BASELINE_SERVER), WorkloadRun.with(java, BASELINE_AGENCY));
                    System.out.println(b.describe(totalBets));
                    slow.computeIfAbsent(label, k -> new ArrayList<>()).add(b);
                }
            }
        }
        for (String label : fast.keySet()) {
            if (runs > 1) {
                System.out.println("== medians of " + runs + " rounds, JDK " + label);
                System.out.println("configured: " + Medians.describe(fast.get(label), totalBets));
                if (!options.configuredOnly()) {
                    System.out.println("baseline:   " + Medians.describe(slow.get(label), totalBets));
                }
            }
            if (!options.configuredOnly()) {
                System.out.printf(Locale.ROOT, "== ratio (JDK %s): %.1fx ingest-only, %.1fx total%n", label,
                        Medians.median(slow.get(label), RunResult::ingestSeconds)
                                / Medians.median(fast.get(label), RunResult::ingestSeconds),
                        Medians.median(slow.get(label), RunResult::totalSeconds)
                                / Medians.median(fast.get(label), RunResult::totalSeconds));
            }
        }
    }

    /** The {@code --server} settings, as the heading of a configured round says them. */
    private static String flags(Benchmark.Options options) {
        return options.server().isEmpty() ? "" : " + --server " + options.server();
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
}
