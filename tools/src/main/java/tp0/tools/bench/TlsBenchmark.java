package tp0.tools.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tp0.testkit.TestCertificates;

/**
 * The same workload in plaintext, over TLS 1.3 and over mutual TLS (test certificates made by
 * {@code tls/make-test-certs.sh}), interleaved round by round, and each one's medians and the
 * cost of TLS.
 */
final class TlsBenchmark {
    /**
     * Plaintext, TLS, mutual TLS, and TLS with the JIT's top tier: both jvm.options stop at C1
     * (a faster start), and C1 has no AES-GCM intrinsics, so the ciphers run as plain Java.
     */
    private static final List<String> TLS_MODES = List.of("plaintext", "tls", "mutual", "tls+c2");
    /** Appended after jvm.options by the start scripts: the last TieredStopAtLevel wins. */
    private static final Map<String, String> FULL_JIT = Map.of("JAVA_OPTS", "-XX:TieredStopAtLevel=4");

    private TlsBenchmark() {}

    static void run(Benchmark.Options options, Workload workload) throws Exception {
        long totalBets = workload.totalBets();
        int runs = options.runs();
        TestCertificates certs = TestCertificates.make(options.root(), options.runDir().resolve("certs"),
                workload.files().size());
        Map<String, List<RunResult>> results = new LinkedHashMap<>();
        for (int round = 1; round <= runs; round++) {
            for (String mode : TLS_MODES) {
                Map<String, String> server = switch (mode) {
                    case "tls", "tls+c2" -> certs.serverEnv(certs.serverKeystore());
                    case "mutual" -> certs.mutualServerEnv();
                    default -> Map.of();
                };
                Map<String, String> jit = mode.equals("tls+c2") ? FULL_JIT : Map.of();
                System.out.println("== " + mode + ", round " + round + "/" + runs);
                RunResult r = WorkloadRun.run(options.root(), options.runDir().resolve(mode), workload.files(),
                        WorkloadRun.with(server, jit), id -> WorkloadRun.with(switch (mode) {
                            case "tls", "tls+c2" -> certs.agencyEnv(certs.ca());
                            case "mutual" -> certs.agencyEnv(certs.ca(), certs.agencyKeystore(id));
                            default -> Map.<String, String>of();
                        }, jit), null);
                System.out.println(r.describe(totalBets));
                results.computeIfAbsent(mode, k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<String, List<RunResult>> entry : results.entrySet()) {
            System.out.printf(Locale.ROOT, "%-9s medians of %d: %s%n", entry.getKey(), runs,
                    Medians.describe(entry.getValue(), totalBets));
        }
        List<RunResult> plaintext = results.get("plaintext");
        for (String mode : TLS_MODES.subList(1, TLS_MODES.size())) {
            List<RunResult> tls = results.get(mode);
            System.out.printf(Locale.ROOT, "== %s / plaintext: %.0f%% ingest-only bets/s, %.0f%% total bets/s,"
                            + " server cpu %.2fx, agencies cpu %.2fx%n", mode,
                    100 * Medians.median(plaintext, RunResult::ingestSeconds) / Medians.median(tls, RunResult::ingestSeconds),
                    100 * Medians.median(plaintext, RunResult::totalSeconds) / Medians.median(tls, RunResult::totalSeconds),
                    Medians.median(tls, RunResult::serverCpuSeconds) / Medians.median(plaintext, RunResult::serverCpuSeconds),
                    Medians.median(tls, RunResult::agenciesCpuSeconds) / Medians.median(plaintext, RunResult::agenciesCpuSeconds));
        }
    }
}
