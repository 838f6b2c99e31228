package tp0.lottery.store;

import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A store opened at start, before the actor system exists: the file store's repaired files
 * ({@link StoreRecovery.Recovered}) or the PostgreSQL store's migrated database. Both speak
 * {@link BetStore.Command}; sessions and the draw never know which one they talk to.
 */
public interface OpenedStore {

    /** The actor that owns the store from now on (run on the store's blocking dispatcher). */
    Behavior<BetStore.Command> behavior(boolean groupCommit);

    /** Agencies whose "all bets sent" mark the store already held at start. */
    Set<Integer> finished();

    /** Bets stored in all at start. */
    long storedBets();
}
