package tp0.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The same workload with the server's HTTP port off ({@code HTTP_PORT=0}) and on, watched as
 * it would be: one status page's event stream and a Prometheus scrape of /metrics every
 * second ({@link HttpWatcher}). Rounds alternate off and on, so the machine's noise hits both alike.
 */
final class HttpBenchmark {
    private HttpBenchmark() {}

    static void run(Benchmark.Options options, Workload workload) throws Exception {
        long totalBets = workload.totalBets();
        int runs = options.runs();
        List<RunResult> off = new ArrayList<>();
        List<RunResult> on = new ArrayList<>();
        for (int round = 1; round <= runs; round++) {
            System.out.println("== HTTP_PORT=0 (off), round " + round + "/" + runs);
            RunResult r = WorkloadRun.run(options.root(), options.runDir().resolve("http-off"), workload.files(),
                    Map.of("HTTP_PORT", "0"), Map.of());
            System.out.println(r.describe(totalBets));
            off.add(r);
            System.out.println("== HTTP port on, one status page + /metrics scraped every second, round " + round
                    + "/" + runs);
            RunResult w = WorkloadRun.run(options.root(), options.runDir().resolve("http-on"), workload.files(),
                    Map.of("HTTP_PORT", "any", "HTTP_IP", "127.0.0.1"), id -> Map.of(), HttpWatcher::start);
            System.out.println(w.describe(totalBets));
            on.add(w);
        }
        System.out.println("== medians of " + runs + " rounds");
        System.out.println("off: " + Medians.describe(off, totalBets));
        System.out.println("on:  " + Medians.describe(on, totalBets));
        System.out.printf(Locale.ROOT, "== ingest-only bets/s: off %,.0f, on %,.0f (on/off %.1f%%)%n",
                totalBets / Medians.median(off, RunResult::ingestSeconds),
                totalBets / Medians.median(on, RunResult::ingestSeconds),
                100 * Medians.median(off, RunResult::ingestSeconds) / Medians.median(on, RunResult::ingestSeconds));
    }
}
