package tp0.lottery.cluster;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import tp0.logline.LogLine;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/**
 * The one writer of one agency, cluster-wide: a Cluster Sharding entity (id = the agency id) that
 * sessions on any node reach through their node's {@link LedgerDoor} and shard region. Its
 * {@link Request requests} are the per-agency part of what a session asks of its node's registry
 * and store (claim, release, stored count, a batch), answered with the registry's and the
 * store's replies, so a session does not know whether it talks to its node's registry and store
 * or to this.
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
public final class AgencyLedger extends AbstractBehavior<AgencyLedger.Command> {

    public static final EntityTypeKey<Command> TYPE = EntityTypeKey.create(Command.class, "AgencyLedger");

    public interface Command {}

    /** What a session asks of its agency's ledger; the shard region routes it by {@link #agency()}. */
    public sealed interface Request extends Command permits Claim, Release, GetStoredCount, Append {
        int agency();
    }

    /** {@code session} wants to act as {@code agency}; answered with {@link SessionRegistry.Granted} at once. */
    public record Claim(int agency, ActorRef<AgencySession.Command> session,
                        ActorRef<SessionRegistry.ClaimReply> replyTo) implements Request {}

    /** {@code session} will send no more batches as {@code agency}. */
    public record Release(int agency, ActorRef<AgencySession.Command> session) implements Request {}

    /** The agency's stored count, behind every batch already at the store. */
    public record GetStoredCount(int agency, ActorRef<BetStore.StoredCount> replyTo) implements Request {}

    /**
     * Store {@code batch} for {@code agency}, sent by {@code session}: written only when that is the
     * agency's live session; answered with {@link BetStore.StoreReply}. The store never sees the
     * session: fencing is the ledger's business. Crosses nodes as its frame bytes ({@link BatchSerializer}).
     */
    public record Append(int agency, Message.BetBatch batch, ActorRef<?> session,
                         ActorRef<BetStore.StoreReply> replyTo) implements Request {}

    /** The stop message of a shard hand-off: stop once every request at the store is answered. */
    public enum HandOff implements Command {
        INSTANCE
    }

    private record BatchAnswered(BetStore.StoreReply reply) implements Command {}

    private record CountAnswered(BetStore.StoredCount count) implements Command {}

    private record HolderStopped(ActorRef<AgencySession.Command> session) implements Command {}

    /** A request's answer, in arrival order: at the store until answered. */
    private static final class Slot {
        private final ActorRef<BetStore.StoreReply> batchTo;
        private final ActorRef<BetStore.StoredCount> countTo;
        private BetStore.StoreReply batchReply;
        private BetStore.StoredCount countReply;

        private Slot(ActorRef<BetStore.StoreReply> batchTo, ActorRef<BetStore.StoredCount> countTo) {
            this.batchTo = batchTo;
            this.countTo = countTo;
        }

        static Slot batch(ActorRef<BetStore.StoreReply> replyTo) {
            return new Slot(replyTo, null);
        }

        static Slot count(ActorRef<BetStore.StoredCount> replyTo) {
            return new Slot(null, replyTo);
        }

        boolean answered() {
            return batchReply != null || countReply != null;
        }

        void send() {
            if (batchTo != null) {
                batchTo.tell(batchReply);
            } else {
                countTo.tell(countReply);
            }
        }
    }

    /**
     * @param store       this node's store, which writes for every ledger living on this node
     * @param ledgersHere the ledgers living on this node: one more while this one lives (the metrics' shards)
     */
    public static Behavior<Command> create(int agency, ActorRef<BetStore.Command> store, String node,
                                           AtomicInteger ledgersHere) {
        return Behaviors.setup(ctx -> new AgencyLedger(ctx, agency, store, node, ledgersHere));
    }

    private final int agency;
    private final ActorRef<BetStore.Command> store;
    private final ActorRef<BetStore.StoreReply> batchReplies;
    private final ActorRef<BetStore.StoredCount> countReplies;
    private final Deque<Slot> slots = new ArrayDeque<>();
    private final AtomicInteger ledgersHere;
    private ActorRef<AgencySession.Command> holder;

    private AgencyLedger(ActorContext<Command> context, int agency, ActorRef<BetStore.Command> store, String node,
                         AtomicInteger ledgersHere) {
        super(context);
        this.ledgersHere = ledgersHere;
        ledgersHere.incrementAndGet();
        this.agency = agency;
        this.store = store;
        this.batchReplies = context.messageAdapter(BetStore.StoreReply.class, BatchAnswered::new);
        this.countReplies = context.messageAdapter(BetStore.StoredCount.class, CountAnswered::new);
        context.getLog().info(LogLine.success("agency_ledger", "agencia", agency, "node", node));
    }

    /** Serving: requests come, answers go, until the shard hands the ledger off. */
    @Override
    public Receive<Command> createReceive() {
        return requests(Behaviors::same).onMessageEquals(HandOff.INSTANCE, this::handingOff).build();
    }

    /**
     * Handed off (its shard moves or its node leaves): sharding holds back new requests meanwhile;
     * those still at the store are answered, then the ledger stops.
     */
    private Behavior<Command> handingOff() {
        Supplier<Behavior<Command>> stopWhenAllAnswered = () -> slots.isEmpty() ? Behaviors.stopped() : Behaviors.same();
        return slots.isEmpty() ? Behaviors.stopped()
                : requests(stopWhenAllAnswered).onMessageEquals(HandOff.INSTANCE, Behaviors::same).build();
    }

    /** The requests and the store's answers; {@code afterAnswer}: what the ledger is once an answer went out. */
    private ReceiveBuilder<Command> requests(Supplier<Behavior<Command>> afterAnswer) {
        return newReceiveBuilder()
                .onMessage(Claim.class, this::onClaim)
                .onMessage(Release.class, msg -> letGo(msg.session()))
                .onMessage(HolderStopped.class, msg -> letGo(msg.session()))
                .onMessage(GetStoredCount.class, this::onGetStoredCount)
                .onMessage(Append.class, this::onAppend)
                .onMessage(BatchAnswered.class, msg -> {
                    answered(slot -> slot.batchReply = msg.reply());
                    return afterAnswer.get();
                })
                .onMessage(CountAnswered.class, msg -> {
                    answered(slot -> slot.countReply = msg.count());
                    return afterAnswer.get();
                })
                .onSignal(PostStop.class, stopped -> {
                    ledgersHere.decrementAndGet();
                    return Behaviors.same();
                });
    }

    private Behavior<Command> onClaim(Claim msg) {
        if (!msg.session().equals(holder)) {
            if (holder != null) {
                getContext().unwatch(holder);
                holder.tell(new AgencySession.TakenOver(agency));
            }
            holder = msg.session();
            getContext().watchWith(holder, new HolderStopped(holder));
        }
        msg.replyTo().tell(new SessionRegistry.Granted(agency));
        return Behaviors.same();
    }

    private Behavior<Command> letGo(ActorRef<AgencySession.Command> session) {
        if (session.equals(holder)) {
            getContext().unwatch(holder);
            holder = null;
        }
        return Behaviors.same();
    }

    /** Behind every batch already at the store: the count includes them all (the Welcome's offset). */
    private Behavior<Command> onGetStoredCount(GetStoredCount msg) {
        slots.add(Slot.count(msg.replyTo()));
        store.tell(new BetStore.GetStoredCount(agency, countReplies));
        return Behaviors.same();
    }

    private Behavior<Command> onAppend(Append msg) {
        if (holder == null || !holder.equals(msg.session())) {
            getContext().getLog().warn(LogLine.fail("apuesta_recibida", "agencia", agency, "cantidad",
                    msg.batch().count(), "error", "not from the agency's live session (late or taken over); refused"));
            Slot refused = Slot.batch(msg.replyTo());
            refused.batchReply = new BetStore.Refused(ErrorCode.STORAGE_FAILURE,
                    "not this agency's live session; reconnect to resume");
            slots.add(refused);
            flush();
            return Behaviors.same();
        }
        slots.add(Slot.batch(msg.replyTo()));
        store.tell(new BetStore.StoreBatch(agency, msg.batch(), batchReplies));
        return Behaviors.same();
    }

    /** The store answers in request order: {@code answer} goes to the oldest request still at it. */
    private void answered(Consumer<Slot> answer) {
        for (Slot slot : slots) {
            if (!slot.answered()) {
                answer.accept(slot);
                break;
            }
        }
        flush();
    }

    private void flush() {
        while (!slots.isEmpty() && slots.peek().answered()) {
            slots.poll().send();
        }
    }
}
