package tp0.lottery.session;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tp0.lottery.ops.LotteryMetrics;

/**
 * At most one live session per agency. Two connections of one agency would interleave their
 * batches and both resume from the same stored count, storing bets twice; so a session claims
 * its agency id after an accepted Hello.
 *
 * <p>The newest Hello wins (as in MQTT): a claim for an id another session holds tells that
 * holder to {@link AgencySession.TakenOver give it up}, and is granted once the holder has
 * released it (or stopped). A holder releases only after its last batch was sent to the store,
 * and those sends happen before the release (local actor messages are enqueued when sent), so
 * the new session's count query reaches the store behind every batch the old one will ever
 * store: the old session is fenced, none of its batches can land after the new Welcome's count.
 * So an agency whose old connection vanished without a word, or a peer squatting on its id,
 * never keeps it out. A claim that is still waiting when a newer one comes is superseded.
 *
 * <p>The registry watches holders and frees an id as soon as its session stops, or earlier when
 * the session releases it because it can store nothing more (its peer stopped sending, or it
 * is closing) even though it still owes an answer.
 */
public final class SessionRegistry extends AbstractBehavior<SessionRegistry.Command> {

    public interface Command {}

    /** {@code session} wants to act as {@code agency}; answered with {@link ClaimReply}. */
    public record Claim(int agency, ActorRef<AgencySession.Command> session, ActorRef<ClaimReply> replyTo)
            implements Command {}

    public sealed interface ClaimReply {}

    /** The id is the session's until it stops, releases it, or is taken over. */
    public record Granted(int agency) implements ClaimReply {}

    /** A newer claim for the id came while this one waited for the holder to let go. */
    public record Superseded(int agency) implements ClaimReply {}

    /**
     * {@code session} will send no more batches as {@code agency}. Every batch it sent is already
     * in the store's mailbox, ahead of the next holder's count query.
     */
    public record Release(int agency, ActorRef<AgencySession.Command> session) implements Command {}

    private record HolderStopped(int agency, ActorRef<AgencySession.Command> session) implements Command {}

    public static Behavior<Command> create() {
        return create(LotteryMetrics.NONE);
    }

    /** @param metrics told when an agency's id is held and let go: whether the agency is connected */
    public static Behavior<Command> create(LotteryMetrics metrics) {
        return Behaviors.setup(ctx -> new SessionRegistry(ctx, metrics));
    }

    private final LotteryMetrics metrics;

    private final Map<Integer, ActorRef<AgencySession.Command>> holders = new HashMap<>();
    /** Per agency, the newest claim waiting for its holder to let go. */
    private final Map<Integer, Claim> waiting = new HashMap<>();

    private SessionRegistry(ActorContext<Command> context, LotteryMetrics metrics) {
        super(context);
        this.metrics = metrics;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Claim.class, this::onClaim)
                .onMessage(Release.class, msg -> onLetGo(msg.agency(), msg.session()))
                .onMessage(HolderStopped.class, msg -> onLetGo(msg.agency(), msg.session()))
                .build();
    }

    private Behavior<Command> onClaim(Claim msg) {
        ActorRef<AgencySession.Command> holder = holders.get(msg.agency());
        if (holder == null) {
            grant(msg);
        } else if (holder.equals(msg.session())) {
            msg.replyTo().tell(new Granted(msg.agency()));
        } else {
            Claim older = waiting.put(msg.agency(), msg);
            if (older != null) {
                older.replyTo().tell(new Superseded(msg.agency()));
            } else {
                holder.tell(new AgencySession.TakenOver(msg.agency()));
            }
        }
        return this;
    }

    /** The holder released its id or stopped: the id is free, or goes to the claim waiting for it. */
    private Behavior<Command> onLetGo(int agency, ActorRef<AgencySession.Command> session) {
        if (holders.remove(agency, session)) {
            getContext().unwatch(session);
            metrics.agencyDisconnected(agency);
            Claim next = waiting.remove(agency);
            if (next != null) {
                grant(next);
            }
        }
        return this;
    }

    private void grant(Claim claim) {
        holders.put(claim.agency(), claim.session());
        metrics.agencyConnected(claim.agency());
        getContext().watchWith(claim.session(), new HolderStopped(claim.agency(), claim.session()));
        claim.replyTo().tell(new Granted(claim.agency()));
    }
}
