package tp0.lottery.cluster;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;

/**
 * This node's sessions' way to the agencies' ledgers (the shard region). A message the region
 * forwards to a node that has just died is lost with it, so the two questions a session asks —
 * its claim and its stored count, both safe to ask twice — are asked again every
 * {@link #RETRY} until answered (or given up after {@link #ATTEMPTS}; the session then refuses its
 * agency with a retryable error). Batches and releases go straight to the region, in the order
 * they come: a lost batch is the session's writer timeout's business (it lets the agency
 * reconnect and resume from the stored count).
 */
final class LedgerDoor {

    /**
     * A claim sent before the dead node is removed is lost; one sent after waits in the region for
     * the shard's new home. So a failover's last step waits for the next retry after the removal:
     * up to this long (it was 1 s: 0.5 s off the failover's p50 and max).
     */
    static final Duration RETRY = Duration.ofMillis(500);
    /** ~28 s of retries in all. */
    static final int ATTEMPTS = 56;

    private LedgerDoor() {}

    /** A claim or count asked of the region; {@code reply} null when that attempt timed out. */
    private record Asked(Object request, int attempt, Object reply) {}

    static Behavior<Object> create(ActorRef<Object> ledgers) {
        return Behaviors.setup(ctx -> Behaviors.receive(Object.class)
                .onMessage(SessionRegistry.Claim.class, claim -> {
                    ask(ctx, ledgers, claim, 1);
                    return Behaviors.same();
                })
                .onMessage(BetStore.GetStoredCount.class, count -> {
                    ask(ctx, ledgers, count, 1);
                    return Behaviors.same();
                })
                .onMessage(Asked.class, asked -> {
                    if (asked.reply() instanceof SessionRegistry.ClaimReply reply) {
                        ((SessionRegistry.Claim) asked.request()).replyTo().tell(reply);
                    } else if (asked.reply() instanceof BetStore.StoredCount count) {
                        ((BetStore.GetStoredCount) asked.request()).replyTo().tell(count);
                    } else if (asked.attempt() < ATTEMPTS) {
                        ask(ctx, ledgers, asked.request(), asked.attempt() + 1);
                    } // else: the session's own ask times out and it refuses its agency, which retries
                    return Behaviors.same();
                })
                .onAnyMessage(message -> { // batches, releases: straight on, in order
                    ledgers.tell(message);
                    return Behaviors.same();
                })
                .build());
    }

    private static void ask(ActorContext<Object> ctx, ActorRef<Object> ledgers, Object request, int attempt) {
        if (request instanceof SessionRegistry.Claim claim) {
            ctx.ask(SessionRegistry.ClaimReply.class, ledgers, RETRY,
                    replyTo -> new SessionRegistry.Claim(claim.agency(), claim.session(), replyTo),
                    (reply, failure) -> new Asked(request, attempt, reply));
        } else {
            BetStore.GetStoredCount count = (BetStore.GetStoredCount) request;
            ctx.ask(BetStore.StoredCount.class, ledgers, RETRY,
                    replyTo -> new BetStore.GetStoredCount(count.agency(), replyTo),
                    (reply, failure) -> new Asked(request, attempt, reply));
        }
    }
}
