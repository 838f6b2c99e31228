package tp0.agency;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import tp0.agency.bets.BetBatcher;
import tp0.agency.bets.BetCursor;
import tp0.agency.bets.BetFileException;
import tp0.agency.config.AgencyConfig;
import tp0.agency.log.LatencyHistogram;
import tp0.agency.log.Log;
import tp0.agency.log.LogLevel;
import tp0.agency.log.ProgressReporter;
import tp0.agency.net.BatchSender;
import tp0.agency.net.ConnectionLost;
import tp0.agency.net.ServerConnection;
import tp0.logline.LogLine;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.Message;

/**
 * The batch phase of a session, on one connection: every batch from the resumed row on, up
 * to {@code batch.window} of them ahead of their acks ({@link BatchSender}), then the
 * all-sent notice, whose line reports the acks' round trips (p50, p99) over the whole run.
 * It lives as long as the run, so those figures and the first batch's time span reconnections.
 */
final class BatchPipeline {
    static final String ALL_SENT = "apuestas_enviadas";

    private final AgencyConfig config;
    private final Log log;
    private final StopSignal stop;
    private final LongSupplier nanoClock;
    private final ProgressReporter progress;
    private final SingleBetNotice singleBet;
    private final OptionalLong launchedAtEpochMillis;
    /** Every acked batch's round trip, this run, over all its connections. */
    private final LatencyHistogram ackLatency = new LatencyHistogram();
    /** The frame being built; reused for every batch, since a frame is written out before the next is built. */
    private final BetBatchWriter batch = new BetBatchWriter();
    /** When this run's first batch went on the wire (epoch ms); 0 until then. */
    private long firstBatchEpochMillis;
    private boolean allSentAnnounced;

    BatchPipeline(AgencyConfig config, Log log, StopSignal stop, LongSupplier nanoClock, ProgressReporter progress,
                  SingleBetNotice singleBet, OptionalLong launchedAtEpochMillis) {
        this.config = config;
        this.log = log;
        this.stop = stop;
        this.nanoClock = nanoClock;
        this.progress = progress;
        this.singleBet = singleBet;
        this.launchedAtEpochMillis = launchedAtEpochMillis;
    }

    /**
     * Sends every batch from the current row of {@code bets} on, up to {@code batch.window} of
     * them ahead of their acks, and waits for all acks. {@code answered} runs on each ack.
     */
    void sendRemainingBets(ServerConnection connection, BetCursor bets, Runnable answered)
            throws AgencyFailure, StopRequested, ConnectionLost {
        BatchSender.AckListener onAck = (count, storedBets, ackNanos) -> {
            if (log.isEnabled(LogLevel.DEBUG)) { // a line per batch: not even built at INFO
                log.debug(LogLine.success(BatchSender.ACTION, "cantidad", count));
            }
            answered.run();
            ackLatency.record(ackNanos);
            progress.acked(count);
            singleBet.stored(progress.acked());
        };
        BatchSender sender = new BatchSender(connection, config.batchWindow(), nanoClock, onAck);
        BetBatcher batcher = new BetBatcher(bets, config.batchMaxAmount());
        while (true) {
            stop.throwIfRequested(); // a stop means: send nothing more
            int count;
            try {
                count = batcher.next(batch);
            } catch (BetFileException e) {
                // The batches before the bad row are whole and valid: they still go out.
                connection.flush(BatchSender.ACTION);
                throw AgencyFailure.badData(e);
            }
            if (count == 0) {
                break;
            }
            sender.send(batch);
            if (firstBatchEpochMillis == 0) {
                firstBatchEpochMillis = System.currentTimeMillis(); // the first batch is flushed at once
            }
            pace(connection, BatchSender.ACTION);
        }
        sender.awaitAllAcks();
    }

    /**
     * Also after a reconnection: the server treats a repeated AllBetsSent as the same one, and
     * only the first notice is logged at INFO.
     */
    void declareAllBetsSent(ServerConnection connection, Runnable answered)
            throws AgencyFailure, StopRequested, ConnectionLost {
        stop.throwIfRequested();
        connection.send(Message.AllBetsSent.INSTANCE, ALL_SENT);
        Message reply = connection.receive(ALL_SENT);
        if (reply != Message.AllBetsSentAck.INSTANCE) {
            throw AgencyFailure.unexpected(ALL_SENT, reply);
        }
        answered.run();
        List<Object> keyValues = new ArrayList<>(List.of("cantidad", progress.acked(),
                "ack_p50_ms", ackLatency.percentileMillisText(0.50), "ack_p99_ms", ackLatency.percentileMillisText(0.99)));
        if (launchedAtEpochMillis.isPresent() && firstBatchEpochMillis != 0) {
            keyValues.add("first_batch_ms");
            keyValues.add(firstBatchEpochMillis - launchedAtEpochMillis.getAsLong());
        }
        log.log(allSentAnnounced ? LogLevel.DEBUG : LogLevel.INFO, LogLine.success(ALL_SENT, keyValues.toArray()));
        allSentAnnounced = true;
        pace(connection, ALL_SENT);
    }

    /**
     * {@code loop.period}: the pause after each message the agency sends — each batch (the last
     * one too) and the all-sent notice — as the course's client waits {@code loop.period} after
     * each message. What was sent goes out first, not with the next message. A stop ends the
     * pause at once (and is seen right after it).
     */
    private void pace(ServerConnection connection, String action) throws ConnectionLost {
        if (config.loopPeriod().isZero()) {
            return;
        }
        connection.flush(action);
        stop.sleepUnlessStopped(config.loopPeriod().toMillis());
    }
}
