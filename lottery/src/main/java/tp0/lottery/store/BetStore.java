package tp0.lottery.store;

import java.io.IOException;
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
 * The only owner of {@code bets.csv}: every write goes through this actor, one message at a
 * time, so no locks are needed. It blocks on disk, so it must run on its own dispatcher
 * (see {@code lottery.store-dispatcher}) and never on the default one.
 *
 * Promises: a batch is acknowledged only after its rows are written and fsynced; a batch
 * is stored whole or not at all; once the draw starts no bet is accepted.
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

    /** Seals the store and reads every bet back to find the winners. */
    public record Draw(ActorRef<DrawOutcome> replyTo) implements Command {}

    public sealed interface DrawOutcome {}

    /** Winners' documents per agency (agencies without winners are absent). */
    public record Drawn(Map<Integer, List<String>> winnersByAgency, long betsRead) implements DrawOutcome {}

    public record DrawFailed(String reason) implements DrawOutcome {}

    /** Flush and close the file (shutdown); later batches are refused. */
    public record Close(ActorRef<Done> replyTo) implements Command {}

    public static Behavior<Command> create(BetsFile file, Map<Integer, Long> storedByAgency) {
        return Behaviors.setup(ctx -> new BetStore(ctx, file, storedByAgency));
    }

    /** Per-agency counts of what is already in the file: where a restarted server resumes. */
    public static Map<Integer, Long> countByAgency(BetsFile file) throws IOException {
        Map<Integer, Long> counts = new HashMap<>();
        BetsCsv.load(file.path(), stored -> counts.merge(stored.agency(), 1L, Long::sum));
        return counts;
    }

    private final BetsFile file;
    private final Map<Integer, Long> storedByAgency;
    private final Logger log;
    private boolean sealed;
    private boolean closed;
    /** Set when a failed batch could not be cut back out: the file's end is no longer trusted. */
    private String broken;

    private BetStore(ActorContext<Command> context, BetsFile file, Map<Integer, Long> storedByAgency) {
        super(context);
        this.file = file;
        this.storedByAgency = new HashMap<>(storedByAgency);
        this.log = context.getLog();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StoreBatch.class, this::onStoreBatch)
                .onMessage(GetStoredCount.class, this::onGetStoredCount)
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
        if (broken != null) {
            msg.replyTo().tell(new Refused(ErrorCode.STORAGE_FAILURE, broken));
            return this;
        }
        try {
            appendWholeOrNothing(BetsCsv.rows(msg.agency(), msg.bets()));
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

    /** Write, then fsync; on any failure cut the file back so no partial batch remains. */
    private void appendWholeOrNothing(byte[] rows) throws IOException {
        long before = file.size();
        try {
            file.append(rows);
            file.sync();
        } catch (IOException e) {
            try {
                file.truncate(before);
                file.sync();
            } catch (IOException undo) {
                e.addSuppressed(undo);
                // Appending after a partial row would corrupt every later row: refuse all from now on.
                broken = "bets file left with a partial batch: " + undo.getMessage();
                log.error(LogLine.fail("bets_file", "path", file.path(), "error", broken));
            }
            throw e;
        }
    }

    private Behavior<Command> onGetStoredCount(GetStoredCount msg) {
        msg.replyTo().tell(new StoredCount(msg.agency(), storedByAgency.getOrDefault(msg.agency(), 0L)));
        return this;
    }

    private Behavior<Command> onDraw(Draw msg) {
        sealed = true;
        Map<Integer, List<String>> winners = new HashMap<>();
        try {
            long read = BetsCsv.load(file.path(), stored -> {
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
        closeFile();
        msg.replyTo().tell(Done.getInstance());
        return this;
    }

    private Behavior<Command> onPostStop() {
        closeFile();
        return this;
    }

    private void closeFile() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            file.close();
            log.info(LogLine.success("shutdown", "resource", "bets_file", "path", file.path()));
        } catch (IOException e) {
            log.error(LogLine.fail("shutdown", "resource", "bets_file", "error", e.getMessage()));
        }
    }
}
