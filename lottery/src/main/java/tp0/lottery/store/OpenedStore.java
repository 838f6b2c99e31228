package tp0.lottery.store;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import tp0.lottery.ops.LotteryMetrics;

/**
 * A store opened at start, before the actor system exists: the file store's repaired files
 * (store.file.StoreRecovery) or the PostgreSQL store's migrated database. Both sit below the one
 * {@link BetStore} actor; sessions and the draw never know which one they talk to.
 */
public interface OpenedStore {

    /** The actor that owns the store from now on (run on the store's blocking dispatcher). */
    default Behavior<BetStore.Command> behavior(boolean groupCommit) {
        return behavior(groupCommit, LotteryMetrics.NONE);
    }

    /** The same, telling {@code metrics} what it stores, refuses and commits. */
    Behavior<BetStore.Command> behavior(boolean groupCommit, LotteryMetrics metrics);

    /** Bets per agency the store held at start. */
    Map<Integer, Long> storedByAgency();

    /**
     * Why the store could not take a bet now, or empty: the readiness check. It may block (a
     * database round trip), so it never runs on the actors' threads, and it never goes through
     * the store's mailbox (a readiness probe must not queue behind a million bets).
     */
    Optional<String> cannotWrite();

    /** Agencies whose "all bets sent" mark the store already held at start. */
    Set<Integer> finished();

    /** Bets stored in all at start. */
    long storedBets();
}
