package tp0.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Figures of one benchmark run of the real jars. */
record RunResult(double totalSeconds, double ingestSeconds, String ackLatency, String firstBatch,
                 double firstBatchMedianMs, long serverPeakRssKib, String serverHeap,
                 double agenciesCpuSeconds, double serverCpuSeconds) {
    private static final Pattern LATENCY = Pattern.compile("ack_p50_ms: ([0-9.]+) \\| ack_p99_ms: ([0-9.]+)");
    private static final Pattern FIRST_BATCH = Pattern.compile("first_batch_ms: (\\d+)");

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

    /** Launch → first batch on the wire, as the agencies measured it: median and slowest. */
    static String firstBatch(List<String> agencyLines) {
        List<Long> ms = firstBatchMillis(agencyLines);
        if (ms.isEmpty()) {
            return "n/a (the agencies did not report first_batch_ms)";
        }
        return String.format(Locale.ROOT, "median %d ms, slowest %d ms (agency launch → first batch on the wire)",
                ms.get(ms.size() / 2), ms.get(ms.size() - 1));
    }

    static double firstBatchMedianMs(List<String> agencyLines) {
        List<Long> ms = firstBatchMillis(agencyLines);
        return ms.isEmpty() ? Double.NaN : ms.get(ms.size() / 2);
    }

    /** Each agency's launch → first batch, sorted. */
    private static List<Long> firstBatchMillis(List<String> agencyLines) {
        List<Long> ms = new ArrayList<>();
        for (String line : agencyLines) {
            Matcher m = FIRST_BATCH.matcher(line);
            if (m.find()) {
                ms.add(Long.parseLong(m.group(1)));
            }
        }
        ms.sort(null);
        return ms;
    }

    /** p50 as the median of the agencies' p50s, p99 as the worst agency's. */
    static String ackLatency(List<String> agencyLines) {
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
}
