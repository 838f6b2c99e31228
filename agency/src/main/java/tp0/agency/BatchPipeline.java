package tp0.agency;

import java.util.function.LongSupplier;
import tp0.agency.bets.BetBatcher;
import tp0.agency.bets.BetCursor;
import tp0.agency.bets.BetFileException;
import tp0.agency.config.AgencyConfig;
import tp0.agency.net.BatchSender;
import tp0.agency.net.ConnectionLost;
import tp0.agency.net.ServerConnection;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.Message;

/**
 * The batch phase of a session, on one connection: every batch from the resumed row on, up
 * to {@code batch.window} of them ahead of their acks ({@link BatchSender}), then the
 * all-sent notice ({@link AllSentNotice}). Paced by {@code loop.period}.
 */
final class BatchPipeline {
    private final AgencyConfig config;
    private final StopSignal stop;
    private final LongSupplier nanoClock;
    private final AllSentNotice allSent;
    /** The frame being built; reused for every batch, since a frame is written out before the next is built. */
    private final BetBatchWriter batch = new BetBatchWriter();

    BatchPipeline(AgencyConfig config, StopSignal stop, LongSupplier nanoClock, AllSentNotice allSent) {
        this.config = config;
        this.stop = stop;
        this.nanoClock = nanoClock;
        this.allSent = allSent;
    }

    /**
     * Sends every batch from the current row of {@code bets} on, up to {@code batch.window} of
     * them ahead of their acks, and waits for all acks, each handed to {@code onAck}.
     */
    void sendRemainingBets(ServerConnection connection, BetCursor bets, BatchSender.AckListener onAck)
            throws AgencyFailure, StopRequested, ConnectionLost {
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
            allSent.batchSent();
            pace(connection, BatchSender.ACTION);
        }
        sender.awaitAllAcks();
    }

    /**
     * Also after a reconnection: the server treats a repeated AllBetsSent as the same one.
     * {@code acked}: the bets acknowledged this run, for the notice's line.
     */
    void declareAllBetsSent(ServerConnection connection, Runnable answered, LongSupplier acked)
            throws AgencyFailure, StopRequested, ConnectionLost {
        stop.throwIfRequested();
        connection.send(Message.AllBetsSent.INSTANCE, AllSentNotice.ACTION);
        Message reply = connection.receive(AllSentNotice.ACTION);
        if (reply != Message.AllBetsSentAck.INSTANCE) {
            throw AgencyFailure.unexpected(AllSentNotice.ACTION, reply);
        }
        answered.run();
        allSent.log(acked.getAsLong());
        pace(connection, AllSentNotice.ACTION);
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
