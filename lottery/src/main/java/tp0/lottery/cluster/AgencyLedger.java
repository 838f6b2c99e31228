package tp0.lottery.cluster;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import tp0.logline.LogLine;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;
import tp0.protocol.ErrorCode;

/**
 * The one writer of one agency, cluster-wide: a Cluster Sharding entity (id = the agency id) that
 * sessions on any node reach through their node's shard region. It speaks the per-agency part of
 * the session registry's and the store's protocols — {@link SessionRegistry.Claim},
 * {@link SessionRegistry.Release}, {@link BetStore.GetStoredCount}, {@link BetStore.StoreBatch} —
 * so a session does not know whether it talks to its node's registry and store or to this.
 *
 * <p>One live session. A claim is granted at once; a previous holder is told it was
 * {@link AgencySession.TakenOver taken over}. Fencing is by identity: only the holder's batches
 * are written, so a batch of an older session that arrives late (sharding buffers messages for a
 * shard that is moving, and delivers them afterwards) is refused, never stored behind the new
 * session's count. A batch the holder sent before the claim is already in the store's mailbox,
 * ahead of the new session's count query. A ledger started anew (its node died, its shard moved)
 * has no holder: every batch is refused until a Hello claims it again and reads the count from
 * the database. The store's guarded count is the last line of defence: a node that was downed
 * but still runs writes with a count another node has moved, and is refused there.
 *
 * <p>Answers go back in the order the requests came, all from this actor (the store answers
 * through it), so a refusal never overtakes an earlier batch's ack.
 */
public final class AgencyLedger extends AbstractBehavior<Object> {

    public static final EntityTypeKey<Object> TYPE = EntityTypeKey.create(Object.class, "AgencyLedger");

    /** The stop message of a shard hand-off: stop once every request at the store is answered. */
    public enum HandOff implements CrossNode {
        INSTANCE
    }

    private record BatchAnswered(BetStore.StoreReply reply) {}

    private record CountAnswered(BetStore.StoredCount count) {}

    private record HolderStopped(ActorRef<AgencySession.Command> session) {}

    /** A request's answer, in arrival order: at the store until {@code reply} is set. */
    private static final class Slot {
        final ActorRef<BetStore.StoreReply> batchTo;
        final ActorRef<BetStore.StoredCount> countTo;
        Object reply;

        Slot(ActorRef<BetStore.StoreReply> batchTo, ActorRef<BetStore.StoredCount> countTo, Object reply) {
            this.batchTo = batchTo;
            this.countTo = countTo;
            this.reply = reply;
        }
    }

    /** The agency id of a message for a ledger, or -1. */
    public static int agencyOf(Object message) {
        if (message instanceof BetStore.StoreBatch m) return m.agency();
        if (message instanceof BetStore.GetStoredCount m) return m.agency();
        if (message instanceof SessionRegistry.Claim m) return m.agency();
        if (message instanceof SessionRegistry.Release m) return m.agency();
        return -1;
    }

    /** @param store this node's store, which writes for every ledger living on this node */
    public static Behavior<Object> create(int agency, ActorRef<BetStore.Command> store, String node) {
        return Behaviors.setup(ctx -> new AgencyLedger(ctx, agency, store, node));
    }

    private final int agency;
    private final ActorRef<BetStore.Command> store;
    private final ActorRef<BetStore.StoreReply> batchReplies;
    private final ActorRef<BetStore.StoredCount> countReplies;
    private final Deque<Slot> slots = new ArrayDeque<>();
    private ActorRef<AgencySession.Command> holder;
    private boolean handingOff;

    private AgencyLedger(ActorContext<Object> context, int agency, ActorRef<BetStore.Command> store, String node) {
        super(context);
        this.agency = agency;
        this.store = store;
        this.batchReplies = context.messageAdapter(BetStore.StoreReply.class, BatchAnswered::new);
        this.countReplies = context.messageAdapter(BetStore.StoredCount.class, CountAnswered::new);
        context.getLog().info(LogLine.success("agency_ledger", "agencia", agency, "node", node));
    }

    @Override
    public Receive<Object> createReceive() {
        return newReceiveBuilder()
                .onMessage(SessionRegistry.Claim.class, this::onClaim)
                .onMessage(SessionRegistry.Release.class, msg -> letGo(msg.session()))
                .onMessage(HolderStopped.class, msg -> letGo(msg.session()))
                .onMessage(BetStore.GetStoredCount.class, this::onGetStoredCount)
                .onMessage(BetStore.StoreBatch.class, this::onStoreBatch)
                .onMessage(BatchAnswered.class, msg -> answered(msg.reply()))
                .onMessage(CountAnswered.class, msg -> answered(msg.count()))
                .onMessageEquals(HandOff.INSTANCE, this::onHandOff)
                .build();
    }

    private Behavior<Object> onClaim(SessionRegistry.Claim msg) {
        if (!msg.session().equals(holder)) {
            if (holder != null) {
                getContext().unwatch(holder);
                holder.tell(new AgencySession.TakenOver(agency));
            }
            holder = msg.session();
            getContext().watchWith(holder, new HolderStopped(holder));
        }
        msg.replyTo().tell(new SessionRegistry.Granted(agency));
        return this;
    }

    private Behavior<Object> letGo(ActorRef<AgencySession.Command> session) {
        if (session.equals(holder)) {
            getContext().unwatch(holder);
            holder = null;
        }
        return this;
    }

    /** Behind every batch already at the store: the count includes them all (the Welcome's offset). */
    private Behavior<Object> onGetStoredCount(BetStore.GetStoredCount msg) {
        slots.add(new Slot(null, msg.replyTo(), null));
        store.tell(new BetStore.GetStoredCount(agency, countReplies));
        return this;
    }

    private Behavior<Object> onStoreBatch(BetStore.StoreBatch msg) {
        if (holder == null || !holder.equals(msg.session())) {
            getContext().getLog().warn(LogLine.fail("apuesta_recibida", "agencia", agency, "cantidad",
                    msg.batch().count(), "error", "not from the agency's live session (late or taken over); refused"));
            slots.add(new Slot(msg.replyTo(), null, new BetStore.Refused(ErrorCode.STORAGE_FAILURE,
                    "not this agency's live session; reconnect to resume")));
            flush();
            return this;
        }
        slots.add(new Slot(msg.replyTo(), null, null));
        store.tell(new BetStore.StoreBatch(agency, msg.batch(), batchReplies, msg.session()));
        return this;
    }

    /** The store answers in request order: this is the oldest request still at it. */
    private Behavior<Object> answered(Object reply) {
        for (Slot slot : slots) {
            if (slot.reply == null) {
                slot.reply = reply;
                break;
            }
        }
        flush();
        return handingOff && slots.isEmpty() ? Behaviors.stopped() : this;
    }

    private void flush() {
        while (!slots.isEmpty() && slots.peek().reply != null) {
            Slot slot = slots.poll();
            if (slot.batchTo != null) {
                slot.batchTo.tell((BetStore.StoreReply) slot.reply);
            } else {
                slot.countTo.tell((BetStore.StoredCount) slot.reply);
            }
        }
    }

    private Behavior<Object> onHandOff() {
        handingOff = true;
        return slots.isEmpty() ? Behaviors.stopped() : this;
    }
}
