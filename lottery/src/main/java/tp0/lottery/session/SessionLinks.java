package tp0.lottery.session;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import tp0.lottery.store.BetStore;

/**
 * Where one session sends its batches and counts (its writer) and its claim and release (its
 * registry), given by the wiring when the session starts. On one node both are the node's store
 * and registry themselves ({@link #direct}): nothing between a batch and the store. A cluster
 * needs to know which session a batch comes from (its agency's ledger refuses a late one), and
 * the store's protocol does not carry that: there the links are a per-session actor that adds
 * the session to what passes through it.
 */
public interface SessionLinks {

    /** The session's writer and registry. */
    record Links(ActorRef<BetStore.Command> writer, ActorRef<SessionRegistry.Command> registry) {}

    /**
     * Called once by each session, as it starts, in its own context: what it spawns there (if
     * anything) stops with the session.
     */
    Links linksFor(ActorRef<AgencySession.Command> session, ActorContext<?> sessionContext);

    /**
     * Where a stored count may be asked outside any session (the listener's warm-up at start): the
     * same writer the sessions reach, without a session to name.
     */
    ActorRef<BetStore.Command> counts();

    /** Every session writes to {@code store} and claims at {@code registry} directly. */
    static SessionLinks direct(ActorRef<BetStore.Command> store, ActorRef<SessionRegistry.Command> registry) {
        Links links = new Links(store, registry);
        return new SessionLinks() {
            @Override
            public Links linksFor(ActorRef<AgencySession.Command> session, ActorContext<?> sessionContext) {
                return links;
            }

            @Override
            public ActorRef<BetStore.Command> counts() {
                return store;
            }
        };
    }
}
