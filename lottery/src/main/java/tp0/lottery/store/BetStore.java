package tp0.lottery.store;

import java.io.IOException;
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
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;

/**
 * The only owner of {@code bets.csv} and {@code all-bets-sent.txt}: every write goes through
 * this actor, one message at a time, so no locks are needed. It blocks on disk, so it must
 * run on its own dispatcher (see {@code lottery.store-dispatcher}) and never on the default one.
 *
 * Promises: a batch is acknowledged only after its rows are written and fsynced; a batch
 * is stored whole or not at all; once the draw starts no bet is accepted; an "all bets sent"
 * mark is answered only once it is fsynced. Messages are handled in arrival order, so a
 * {@link GetStoredCount} counts every batch that reached the store before it.
 */
public final class BetStore extends AbstractBehavior<BetStore.Command> {

    public interface Command {}

    /** Store all of {@code bets} for {@code agency}; answered with {@link StoreReply}. */
    public record StoreBatch(int agency, List<Bet> bets, ActorRef<StoreReply> replyTo) implements Command {}

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
    public record Drawn(Map<Integer, List<String>> winnersByAgency, long betsRead) implements DrawOutcome {}

    public record DrawFailed(String reason) implements DrawOutcome {}

    /** Flush and close the files (shutdown); later batches and marks are refused. */
    public record Close(ActorRef<Done> replyTo) implements Command {}

    /**
     * @param file           bets.csv, open for appending
     * @param finishMarks    all-bets-sent.txt, open for appending
     * @param storedByAgency what {@code file} already holds per agency ({@link #countByAgency})
     */
    public static Behavior<Command> create(BetsFile file, BetsFile finishMarks, Map<Integer, Long> storedByAgency) {
        return Behaviors.setup(ctx -> new BetStore(ctx, file, finishMarks, storedByAgency));
    }

    /** Per-agency counts of what is already in the file: where a restarted server resumes. */
    public static Map<Integer, Long> countByAgency(BetsFile file) throws IOException {
        Map<Integer, Long> counts = new HashMap<>();
        BetsCsv.load(file.path(), stored -> counts.merge(stored.agency(), 1L, Long::sum));
        return counts;
    }

    private final Appender bets;
    private final Appender marks;
    private final Map<Integer, Long> storedByAgency;
    private final Logger log;
    private boolean sealed;
    private boolean closed;

    private BetStore(ActorContext<Command> context, BetsFile file, BetsFile finishMarks,
                     Map<Integer, Long> storedByAgency) {
        super(context);
        this.log = context.getLog();
        this.bets = new Appender(file, "bets_file", log);
        this.marks = new Appender(finishMarks, "all_bets_sent_file", log);
        this.storedByAgency = new HashMap<>(storedByAgency);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StoreBatch.class, this::onStoreBatch)
                .onMessage(GetStoredCount.class, this::onGetStoredCount)
                .onMessage(MarkFinished.class, this::onMarkFinished)
                .onMessage(Draw.class, this::onDraw)
                .onMessage(Close.class, this::onClose)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onStoreBatch(StoreBatch msg) {
        if (closed) {
            msg.replyTo().tell(new Refused(ErrorCode.SHUTTING_DOWN, "store is closed"));
            return this;
        }
        if (sealed) {
            msg.replyTo().tell(new Refused(ErrorCode.BETS_CLOSED, "the draw has been held"));
            return this;
        }
        try {
            bets.appendWholeOrNothing(BetsCsv.rows(msg.agency(), msg.bets()));
        } catch (IOException e) {
            msg.replyTo().tell(new Refused(ErrorCode.STORAGE_FAILURE, String.valueOf(e.getMessage())));
            return this;
        }
        long total = storedByAgency.merge(msg.agency(), (long) msg.bets().size(), Long::sum);
        if (log.isDebugEnabled()) {
            for (Bet bet : msg.bets()) {
                log.debug(LogLine.success("apuesta_almacenada", "dni", bet.document(), "numero", bet.number()));
            }
        }
        msg.replyTo().tell(new Stored(msg.bets().size(), total));
        return this;
    }

    private Behavior<Command> onGetStoredCount(GetStoredCount msg) {
        msg.replyTo().tell(new StoredCount(msg.agency(), storedByAgency.getOrDefault(msg.agency(), 0L)));
        return this;
    }

    private Behavior<Command> onMarkFinished(MarkFinished msg) {
        if (closed) {
            msg.replyTo().tell(new MarkFailed(msg.agency(), "store is closed"));
            return this;
        }
        try {
            marks.appendWholeOrNothing(FinishMarks.line(msg.agency()));
        } catch (IOException e) {
            msg.replyTo().tell(new MarkFailed(msg.agency(), String.valueOf(e.getMessage())));
            return this;
        }
        msg.replyTo().tell(new Marked(msg.agency()));
        return this;
    }

    private Behavior<Command> onDraw(Draw msg) {
        sealed = true;
        Map<Integer, List<String>> winners = new HashMap<>();
        try {
            long read = BetsCsv.load(bets.path(), stored -> {
                if (BetsCsv.hasWon(stored.bet())) {
                    winners.computeIfAbsent(stored.agency(), a -> new ArrayList<>()).add(stored.bet().document());
                }
            });
            msg.replyTo().tell(new Drawn(winners, read));
        } catch (IOException e) {
            msg.replyTo().tell(new DrawFailed(String.valueOf(e.getMessage())));
        }
        return this;
    }

    private Behavior<Command> onClose(Close msg) {
        closeFiles();
        msg.replyTo().tell(Done.getInstance());
        return this;
    }

    private Behavior<Command> onPostStop() {
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
     * One append-only file: whole-or-nothing appends, and the memory of a failure that left it
     * with a partial write (after which nothing more may be appended to it).
     */
    private static final class Appender {
        private final BetsFile file;
        private final String resource;
        private final Logger log;
        /** Set when a failed append could not be cut back out: the file's end is no longer trusted. */
        private String broken;

        Appender(BetsFile file, String resource, Logger log) {
            this.file = file;
            this.resource = resource;
            this.log = log;
        }

        Path path() {
            return file.path();
        }

        /** Write, then fsync; on any failure cut the file back so no partial write remains. */
        void appendWholeOrNothing(byte[] bytes) throws IOException {
            if (broken != null) {
                throw new IOException(broken);
            }
            long before = file.size();
            try {
                file.append(bytes);
                file.sync();
            } catch (IOException e) {
                try {
                    file.truncate(before);
                    file.sync();
                } catch (IOException undo) {
                    e.addSuppressed(undo);
                    // Appending after a partial row would corrupt every later row: refuse all from now on.
                    broken = resource + " left with a partial write: " + undo.getMessage();
                    log.error(LogLine.fail(resource, "path", file.path(), "error", broken));
                }
                throw e;
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
