package tp0.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The same workload with the server's HTTP port off ({@code HTTP_PORT=0}), on as shipped but
 * unwatched (what every run of the shipped config.ini pays: the port's start while the agencies'
 * JVMs start), and on, watched as it would be: one status page's event stream and a Prometheus
 * scrape of /metrics every second ({@link HttpWatcher}). Rounds alternate the three, so the
 * machine's noise hits them alike; the ratios are of the medians.
 */
final class HttpBenchmark {
    private HttpBenchmark() {}

    static void run(Benchmark.Options options, Workload workload) throws Exception {
        long totalBets = workload.totalBets();
        int runs = options.runs();
        Map<String, String> off = WorkloadRun.with(options.server(), Map.of("HTTP_PORT", "0"));
        Map<String, String> on = WorkloadRun.with(options.server(), Map.of("HTTP_PORT", "any"));
        Map<String, String> watched = WorkloadRun.with(options.server(), Map.of("HTTP_PORT", "any", "HTTP_IP", "127.0.0.1"));
        List<RunResult> offRuns = new ArrayList<>();
        List<RunResult> onRuns = new ArrayList<>();
        List<RunResult> watchedRuns = new ArrayList<>();
        for (int round = 1; round <= runs; round++) {
            System.out.println("== HTTP_PORT=0 (off), round " + round + "/" + runs);
            offRuns.add(said(WorkloadRun.run(options.root(), options.runDir().resolve("http-off"), workload.files(),
                    off, Map.of()), totalBets));
            System.out.println("== HTTP port on as shipped, nobody asking, round " + round + "/" + runs);
            onRuns.add(said(WorkloadRun.run(options.root(), options.runDir().resolve("http-on"), workload.files(),
                    on, Map.of()), totalBets));
            System.out.println("== HTTP port on, one status page + /metrics scraped every second, round " + round
                    + "/" + runs);
            watchedRuns.add(said(WorkloadRun.run(options.root(), options.runDir().resolve("http-watched"),
                    workload.files(), watched, id -> Map.of(), HttpWatcher::start), totalBets));
        }
        System.out.println("== medians of " + runs + " rounds");
        System.out.println("off:     " + Medians.describe(offRuns, totalBets));
        System.out.println("on:      " + Medians.describe(onRuns, totalBets));
        System.out.println("watched: " + Medians.describe(watchedRuns, totalBets));
        System.out.printf(Locale.ROOT, "== total time against off: on %+.1f%%, watched %+.1f%%%n",
                percentAbove(onRuns, offRuns, RunResult::totalSeconds),
                percentAbove(watchedRuns, offRuns, RunResult::totalSeconds));
        System.out.printf(Locale.ROOT, "== ingest-only bets/s: off %,.0f, on %,.0f, watched %,.0f%n",
                totalBets / Medians.median(offRuns, RunResult::ingestSeconds),
                totalBets / Medians.median(onRuns, RunResult::ingestSeconds),
                totalBets / Medians.median(watchedRuns, RunResult::ingestSeconds));
    }

    private static RunResult said(RunResult result, long totalBets) {
        System.out.println(result.describe(totalBets));
        return result;
    }

    private static double percentAbove(List<RunResult> a, List<RunResult> b,
                                       java.util.function.ToDoubleFunction<RunResult> figure) {
        return 100 * (Medians.median(a, figure) / Medians.median(b, figure) - 1);
    }
}
