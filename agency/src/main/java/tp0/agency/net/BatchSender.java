package tp0.agency.net;

import java.util.function.LongSupplier;
import tp0.agency.AgencyFailure;
import tp0.agency.ExitCodes;
import tp0.logline.LogLine;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/**
 * Sends batches over a sliding window and matches the server's acks to them. The server
 * answers batches in the order it got them, so the batches in flight form a FIFO queue and
 * each BatchAck belongs to the oldest; an ack for any other count breaks the protocol. While
 * fewer than {@code window} batches are unacknowledged the next one is sent at once;
 * otherwise the oldest ack is waited for first. So the agency never holds more than
 * {@code window} batches, and never reads its file further ahead than that: backpressure
 * from the server's store reaches the file. {@code window = 1} is stop-and-wait.
 *
 * <p>One sender per connection: when the connection is lost, the batches still in flight
 * are dropped with it; what to send again is decided by the server's stored count on the
 * next Welcome, not by this queue.
 *
 * <p>Each ack comes with its batch's round trip: from the start of writing its frame to the
 * socket to its ack being read (so a write that blocks because the server is behind counts).
 */
public final class BatchSender {
    public static final String ACTION = "batch_enviado";

    /** Told of each acked batch, oldest first. */
    public interface AckListener {
        /** @param ackNanos from starting to write the batch's frame to reading its ack */
        void acked(int count, long storedBets, long ackNanos);
    }

    private final ServerConnection connection;
    private final AckListener listener;
    private final LongSupplier nanoClock;
    // The batches sent but not yet acked, oldest first: a ring of bet counts and send times,
    // in primitive arrays so that sending a file of any size makes no garbage here.
    private final int[] counts;
    private final long[] sentNanos;
    private int oldest;
    private int inFlight;

    public BatchSender(ServerConnection connection, int window, LongSupplier nanoClock, AckListener listener) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.connection = connection;
        this.listener = listener;
        this.nanoClock = nanoClock;
        this.counts = new int[window];
        this.sentNanos = new long[window];
    }

    /**
     * Sends the frame built in {@code batch} once the window has room, waiting for the oldest
     * ack to make it. Only its bet count is kept (to match its ack): the frame is written
     * before this returns, so {@code batch} can be reused for the next one at once.
     */
    public void send(BetBatchWriter batch) throws AgencyFailure, ConnectionLost {
        // Acks already here are taken first: they free the window and their times stay true.
        while (inFlight > 0 && connection.hasInput()) {
            awaitAck();
        }
        while (inFlight == counts.length) {
            awaitAck();
        }
        // Stamped before the write, so the reply can never come before its send time.
        long now = nanoClock.getAsLong();
        connection.sendBatch(batch, ACTION);
        if (inFlight == 0) {
            // Nothing of ours at the server: put this one on the wire now rather than let it
            // wait for the write buffer to fill. While batches are in flight the server is
            // busy, and the next frames join this one in fewer, larger writes.
            connection.flush(ACTION);
        }
        int slot = (oldest + inFlight) % counts.length;
        counts[slot] = batch.count();
        sentNanos[slot] = now;
        inFlight++;
    }

    /** Waits until every batch sent has been acked. */
    public void awaitAllAcks() throws AgencyFailure, ConnectionLost {
        while (inFlight > 0) {
            awaitAck();
        }
    }

    private void awaitAck() throws AgencyFailure, ConnectionLost {
        int expected = counts[oldest];
        Message reply = connection.receive(ACTION);
        long now = nanoClock.getAsLong();
        if (reply instanceof Message.BatchAck ack) {
            if (ack.count() != expected) {
                throw new AgencyFailure(LogLine.fail(ACTION, "cantidad", expected,
                        "error", "server acked " + ack.count() + " bets for a batch of " + expected), ExitCodes.FAILURE);
            }
            long ackNanos = now - sentNanos[oldest];
            oldest = (oldest + 1) % counts.length;
            inFlight--;
            listener.acked(expected, ack.storedBets(), ackNanos);
        } else if (reply instanceof Message.BatchRejected rejected && rejected.code() == ErrorCode.STORAGE_FAILURE) {
            // The server's store (its database, restarting) could not take it: nothing of the batch
            // is stored. Reconnect and resume from Welcome's count, within connectTimeout.
            throw new ConnectionLost(ACTION, rejected.code() + ": " + rejected.code().description, rejected.code());
        } else if (reply instanceof Message.BatchRejected rejected) {
            throw new AgencyFailure(LogLine.fail(ACTION, "cantidad", rejected.count(),
                    "code", rejected.code(), "error", rejected.code().description), ExitCodes.FAILURE);
        } else {
            throw AgencyFailure.unexpected(ACTION, reply);
        }
    }
}
