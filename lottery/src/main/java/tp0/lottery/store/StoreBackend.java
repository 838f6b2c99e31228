package tp0.lottery.store;

import java.time.Duration;
import java.util.Map;
import tp0.protocol.Message;

/**
 * Where the {@link BetStore} actor keeps the bets: a file ({@code store.file}) or a database
 * ({@code store.pg}). Every method blocks on I/O, so it is called only from the store actor, on
 * its own dispatcher, one call at a time; nothing here needs to be thread-safe.
 *
 * The actor owns everything the two have in common — grouping, order, replies, refusals, sealing
 * after the draw, metrics — and a backend only does I/O: it builds one group of batches with
 * {@link #append} and makes the whole group durable with one {@link #commit}.
 */
public interface StoreBackend {

    /**
     * Adds a batch to the group being built; whole or not at all: when it throws, nothing of it
     * is in the group and the batches appended before it are untouched.
     *
     * @param storedBefore the agency's bets before this batch: durable ones plus the earlier
     *                     batches of the group (a database numbers the rows from it)
     */
    void append(int agency, long storedBefore, Message.BetBatch batch) throws StoreFailure;

    /**
     * Makes every batch appended since the last commit durable at once (one fsync, one
     * transaction), or none of them: then it throws and the group is gone.
     *
     * @return the agencies whose batches were left out of the group, with why (another writer moved
     *     their count; a refusal with {@code BETS_CLOSED} means another server held the draw); every
     *     other agency's batches are durable
     */
    Map<Integer, BetStore.Refused> commit() throws StoreFailure;

    /**
     * The agency's durable bets now. {@code known} is what this store last committed for it: the
     * answer when nobody else writes where this backend does.
     */
    long storedCount(int agency, long known) throws StoreFailure;

    /** Makes the agency's "all bets sent" durable; {@code stored}: its durable bets. */
    void markFinished(int agency, long stored) throws StoreFailure;

    /** Reads every bet back and finds the winners. */
    BetStore.Drawn draw() throws StoreFailure;

    /** How long a failed draw is retried (a database that went away may come back); zero: never. */
    Duration drawRetry();

    /**
     * Log keys and values: where this backend keeps the bets (e.g. {@code "db", address}), then
     * {@code "error", error}.
     */
    Object[] location(String error);

    /**
     * What an agency is told when its batch is refused because an earlier one of it was not
     * stored, in this backend's words (how it resumes).
     */
    String afterGap(int agency);

    /** Releases files or connections, logging the shutdown; the backend is not used afterwards. */
    void close();

    /** A write, read or commit that failed: nothing of what it was about is stored. */
    final class StoreFailure extends Exception {
        private final String detail;

        /**
         * @param reason what the requester is told
         * @param detail what the log says (may differ from the reason, e.g. without a prefix)
         */
        public StoreFailure(String reason, String detail, Throwable cause) {
            super(reason, cause);
            this.detail = detail;
        }

        public StoreFailure(String reason, Throwable cause) {
            this(reason, reason, cause);
        }

        public String reason() {
            return String.valueOf(getMessage());
        }

        public String detail() {
            return detail;
        }
    }
}
