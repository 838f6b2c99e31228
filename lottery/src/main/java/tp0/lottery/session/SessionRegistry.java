package tp0.lottery.session;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * At most one live session per agency. Two connections of one agency would interleave their
 * batches and both resume from the same stored count, storing bets twice; so a session claims
 * its agency id after an accepted Hello, and a second claim is refused while the holder lives.
 * The registry watches holders and frees an id as soon as its session stops, or earlier when
 * the session releases it because it can store nothing more (its peer stopped sending, or it
 * is closing) even though it still owes an answer.
 */
public final class SessionRegistry extends AbstractBehavior<SessionRegistry.Command> {

    public interface Command {}

    /** {@code session} wants to act as {@code agency}; answered with {@link ClaimReply}. */
    public record Claim(int agency, ActorRef<AgencySession.Command> session, ActorRef<ClaimReply> replyTo)
            implements Command {}

    public sealed interface ClaimReply {}

    /** The id is the session's until it stops. */
    public record Granted(int agency) implements ClaimReply {}

    /** Another live session holds the id. */
    public record Held(int agency) implements ClaimReply {}

    /**
     * {@code session} will send no more batches as {@code agency}. Every batch it sent is already
     * in the store's mailbox, ahead of the next holder's count query.
     */
    public record Release(int agency, ActorRef<AgencySession.Command> session) implements Command {}

    private record HolderStopped(int agency, ActorRef<AgencySession.Command> session) implements Command {}

    public static Behavior<Command> create() {
        return Behaviors.setup(SessionRegistry::new);
    }

    private final Map<Integer, ActorRef<AgencySession.Command>> holders = new HashMap<>();

    private SessionRegistry(ActorContext<Command> context) {
        super(context);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Claim.class, this::onClaim)
                .onMessage(Release.class, this::onRelease)
                .onMessage(HolderStopped.class, this::onHolderStopped)
                .build();
    }

    private Behavior<Command> onClaim(Claim msg) {
        ActorRef<AgencySession.Command> holder = holders.get(msg.agency());
        if (holder == null) {
            holders.put(msg.agency(), msg.session());
            getContext().watchWith(msg.session(), new HolderStopped(msg.agency(), msg.session()));
        } else if (!holder.equals(msg.session())) {
            msg.replyTo().tell(new Held(msg.agency()));
            return this;
        }
        msg.replyTo().tell(new Granted(msg.agency()));
        return this;
    }

    private Behavior<Command> onRelease(Release msg) {
        if (holders.remove(msg.agency(), msg.session())) {
            getContext().unwatch(msg.session());
        }
        return this;
    }

    private Behavior<Command> onHolderStopped(HolderStopped msg) {
        holders.remove(msg.agency(), msg.session());
        return this;
    }
}
