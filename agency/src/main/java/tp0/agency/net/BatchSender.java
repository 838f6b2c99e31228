package tp0.agency.net;

import java.util.ArrayDeque;
import java.util.List;
import tp0.agency.AgencyFailure;
import tp0.agency.ExitCodes;
import tp0.logline.LogLine;
import tp0.protocol.Bet;
import tp0.protocol.Message;

/**
 * Sends batches and matches the server's acks to them. The server answers batches in the
 * order it got them, so the batches in flight form a FIFO queue and each BatchAck belongs
 * to the oldest. With {@code maxInFlight = 1} this is stop-and-wait; a sliding window only
 * needs a larger value (the queue and the matching already handle it).
 *
 * <p>One sender per connection: when the connection is lost, the batches still in flight
 * are dropped with it; what to send again is decided by the server's stored count on the
 * next Welcome, not by this queue.
 */
public final class BatchSender {
    public static final String ACTION = "batch_enviado";

    /** Told of each acked batch, oldest first. */
    public interface AckListener {
        void acked(int count, long storedBets);
    }

    private final ServerConnection connection;
    private final int maxInFlight;
    private final AckListener listener;
    /** Bet counts of the batches sent but not yet acked, oldest first. */
    private final ArrayDeque<Integer> inFlight = new ArrayDeque<>();

    public BatchSender(ServerConnection connection, int maxInFlight, AckListener listener) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
        }
        this.connection = connection;
        this.maxInFlight = maxInFlight;
        this.listener = listener;
    }

    /** Sends {@code bets} once the window has room, waiting for acks to make it. */
    public void send(List<Bet> bets) throws AgencyFailure, ConnectionLost {
        while (inFlight.size() >= maxInFlight) {
            awaitAck();
        }
        connection.send(new Message.BetBatch(bets), ACTION);
        inFlight.addLast(bets.size());
    }

    /** Waits until every batch sent has been acked. */
    public void awaitAllAcks() throws AgencyFailure, ConnectionLost {
        while (!inFlight.isEmpty()) {
            awaitAck();
        }
    }

    private void awaitAck() throws AgencyFailure, ConnectionLost {
        int expected = inFlight.getFirst();
        Message reply = connection.receive(ACTION);
        if (reply instanceof Message.BatchAck ack) {
            if (ack.count() != expected) {
                throw new AgencyFailure(LogLine.fail(ACTION, "cantidad", expected,
                        "error", "server acked " + ack.count() + " bets for a batch of " + expected), ExitCodes.FAILURE);
            }
            inFlight.removeFirst();
            listener.acked(expected, ack.storedBets());
        } else if (reply instanceof Message.BatchRejected rejected) {
            throw new AgencyFailure(LogLine.fail(ACTION, "cantidad", rejected.count(),
                    "code", rejected.code(), "error", rejected.code().description), ExitCodes.FAILURE);
        } else {
            throw AgencyFailure.unexpected(ACTION, reply);
        }
    }
}
