package tp0.lottery.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import tp0.logline.LogLine;
import tp0.lottery.ops.LotteryMetrics;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/**
 * The store: the only actor that writes bets, whatever keeps them ({@link StoreBackend}: bets.csv
 * or PostgreSQL). Sessions and the draw speak its {@link Command} protocol and never know which
 * backend is below. The backend blocks, so this actor runs on its own dispatcher (see
 * {@code lottery.store-dispatcher}) and never on the default one.
 *
 * Promises: a batch is acknowledged only once it is durable; a batch is stored whole or not at
 * all; once the draw is held no bet is accepted; an "all bets sent" mark is answered only once it
 * is durable. Messages are handled in arrival order, so a {@link GetStoredCount} counts every
 * batch that reached the store before it, and the replies to one sender go out in the order of
 * its requests — a refusal waits its turn behind the batches before it.
 *
 * Group commit: making a write durable (an fsync, a commit) costs far more than the write, so a
 * batch is appended as soon as it is handled but the commit is deferred behind a
 * {@link CommitPending} the store sends itself. The mailbox is FIFO, so every batch that arrived
 * meanwhile (typically while the previous commit ran) joins the group, and one commit makes the
 * whole group durable; only then is each batch answered. Anything that reads or ends the store's
 * state (a count, a mark, the draw, close) first commits the pending group.
 *
 * No batch is stored behind a gap: once a batch of an agency is refused for a storage failure,
 * its later (pipelined) batches are refused too, until its next count (where its next Welcome
 * resumes). States: accepting → sealed (the draw was held, here or by another server sharing
 * the database) → closed (shutdown).
 */
public final class BetStore {

    public interface Command {}

    /**
     * Store every bet of {@code batch} for {@code agency}; answered with {@link StoreReply}. The
     * batch must be valid (a decoded one always is): its rows are written straight from its
     * wire bytes.
     */
    public record StoreBatch(int agency, Message.BetBatch batch, ActorRef<StoreReply> replyTo) implements Command {}

    public sealed interface StoreReply {}

    /** Durable. {@code agencyTotal}: bets of that agency stored in all. */
    public record Stored(int count, long agencyTotal) implements StoreReply {}

    /** Nothing of the batch was stored. */
    public record Refused(ErrorCode code, String reason) implements StoreReply {}

    public record GetStoredCount(int agency, ActorRef<StoredCount> replyTo) implements Command {}

    /** {@code count} -1: the store could not read it now (the agency is refused and retries). */
    public record StoredCount(int agency, long count) {}

    /** Make agency {@code agency}'s "all bets sent" durable; answered with {@link MarkReply}. */
    public record MarkFinished(int agency, ActorRef<MarkReply> replyTo) implements Command {}

    public sealed interface MarkReply {
        int agency();
    }

    /** The mark is durable. */
    public record Marked(int agency) implements MarkReply {}

    public record MarkFailed(int agency, String reason) implements MarkReply {}

    /** Seals the store and reads every bet back to find the winners. */
    public record Draw(ActorRef<DrawOutcome> replyTo) implements Command {}

    public sealed interface DrawOutcome {}

    /** Winners' documents per agency (agencies without winners are absent). */
    public record Drawn(Map<Integer, List<String>> winnersByAgency, long betsRead, boolean firstDraw)
            implements DrawOutcome {
        /**
         * {@code firstDraw}: false when the store already recorded a draw (the PostgreSQL store,
         * after a restart or a new cluster singleton): the same winners, held again, not anew.
         */
        public Drawn {}

        public Drawn(Map<Integer, List<String>> winnersByAgency, long betsRead) {
            this(winnersByAgency, betsRead, true);
        }
    }

    public record DrawFailed(String reason) implements DrawOutcome {}

    /** Commit what is pending and release the backend (shutdown); later batches and marks are refused. */
    public record Close(ActorRef<Done> replyTo) implements Command {}

    /** Sent to itself behind the batches of a group: commit them at once, then answer them. */
    private enum CommitPending implements Command {
        INSTANCE
    }

    /** A timer's: try the draw again (the backend failed; it may come back before the deadline). */
    private record RetryDraw(ActorRef<DrawOutcome> replyTo, long deadlineNanos) implements Command {}

    /** A batch of the group: appended, or already refused (it still waits its turn to be answered). */
    private record Pending(StoreBatch batch, Refused refused) {}

    /** Between two attempts at a draw whose backend failed. */
    static final Duration DRAW_RETRY_PAUSE = Duration.ofMillis(500);

    /** With group commit, telling no metrics (tests). */
    public static Behavior<Command> create(StoreBackend backend, Map<Integer, Long> storedByAgency) {
        return create(backend, storedByAgency, true, LotteryMetrics.NONE);
    }

    /**
     * @param storedByAgency what the backend already holds per agency
     * @param groupCommit    false: one commit per batch (the baseline {@code STORE_GROUP_COMMIT=off} measures)
     */
    public static Behavior<Command> create(StoreBackend backend, Map<Integer, Long> storedByAgency,
                                           boolean groupCommit, LotteryMetrics metrics) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new BetStore(ctx, timers, backend, storedByAgency, groupCommit, metrics).accepting()));
    }

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final StoreBackend backend;
    private final Logger log;
    private final boolean groupCommit;
    private final LotteryMetrics metrics;
    /** Durable bets per agency: a pending batch counts only once its group is committed. */
    private final Map<Integer, Long> storedByAgency;
    /** Bets of the pending group per agency (appended, not refused). */
    private final Map<Integer, Long> pendingByAgency = new HashMap<>();
    /** Appended (or refused) since the last commit, in arrival order. */
    private final List<Pending> pending = new ArrayList<>();
    /** Batches of {@link #pending} the backend holds (not refused): nothing to commit without one. */
    private int appended;
    /** Agencies one of whose batches was refused for a storage failure, until their next count. */
    private final Set<Integer> interrupted = new HashSet<>();
    /** A {@link CommitPending} is in the mailbox. */
    private boolean commitScheduled;

    private BetStore(ActorContext<Command> context, TimerScheduler<Command> timers, StoreBackend backend,
                     Map<Integer, Long> storedByAgency, boolean groupCommit, LotteryMetrics metrics) {
        this.context = context;
        this.timers = timers;
        this.backend = backend;
        this.log = context.getLog();
        this.storedByAgency = new HashMap<>(storedByAgency);
        this.groupCommit = groupCommit;
        this.metrics = metrics;
        metrics.storedAtStart(storedByAgency);
    }

    /** Batches are appended and acknowledged once committed. */
    private Behavior<Command> accepting() {
        return open(Behaviors.receive(Command.class).onMessage(StoreBatch.class, this::onStoreBatch));
    }

    /** The draw was held: batches are refused, everything else still works. */
    private Behavior<Command> sealed() {
        return open(Behaviors.receive(Command.class).onMessage(StoreBatch.class,
                msg -> refuse(msg, ErrorCode.BETS_CLOSED, "the draw has been held")));
    }

    /** Shutdown: the backend is released; batches and marks are refused. */
    private Behavior<Command> closed() {
        return Behaviors.receive(Command.class)
                .onMessage(StoreBatch.class, msg -> refuse(msg, ErrorCode.SHUTTING_DOWN, "store is closed"))
                .onMessage(MarkFinished.class, msg ->
                        reply(msg.replyTo(), new MarkFailed(msg.agency(), "store is closed")))
                .onMessage(GetStoredCount.class, this::onGetStoredCount)
                .onMessage(Draw.class, msg -> attemptDraw(msg.replyTo(), deadline()))
                .onMessage(RetryDraw.class, msg -> reply(msg.replyTo(), new DrawFailed("store is closed")))
                .onMessage(Close.class, msg -> reply(msg.replyTo(), Done.getInstance()))
                .build(); // a CommitPending finds nothing: closing committed the group
    }

    /** What the accepting and sealed states share. */
    private Behavior<Command> open(BehaviorBuilder<Command> state) {
        return state
                .onMessage(GetStoredCount.class, this::onGetStoredCount)
                .onMessage(MarkFinished.class, this::onMarkFinished)
                .onMessage(Draw.class, this::onDraw)
                .onMessage(RetryDraw.class, msg -> attemptDraw(msg.replyTo(), msg.deadlineNanos()))
                .onMessage(Close.class, this::onClose)
                .onMessageEquals(CommitPending.INSTANCE, this::onCommitPending)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private static <T> Behavior<Command> reply(ActorRef<T> replyTo, T reply) {
        replyTo.tell(reply);
        return Behaviors.same();
    }

    private Behavior<Command> refuse(StoreBatch msg, ErrorCode code, String reason) {
        // Closing and the draw commit the group first, so answering these at once keeps the order.
        metrics.batchRefused(code);
        msg.replyTo().tell(new Refused(code, reason));
        return Behaviors.same();
    }

    private Behavior<Command> onStoreBatch(StoreBatch msg) {
        int agency = msg.agency();
        if (interrupted.contains(agency)) {
            // Storing this one would leave a gap before it: the agency resumes from its count instead.
            pending.add(new Pending(msg, new Refused(ErrorCode.STORAGE_FAILURE, backend.afterGap(agency))));
        } else {
            long before = storedByAgency.getOrDefault(agency, 0L) + pendingByAgency.getOrDefault(agency, 0L);
            try {
                backend.append(agency, before, msg.batch());
                pendingByAgency.merge(agency, (long) msg.batch().count(), Long::sum);
                appended++;
                pending.add(new Pending(msg, null));
            } catch (StoreBackend.StoreFailure e) {
                interrupted.add(agency);
                metrics.storeCommitFailed(e.reason());
                pending.add(new Pending(msg, new Refused(ErrorCode.STORAGE_FAILURE, e.reason())));
            }
        }
        if (!groupCommit) {
            return afterCommit(commitPending());
        }
        if (!commitScheduled) {
            commitScheduled = true; // behind every batch already queued: they all join this group
            context.getSelf().tell(CommitPending.INSTANCE);
        }
        return Behaviors.same();
    }

    private Behavior<Command> onCommitPending() {
        commitScheduled = false; // the group may be gone: a count, mark, draw or close committed it first
        return afterCommit(commitPending());
    }

    /** Sealed when a commit found the draw held by another server sharing the database. */
    private Behavior<Command> afterCommit(boolean drawHeld) {
        return drawHeld ? sealed() : Behaviors.same();
    }

    /**
     * Makes the pending group durable with one commit, then answers each of its batches in
     * arrival order. If the commit fails, every batch of the group is refused: none is stored.
     *
     * @return whether the commit found the draw held elsewhere (its batches refused BETS_CLOSED)
     */
    private boolean commitPending() {
        if (pending.isEmpty()) {
            return false;
        }
        Map<Integer, Refused> leftOut = Map.of();
        StoreBackend.StoreFailure failure = null;
        if (appended > 0) {
            long start = System.nanoTime();
            try {
                leftOut = backend.commit();
                metrics.storeCommitted(pending.size(), System.nanoTime() - start);
            } catch (StoreBackend.StoreFailure e) {
                failure = e;
                metrics.storeCommitFailed(e.reason());
            }
        }
        boolean drawHeld = false;
        for (Pending p : pending) {
            StoreBatch batch = p.batch();
            Refused refused = p.refused() != null ? p.refused()
                    : failure != null ? new Refused(ErrorCode.STORAGE_FAILURE, failure.reason())
                    : leftOut.get(batch.agency());
            if (refused == null) {
                answerStored(batch);
                continue;
            }
            if (refused.code() == ErrorCode.STORAGE_FAILURE) {
                interrupted.add(batch.agency());
            }
            drawHeld |= refused.code() == ErrorCode.BETS_CLOSED;
            metrics.batchRefused(refused.code());
            batch.replyTo().tell(refused);
        }
        pending.clear();
        pendingByAgency.clear();
        appended = 0;
        return drawHeld;
    }

    private void answerStored(StoreBatch batch) {
        int count = batch.batch().count();
        long total = storedByAgency.merge(batch.agency(), (long) count, Long::sum);
        metrics.batchStored(batch.agency(), count, total);
        if (log.isDebugEnabled()) {
            batch.batch().forEach((buf, firstOff, firstLen, lastOff, lastLen, docOff, docLen, year, month, day,
                                   number) -> log.debug(LogLine.success("apuesta_almacenada",
                    "dni", new String(buf, docOff, docLen, StandardCharsets.UTF_8), "numero", number)));
        }
        batch.replyTo().tell(new Stored(count, total));
    }

    /**
     * The count is a Welcome's resume offset, so it must hold every batch that reached the store
     * before it — pending ones included — and nothing that could still be lost: the pending group
     * is committed (or refused) first, so the count is only ever durable bets. It is where the
     * agency resumes, so its batches are accepted again after it (no gap behind it).
     */
    private Behavior<Command> onGetStoredCount(GetStoredCount msg) {
        boolean drawHeld = commitPending();
        int agency = msg.agency();
        long count;
        try {
            count = backend.storedCount(agency, storedByAgency.getOrDefault(agency, 0L));
            storedByAgency.put(agency, count); // another server may have stored for the agency
            interrupted.remove(agency);
        } catch (StoreBackend.StoreFailure e) {
            count = -1; // the session refuses the agency with STORAGE_FAILURE: it retries
        }
        msg.replyTo().tell(new StoredCount(agency, count));
        return afterCommit(drawHeld);
    }

    private Behavior<Command> onMarkFinished(MarkFinished msg) {
        boolean drawHeld = commitPending(); // an agency's mark is never durable before its bets are
        try {
            backend.markFinished(msg.agency(), storedByAgency.getOrDefault(msg.agency(), 0L));
            msg.replyTo().tell(new Marked(msg.agency()));
        } catch (StoreBackend.StoreFailure e) {
            msg.replyTo().tell(new MarkFailed(msg.agency(), e.reason()));
        }
        return afterCommit(drawHeld);
    }

    private Behavior<Command> onDraw(Draw msg) {
        commitPending(); // the draw reads every batch acknowledged before it, and no later one
        attemptDraw(msg.replyTo(), deadline());
        return sealed();
    }

    private long deadline() {
        return System.nanoTime() + backend.drawRetry().toNanos();
    }

    /**
     * Every agency has finished, so nothing waits on the store meanwhile: a backend that failed
     * is tried again on a timer until {@code deadlineNanos} rather than losing the draw, and the
     * store answers other requests in between.
     */
    private Behavior<Command> attemptDraw(ActorRef<DrawOutcome> replyTo, long deadlineNanos) {
        try {
            replyTo.tell(backend.draw());
        } catch (StoreBackend.StoreFailure e) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                replyTo.tell(new DrawFailed(e.reason()));
            } else {
                log.warn(LogLine.inProgress("sorteo", backend.location(e.detail())));
                timers.startSingleTimer(new RetryDraw(replyTo, deadlineNanos), DRAW_RETRY_PAUSE);
            }
        }
        return Behaviors.same();
    }

    private Behavior<Command> onClose(Close msg) {
        commitPending();
        backend.close();
        msg.replyTo().tell(Done.getInstance());
        return closed();
    }

    private Behavior<Command> onPostStop() {
        commitPending();
        backend.close();
        return Behaviors.same();
    }
}
