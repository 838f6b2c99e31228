package tp0.agency;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import tp0.agency.log.LatencyHistogram;
import tp0.agency.log.Log;
import tp0.agency.log.LogLevel;
import tp0.logline.LogLine;

/**
 * The {@code apuestas_enviadas} line and the figures it reports over the whole run, across
 * reconnections: the acks' round trips (p50, p99) and, when the launch time is known, how long
 * it took to put the first batch on the wire. Only the first notice is logged at INFO.
 */
final class AllSentNotice {
    static final String ACTION = "apuestas_enviadas";

    private final Log log;
    private final OptionalLong launchedAtEpochMillis;
    /** Every acked batch's round trip, this run, over all its connections. */
    private final LatencyHistogram ackLatency = new LatencyHistogram();
    /** When this run's first batch went on the wire (epoch ms); 0 until then. */
    private long firstBatchEpochMillis;
    private boolean announced;

    AllSentNotice(Log log, OptionalLong launchedAtEpochMillis) {
        this.log = log;
        this.launchedAtEpochMillis = launchedAtEpochMillis;
    }

    /** A batch went on the wire; the first one is flushed at once. */
    void batchSent() {
        if (firstBatchEpochMillis == 0) {
            firstBatchEpochMillis = System.currentTimeMillis();
        }
    }

    void acked(long ackNanos) {
        ackLatency.record(ackNanos);
    }

    /** The server acknowledged the notice; {@code acked}: the bets it acknowledged this run. */
    void log(long acked) {
        List<Object> keyValues = new ArrayList<>(List.of("cantidad", acked,
                "ack_p50_ms", ackLatency.percentileMillisText(0.50), "ack_p99_ms", ackLatency.percentileMillisText(0.99)));
        if (launchedAtEpochMillis.isPresent() && firstBatchEpochMillis != 0) {
            keyValues.add("first_batch_ms");
            keyValues.add(firstBatchEpochMillis - launchedAtEpochMillis.getAsLong());
        }
        log.log(announced ? LogLevel.DEBUG : LogLevel.INFO, LogLine.success(ACTION, keyValues.toArray()));
        announced = true;
    }
}
