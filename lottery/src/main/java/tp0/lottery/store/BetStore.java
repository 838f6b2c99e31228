package tp0.lottery.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import tp0.logline.LogLine;
import tp0.lottery.ops.LotteryMetrics;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/**
 * The only owner of {@code bets.csv} and {@code all-bets-sent.txt}: every write goes through
 * this actor, one message at a time, so no locks are needed. It blocks on disk, so it must
 * run on its own dispatcher (see {@code lottery.store-dispatcher}) and never on the default one.
 *
 * Promises: a batch is acknowledged only after its rows are written and fsynced; a batch
 * is stored whole or not at all; once the draw starts no bet is accepted; an "all bets sent"
 * mark is answered only once it is fsynced. Messages are handled in arrival order, so a
 * {@link GetStoredCount} counts every batch that reached the store before it. The replies
 * to one sender go out in the order of its requests.
 *
 * Group commit: an fsync costs far more than a write, so a batch is written as soon as it is
 * handled but its fsync is deferred behind a {@link SyncPending} the store sends itself. The
 * mailbox is FIFO, so every batch that arrived meanwhile (typically while the previous fsync
 * ran) is written before it, and the one fsync makes the whole group durable; only then is
 * each batch of the group answered, in arrival order. Anything that reads or ends the store's
 * state (a count, a mark, the draw, close) first flushes the pending group.
 */
public final class BetStore extends AbstractBehavior<BetStore.Command> {

    public interface Command {}

    /**
     * Store every bet of {@code batch} for {@code agency}; answered with {@link StoreReply}. The
     * batch must be valid (a decoded one always is): its rows are written straight from its
     * wire bytes.
     */
    public record StoreBatch(int agency, Message.BetBatch batch, ActorRef<StoreReply> replyTo,
                             ActorRef<?> session) implements Command {
        /**
         * {@code session}: the session that sent it. The stores ignore it; a cluster's agency
         * ledger refuses a batch whose session is not the agency's live one (a late delivery).
         */
        public StoreBatch {}

        /** From no particular session (the stores' own tests). */
        public StoreBatch(int agency, Message.BetBatch batch, ActorRef<StoreReply> replyTo) {
            this(agency, batch, replyTo, null);
        }
    }

    public sealed interface StoreReply {}

    /** On disk. {@code agencyTotal}: bets of that agency stored in all. */
    public record Stored(int count, long agencyTotal) implements StoreReply {}

    /** Nothing of the batch was stored. */
    public record Refused(ErrorCode code, String reason) implements StoreReply {}

    public record GetStoredCount(int agency, ActorRef<StoredCount> replyTo) implements Command {}

    public record StoredCount(int agency, long count) {}

    /** Make agency {@code agency}'s "all bets sent" durable; answered with {@link MarkReply}. */
    public record MarkFinished(int agency, ActorRef<MarkReply> replyTo) implements Command {}

    public sealed interface MarkReply {
        int agency();
    }

    /** The mark is on disk. */
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

    /** Flush and close the files (shutdown); later batches and marks are refused. */
    public record Close(ActorRef<Done> replyTo) implements Command {}

    /** Sent to itself behind the batches of a group: fsync them once, then answer them. */
    private enum SyncPending implements Command {
        INSTANCE
    }

    /**
     * A batch of the group waiting for its fsync: written, or already refused ({@code refused}
     * set) — a refusal waits its turn too, so it never overtakes an earlier batch's ack.
     */
    private record Pending(StoreBatch batch, Refused refused) {}

    /**
     * @param file           bets.csv, open for appending
     * @param finishMarks    all-bets-sent.txt, open for appending
     * @param storedByAgency what {@code file} already holds per agency ({@link #countByAgency})
     */
    public static Behavior<Command> create(BetsFile file, BetsFile finishMarks, Map<Integer, Long> storedByAgency) {
        return create(file, finishMarks, storedByAgency, true);
    }

    /** @param groupCommit false: one fsync per batch (the baseline {@code STORE_GROUP_COMMIT=off} measures) */
    public static Behavior<Command> create(BetsFile file, BetsFile finishMarks, Map<Integer, Long> storedByAgency,
                                           boolean groupCommit) {
        return create(file, finishMarks, storedByAgency, groupCommit, LotteryMetrics.NONE);
    }

    /** @param metrics told of every batch stored or refused and of every group's fsync */
    public static Behavior<Command> create(BetsFile file, BetsFile finishMarks, Map<Integer, Long> storedByAgency,
                                           boolean groupCommit, LotteryMetrics metrics) {
        return Behaviors.setup(ctx -> new BetStore(ctx, file, finishMarks, storedByAgency, groupCommit, metrics));
    }

    /**
     * Per-agency counts of what is already in the file: where a restarted server resumes. One
     * streaming pass ({@link BetsCsvScanner}) with no object per row.
     */
    public static Map<Integer, Long> countByAgency(BetsFile file) throws IOException {
        Map<Integer, long[]> counts = new HashMap<>();
        BetsCsvScanner.scan(file.path(), new BetsCsvScanner.RowSink() {
            // Rows come in runs of one agency (a batch, often many): look its counter up once per run.
            private int runAgency;
            private long[] run;

            @Override
            public void row(int agency, byte[] buf, int docOff, int docLen, int number) {
                if (run == null || agency != runAgency) {
                    run = counts.computeIfAbsent(agency, a -> new long[1]);
                    runAgency = agency;
                }
                run[0]++;
            }
        });
        Map<Integer, Long> result = new HashMap<>();
        counts.forEach((agency, count) -> result.put(agency, count[0]));
        return result;
    }

    private final Appender bets;
    private final Appender marks;
    /** Durable bets per agency: a pending batch counts only once its group's fsync succeeded. */
    private final Map<Integer, Long> storedByAgency;
    private final Logger log;
    private final boolean groupCommit;
    /** Reused for every batch's rows. */
    private final BetsCsv.RowBuffer rows = new BetsCsv.RowBuffer(16 * 1024);
    /** Written (or refused) since the last fsync, in arrival order. */
    private final List<Pending> pending = new ArrayList<>();
    /**
     * Agencies one of whose batches was refused for a storage failure, until their next count:
     * their later (pipelined) batches are refused too, so none is stored behind the missing one
     * — the agency resends from the count its next Welcome gives, in file order.
     */
    private final java.util.Set<Integer> interrupted = new java.util.HashSet<>();
    /** A {@link SyncPending} is in the mailbox. */
    private boolean syncScheduled;
    private boolean sealed;
    private boolean closed;

    private final LotteryMetrics metrics;

    private BetStore(ActorContext<Command> context, BetsFile file, BetsFile finishMarks,
                     Map<Integer, Long> storedByAgency, boolean groupCommit, LotteryMetrics metrics) {
        super(context);
        this.metrics = metrics;
        metrics.storedAtStart(storedByAgency);
        this.log = context.getLog();
        this.bets = new Appender(file, "bets_file", log);
        this.marks = new Appender(finishMarks, "all_bets_sent_file", log);
        this.storedByAgency = new HashMap<>(storedByAgency);
        this.groupCommit = groupCommit;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StoreBatch.class, this::onStoreBatch)
                .onMessage(GetStoredCount.class, this::onGetStoredCount)
                .onMessage(MarkFinished.class, this::onMarkFinished)
                .onMessage(Draw.class, this::onDraw)
                .onMessage(Close.class, this::onClose)
                .onMessageEquals(SyncPending.INSTANCE, this::onSyncPending)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onStoreBatch(StoreBatch msg) {
        // Closing and the draw flush the group first, so answering these at once keeps the order.
        if (closed) {
            metrics.batchRefused(ErrorCode.SHUTTING_DOWN);
            msg.replyTo().tell(new Refused(ErrorCode.SHUTTING_DOWN, "store is closed"));
            return this;
        }
        if (sealed) {
            metrics.batchRefused(ErrorCode.BETS_CLOSED);
            msg.replyTo().tell(new Refused(ErrorCode.BETS_CLOSED, "the draw has been held"));
            return this;
        }
        if (interrupted.contains(msg.agency())) {
            // Storing this one would leave a gap before it: the agency resumes from its count instead.
            pending.add(new Pending(msg, new Refused(ErrorCode.STORAGE_FAILURE,
                    "an earlier batch of this agency was not stored; resume from the stored count")));
            scheduleSync();
            return this;
        }
        rows.clear();
        rows.append(msg.agency(), msg.batch());
        Refused refused = null;
        try {
            bets.append(rows.array(), rows.length());
        } catch (IOException e) {
            refused = new Refused(ErrorCode.STORAGE_FAILURE, String.valueOf(e.getMessage()));
            interrupted.add(msg.agency());
            metrics.storeCommitFailed(String.valueOf(e.getMessage()));
        }
        pending.add(new Pending(msg, refused));
        scheduleSync();
        return this;
    }

    /** Answers the pending group now (no group commit) or behind every batch already queued. */
    private void scheduleSync() {
        if (!groupCommit) {
            flushPending();
        } else if (!syncScheduled) {
            // Behind every batch already queued: they all join this group.
            syncScheduled = true;
            getContext().getSelf().tell(SyncPending.INSTANCE);
        }
    }

    private Behavior<Command> onSyncPending() {
        syncScheduled = false;
        flushPending(); // may find nothing: a count, mark, draw or close flushed the group first
        return this;
    }

    /**
     * Makes the pending group durable with one fsync, then answers each of its batches in
     * arrival order. If the fsync fails the file is cut back to before the group and every
     * batch of it is refused: none of them is stored.
     */
    private void flushPending() {
        if (pending.isEmpty()) {
            return;
        }
        IOException failure = null;
        long start = System.nanoTime();
        try {
            bets.sync();
            metrics.storeCommitted(pending.size(), System.nanoTime() - start);
        } catch (IOException e) {
            failure = e;
            metrics.storeCommitFailed(String.valueOf(e.getMessage()));
        }
        for (Pending p : pending) {
            StoreBatch batch = p.batch();
            if (p.refused() != null) {
                metrics.batchRefused(p.refused().code());
                batch.replyTo().tell(p.refused());
            } else if (failure != null) {
                interrupted.add(batch.agency());
                metrics.batchRefused(ErrorCode.STORAGE_FAILURE);
                batch.replyTo().tell(new Refused(ErrorCode.STORAGE_FAILURE, String.valueOf(failure.getMessage())));
            } else {
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
        }
        pending.clear();
    }

    /**
     * The count is a Welcome's resume offset, so it must hold every batch that reached the store
     * before it — pending ones included — and nothing that could still be lost. Counting written
     * but unsynced rows would be wrong: if their fsync then failed they would be cut back out
     * and refused, yet the agency would skip them. So the pending group is made durable (or
     * refused) first, and the count is only ever durable bets. A crash before that fsync loses
     * the rows and, since a restarted server counts from the file, the count with them.
     */
    private Behavior<Command> onGetStoredCount(GetStoredCount msg) {
        flushPending();
        interrupted.remove(msg.agency()); // the count is where the agency resumes: no gap after it
        msg.replyTo().tell(new StoredCount(msg.agency(), storedByAgency.getOrDefault(msg.agency(), 0L)));
        return this;
    }

    private Behavior<Command> onMarkFinished(MarkFinished msg) {
        flushPending(); // an agency's mark is never durable before its bets are
        if (closed) {
            msg.replyTo().tell(new MarkFailed(msg.agency(), "store is closed"));
            return this;
        }
        try {
            marks.appendDurably(FinishMarks.line(msg.agency(), storedByAgency.getOrDefault(msg.agency(), 0L)));
        } catch (IOException e) {
            msg.replyTo().tell(new MarkFailed(msg.agency(), String.valueOf(e.getMessage())));
            return this;
        }
        msg.replyTo().tell(new Marked(msg.agency()));
        return this;
    }

    private Behavior<Command> onDraw(Draw msg) {
        flushPending(); // the draw reads every batch acknowledged before it, and no later one
        sealed = true;
        try {
            msg.replyTo().tell(draw(bets.path()));
        } catch (IOException e) {
            msg.replyTo().tell(new DrawFailed(String.valueOf(e.getMessage())));
        }
        return this;
    }

    /**
     * The draw over {@code file}: every agency's winners, in file order. One streaming pass with
     * no object per row (only a winner's document becomes a String), so memory stays flat
     * however many bets the file holds.
     */
    public static Drawn draw(Path file) throws IOException {
        Map<Integer, List<String>> winners = new HashMap<>();
        long read = BetsCsvScanner.scan(file, (agency, buf, docOff, docLen, number) -> {
            if (BetsCsv.hasWon(number)) {
                winners.computeIfAbsent(agency, a -> new ArrayList<>())
                        .add(new String(buf, docOff, docLen, StandardCharsets.UTF_8));
            }
        });
        return new Drawn(winners, read);
    }

    private Behavior<Command> onClose(Close msg) {
        flushPending();
        closeFiles();
        msg.replyTo().tell(Done.getInstance());
        return this;
    }

    private Behavior<Command> onPostStop() {
        flushPending();
        closeFiles();
        return this;
    }

    private void closeFiles() {
        if (closed) {
            return;
        }
        closed = true;
        bets.close();
        marks.close();
    }

    /**
     * One append-only file: whole-or-nothing appends, fsyncs that cut back what they could not
     * make durable, and the memory of a failure that left it with a partial write (after which
     * nothing more may be appended to it).
     */
    private static final class Appender {
        private final BetsFile file;
        private final String resource;
        private final Logger log;
        /** Set when a failed append could not be cut back out: the file's end is no longer trusted. */
        private String broken;
        /** Something was appended since the last fsync. */
        private boolean dirty;
        /** The length the last fsync made durable; meaningful while {@link #dirty}. */
        private long durableSize;
        /**
         * The file's length as this appender left it, or -1 when unknown (at first): kept, so
         * an append needs no call to the OS to learn where it starts.
         */
        private long size = -1;

        Appender(BetsFile file, String resource, Logger log) {
            this.file = file;
            this.resource = resource;
            this.log = log;
        }

        Path path() {
            return file.path();
        }

        /** Write, then fsync; on any failure cut the file back so no partial write remains. */
        void appendDurably(byte[] bytes) throws IOException {
            append(bytes, bytes.length);
            sync();
        }

        /**
         * Writes {@code bytes[0, length)}, not yet durable (see {@link #sync}). On failure cuts
         * the file back to before this append, so earlier unsynced appends stay intact.
         */
        void append(byte[] bytes, int length) throws IOException {
            if (broken != null) {
                throw new IOException(broken);
            }
            long before = size >= 0 ? size : file.size();
            if (!dirty) {
                durableSize = before;
            }
            try {
                size = -1; // unknown until the append is whole or cut back
                file.append(bytes, 0, length);
                size = before + length;
                dirty = true;
            } catch (IOException e) {
                cutBack(before, e);
                throw e;
            }
        }

        /** Makes every append so far durable; on failure cuts them all back out. */
        void sync() throws IOException {
            if (!dirty) {
                return;
            }
            try {
                file.sync();
                dirty = false;
            } catch (IOException e) {
                // The kernel may have dropped the unsynced pages: trust nothing after the last good fsync.
                cutBack(durableSize, e);
                dirty = false;
                throw e;
            }
        }

        private void cutBack(long size, IOException cause) {
            try {
                file.truncate(size);
                this.size = size;
                file.sync();
            } catch (IOException undo) {
                this.size = -1;
                cause.addSuppressed(undo);
                // Appending after a partial row would corrupt every later row: refuse all from now on.
                broken = resource + " left with a partial write: " + undo.getMessage();
                log.error(LogLine.fail(resource, "path", file.path(), "error", broken));
            }
        }

        void close() {
            try {
                file.close();
                log.info(LogLine.success("shutdown", "resource", resource, "path", file.path()));
            } catch (IOException e) {
                log.error(LogLine.fail("shutdown", "resource", resource, "error", e.getMessage()));
            }
        }
    }
}
