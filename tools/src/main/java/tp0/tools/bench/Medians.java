package tp0.tools.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Medians over rounds: rounds interleave what they compare, so the machine's noise hits all alike. */
final class Medians {
    private Medians() {}

    static double median(List<RunResult> results, ToDoubleFunction<RunResult> figure) {
        double[] values = results.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /** One line of every figure's median. */
    static String describe(List<RunResult> results, long bets) {
        double total = median(results, RunResult::totalSeconds);
        double ingest = median(results, RunResult::ingestSeconds);
        return String.format(Locale.ROOT, "total %.3f s (%,.0f bets/s; runs %s), ingest %.3f s, agencies' launch → "
                        + "first batch median %.0f ms, server peak RSS %.0f MiB; cpu: agencies %.2f s, server %.2f s",
                total, bets / total, results.stream().map(r -> String.format(Locale.ROOT, "%.3f", r.totalSeconds()))
                        .toList(), ingest, median(results, RunResult::firstBatchMedianMs),
                median(results, r -> r.serverPeakRssKib() / 1024.0), median(results, RunResult::agenciesCpuSeconds),
                median(results, RunResult::serverCpuSeconds));
    }
}
