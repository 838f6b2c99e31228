package tp0.lottery.ops;

import java.util.Map;
import tp0.protocol.ErrorCode;

/**
 * What the server tells its observers (the {@code /metrics} endpoint and the status page) as it
 * works. The store, the sessions, the listener and the draw call these and know nothing of the
 * metrics library behind them. Calls come from several actors at once, so implementations are
 * thread-safe; they are made per batch, per connection or per commit, never per bet, and must
 * stay cheap: the store calls them between its writes.
 */
public interface LotteryMetrics {

    /** What the store held per agency when the server started (a restart resumes from there). */
    void storedAtStart(Map<Integer, Long> storedByAgency);

    /** A batch of {@code bets} bets of {@code agency} is durable; the agency has {@code agencyTotal} in all. */
    void batchStored(int agency, int bets, long agencyTotal);

    /** A batch was refused, nothing of it stored. */
    void batchRefused(ErrorCode code);

    /** One group commit (fsync or database commit) made {@code batches} batches durable in {@code nanos}. */
    void storeCommitted(int batches, long nanos);

    /** A group commit failed: the store cannot write until a later one succeeds. */
    void storeCommitFailed(String reason);

    /** The TCP port is bound (true) or unbound at shutdown (false). */
    void listening(boolean bound);

    void connectionOpened();

    void connectionClosed();

    /** A connection refused before or at its Hello, by the code it was told. */
    void connectionRefused(ErrorCode reason);

    /** A session holds {@code agency}'s id (its Hello was accepted). */
    void agencyConnected(int agency);

    /** The session holding {@code agency}'s id let it go. */
    void agencyDisconnected(int agency);

    /** {@code agency}'s "all bets sent" is durable (also for marks read back at start). */
    void agencyFinished(int agency);

    /** The draw was held: winners per agency (agencies without winners absent). */
    void drawHeld(Map<Integer, Integer> winnersByAgency);

    /** The draw could not be held. */
    void drawFailed(String reason);

    /** Observes nothing: the HTTP port is off ({@code HTTP_PORT=0}), and tests that watch no metrics. */
    LotteryMetrics NONE = new LotteryMetrics() {
        @Override public void storedAtStart(Map<Integer, Long> storedByAgency) {}
        @Override public void batchStored(int agency, int bets, long agencyTotal) {}
        @Override public void batchRefused(ErrorCode code) {}
        @Override public void storeCommitted(int batches, long nanos) {}
        @Override public void storeCommitFailed(String reason) {}
        @Override public void listening(boolean bound) {}
        @Override public void connectionOpened() {}
        @Override public void connectionClosed() {}
        @Override public void connectionRefused(ErrorCode reason) {}
        @Override public void agencyConnected(int agency) {}
        @Override public void agencyDisconnected(int agency) {}
        @Override public void agencyFinished(int agency) {}
        @Override public void drawHeld(Map<Integer, Integer> winnersByAgency) {}
        @Override public void drawFailed(String reason) {}
    };
}
