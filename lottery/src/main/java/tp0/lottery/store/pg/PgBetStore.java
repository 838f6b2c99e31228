package tp0.lottery.store.pg;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import tp0.logline.LogLine;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.BetStore.Refused;
import tp0.lottery.store.BetsCsv;
import tp0.protocol.ErrorCode;

/**
 * The PostgreSQL store: the same {@link BetStore.Command} protocol and promises as the file
 * store, with the bets in a database that several servers may share. Blocks on JDBC, so it
 * runs on the store's own dispatcher, like the file store.
 *
 * A batch is acknowledged only after the transaction holding its rows has committed. Group
 * commit: a batch is encoded as it arrives, and every batch that arrived meanwhile (typically
 * while the previous commit ran) shares one transaction — one guarded count per agency, one
 * {@code COPY} of all the rows, one commit — then each is answered in arrival order.
 *
 * Exactly once, whoever delivers a batch: the agency's stored count advances in the same
 * transaction with {@code UPDATE ... WHERE agency = ? AND stored = ?}, the count this server
 * last saw. If another writer moved it (a duplicate delivery, another server acting for the
 * agency), nothing of that agency is written; its batches are refused with the retryable
 * STORAGE_FAILURE, and the agency, reconnecting, resumes from the count Welcome reads from the
 * database. After any refusal of an agency's batch, its later batches are refused too until
 * its next Welcome re-reads the count, so no batch is ever stored behind a gap.
 */
public final class PgBetStore extends AbstractBehavior<BetStore.Command> {

    /** Sent to itself behind the batches of a group: commit them in one transaction. */
    private enum CommitPending implements BetStore.Command {
        INSTANCE
    }

    /** A batch of the group: encoded into {@link #rows}, or already refused. */
    private record Pending(BetStore.StoreBatch batch, Refused refused) {}

    private static final String COPY_SQL = "COPY bets (" + CopyRows.COLUMNS + ") FROM STDIN WITH (FORMAT binary)";

    private final PgDatabase db;
    private final Logger log;
    /** Committed bets per agency, as this server last read or wrote them: the guard's expected value. */
    private final Map<Integer, Long> storedByAgency;
    /** Bets of the pending group per agency (not refused): where the next batch's ordinals start. */
    private final Map<Integer, Long> pendingByAgency = new HashMap<>();
    /** Agencies whose batch was refused: theirs are refused until a Welcome re-reads the count. */
    private final Set<Integer> resync = new HashSet<>();
    private final List<Pending> pending = new ArrayList<>();
    private final CopyRows rows = new CopyRows();
    /** How long the draw keeps retrying a database that went away. */
    private final Duration drawRetry;
    private Connection connection;
    private boolean commitScheduled;
    private boolean sealed;
    private boolean closed;

    public static Behavior<BetStore.Command> create(PgDatabase db, Map<Integer, Long> storedByAgency,
                                                    Duration drawRetry) {
        return create(db, storedByAgency, drawRetry, LotteryMetrics.NONE);
    }

    /** @param metrics told of every batch stored or refused and of every group commit */
    public static Behavior<BetStore.Command> create(PgDatabase db, Map<Integer, Long> storedByAgency,
                                                    Duration drawRetry, LotteryMetrics metrics) {
        return Behaviors.setup(ctx -> new PgBetStore(ctx, db, storedByAgency, drawRetry, metrics));
    }

    private final LotteryMetrics metrics;

    private PgBetStore(ActorContext<BetStore.Command> context, PgDatabase db, Map<Integer, Long> storedByAgency,
                       Duration drawRetry, LotteryMetrics metrics) {
        super(context);
        this.db = db;
        this.metrics = metrics;
        metrics.storedAtStart(storedByAgency);
        this.log = context.getLog();
        this.storedByAgency = new HashMap<>(storedByAgency);
        this.drawRetry = drawRetry;
    }

    @Override
    public Receive<BetStore.Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(BetStore.StoreBatch.class, this::onStoreBatch)
                .onMessage(BetStore.GetStoredCount.class, this::onGetStoredCount)
                .onMessage(BetStore.MarkFinished.class, this::onMarkFinished)
                .onMessage(BetStore.Draw.class, this::onDraw)
                .onMessage(BetStore.Close.class, this::onClose)
                .onMessageEquals(CommitPending.INSTANCE, this::onCommitPending)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<BetStore.Command> onStoreBatch(BetStore.StoreBatch msg) {
        // Closing and the draw commit the group first, so answering these at once keeps the order.
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
        int agency = msg.agency();
        Refused refused = null;
        if (resync.contains(agency)) {
            refused = new Refused(ErrorCode.STORAGE_FAILURE,
                    "an earlier batch of agency " + agency + " was not stored; reconnect to resume");
        } else {
            // A batch is always a decoded one: every rule was checked on its bytes.
            long before = pendingByAgency.getOrDefault(agency, 0L);
            rows.append(agency, storedByAgency.getOrDefault(agency, 0L) + before + 1, msg.batch());
            pendingByAgency.put(agency, before + msg.batch().count());
        }
        pending.add(new Pending(msg, refused));
        if (!commitScheduled) {
            commitScheduled = true; // behind every batch already queued: they all join this group
            getContext().getSelf().tell(CommitPending.INSTANCE);
        }
        return this;
    }

    private Behavior<BetStore.Command> onCommitPending() {
        commitScheduled = false;
        commitPending(); // may find nothing: a count, mark, draw or close committed the group first
        return this;
    }

    /** Commits the pending group in one transaction, then answers each batch in arrival order. */
    private void commitPending() {
        if (pending.isEmpty()) {
            return;
        }
        Map<Integer, Refused> refusedAgencies = new HashMap<>();
        if (!pendingByAgency.isEmpty()) {
            long start = System.nanoTime();
            try {
                writeGroup(refusedAgencies);
                metrics.storeCommitted(pending.size(), System.nanoTime() - start);
            } catch (SQLException e) {
                metrics.storeCommitFailed("database: " + oneLine(e));
                log.error(LogLine.fail("apuesta_almacenada", "db", db.address(), "apuestas",
                        rows.length() > 0 ? pendingByAgency.values().stream().mapToLong(Long::longValue).sum() : 0,
                        "error", oneLine(e)));
                dropConnection();
                Refused refused = new Refused(ErrorCode.STORAGE_FAILURE, "database: " + oneLine(e));
                for (Integer agency : pendingByAgency.keySet()) {
                    refusedAgencies.put(agency, refused);
                }
            }
        }
        for (Pending p : pending) {
            BetStore.StoreBatch batch = p.batch();
            Refused refused = p.refused() != null ? p.refused() : refusedAgencies.get(batch.agency());
            if (refused != null) {
                if (refused.code() == ErrorCode.STORAGE_FAILURE) {
                    resync.add(batch.agency());
                }
                metrics.batchRefused(refused.code());
                batch.replyTo().tell(refused);
            } else {
                int count = batch.batch().count();
                long total = storedByAgency.merge(batch.agency(), (long) count, Long::sum);
                metrics.batchStored(batch.agency(), count, total);
                if (log.isDebugEnabled()) { // as the file store: one line per stored bet at DEBUG
                    batch.batch().forEach((buf, firstOff, firstLen, lastOff, lastLen, docOff, docLen, year, month, day,
                                           number) -> log.debug(LogLine.success("apuesta_almacenada",
                            "dni", new String(buf, docOff, docLen, StandardCharsets.UTF_8), "numero", number)));
                }
                batch.replyTo().tell(new BetStore.Stored(count, total));
            }
        }
        pending.clear();
        pendingByAgency.clear();
        rows.clear();
    }

    /**
     * One transaction: the guarded count of every agency of the group (in agency order, so two
     * servers' transactions never deadlock), then one COPY of all the rows, then commit. An
     * agency whose guard fails is taken out of the group (its rows re-encoded without it) and
     * the rest retried; it lands in {@code refusedAgencies}.
     */
    private void writeGroup(Map<Integer, Refused> refusedAgencies) throws SQLException {
        Connection c = connection();
        try {
            while (true) {
                List<Integer> moved = guard(c, new TreeMap<>(pendingByAgency));
                if (moved.isEmpty()) {
                    break;
                }
                c.rollback();
                if (drawHeld(c)) { // another server held the draw: this store is sealed too
                    sealed = true;
                    log.warn(LogLine.fail("apuesta_almacenada", "db", db.address(), "error",
                            "the draw has been held (by another server); batches refused"));
                    Refused closed = new Refused(ErrorCode.BETS_CLOSED, "the draw has been held");
                    for (Integer agency : pendingByAgency.keySet()) {
                        refusedAgencies.put(agency, closed);
                    }
                    pendingByAgency.clear();
                    return;
                }
                for (Integer agency : moved) {
                    log.warn(LogLine.fail("apuesta_almacenada", "agencia", agency, "error",
                            "stored count moved: another writer stored bets of this agency; batches refused"));
                    refusedAgencies.put(agency, new Refused(ErrorCode.STORAGE_FAILURE,
                            "agency " + agency + "'s stored count moved (another writer); reconnect to resume"));
                    pendingByAgency.remove(agency);
                    storedByAgency.remove(agency); // unknown until the next Welcome reads it
                }
                reencode(refusedAgencies.keySet());
                if (pendingByAgency.isEmpty()) {
                    return;
                }
            }
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
            try {
                copy.writeToCopy(CopyRows.HEADER, 0, CopyRows.HEADER.length);
                copy.writeToCopy(rows.array(), 0, rows.length());
                copy.writeToCopy(CopyRows.TRAILER, 0, CopyRows.TRAILER.length);
                copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e instanceof SQLException s ? s : new SQLException(e);
        }
    }

    /**
     * Nothing is stored once the draw is held, by whichever server held it: in a cluster only the
     * coordinator's node saw it, and another node's store learns of it here (the draw locks the
     * count rows' table while it reads, so no write straddles it).
     */
    private static final String NOT_DRAWN = "NOT EXISTS (SELECT 1 FROM draws)";
    private static final String FIRST_BETS = "INSERT INTO agency_counts AS c (agency, stored) SELECT ?, ? WHERE "
            + NOT_DRAWN + " ON CONFLICT (agency) DO UPDATE SET stored = c.stored + EXCLUDED.stored WHERE c.stored = 0";
    private static final String MORE_BETS = "UPDATE agency_counts SET stored = stored + ? WHERE agency = ? AND stored = ?"
            + " AND " + NOT_DRAWN;

    /**
     * Advances each agency's count from the expected one by its bets in the group, in agency
     * order, as one JDBC batch (one round trip); returns the agencies whose count someone else
     * moved (0 rows updated). An agency's first bets: its row may not exist yet, and a racing
     * first writer blocks on the key until the other commits, then finds stored <> 0.
     */
    private List<Integer> guard(Connection c, TreeMap<Integer, Long> added) throws SQLException {
        List<Integer> first = new ArrayList<>();
        List<Integer> more = new ArrayList<>();
        added.keySet().forEach(agency -> (storedByAgency.getOrDefault(agency, 0L) == 0 ? first : more).add(agency));
        List<Integer> moved = new ArrayList<>();
        if (!first.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(FIRST_BETS)) {
                for (int agency : first) {
                    s.setInt(1, agency);
                    s.setLong(2, added.get(agency));
                    s.addBatch();
                }
                collectMoved(s.executeBatch(), first, moved);
            }
        }
        if (!more.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(MORE_BETS)) {
                for (int agency : more) {
                    s.setLong(1, added.get(agency));
                    s.setInt(2, agency);
                    s.setLong(3, storedByAgency.get(agency));
                    s.addBatch();
                }
                collectMoved(s.executeBatch(), more, moved);
            }
        }
        return moved;
    }

    private static boolean drawHeld(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM draws")) {
            boolean held = rs.next();
            c.commit();
            return held;
        }
    }

    private static void collectMoved(int[] updated, List<Integer> agencies, List<Integer> moved) {
        for (int i = 0; i < agencies.size(); i++) {
            if (updated[i] != 1) {
                moved.add(agencies.get(i));
            }
        }
    }

    /** Rebuilds the group's rows without the agencies in {@code out} (their ordinals would not change). */
    private void reencode(Set<Integer> out) {
        rows.clear();
        Map<Integer, Long> next = new HashMap<>();
        for (Pending p : pending) {
            int agency = p.batch().agency();
            if (p.refused() == null && !out.contains(agency)) {
                long before = next.getOrDefault(agency, 0L);
                rows.append(agency, storedByAgency.getOrDefault(agency, 0L) + before + 1, p.batch().batch());
                next.put(agency, before + p.batch().batch().count());
            }
        }
    }

    /**
     * The count is a Welcome's resume offset: the pending group is committed (or refused) first,
     * then the count is read from the database — another server may have stored for the agency
     * — and becomes this server's expected value for the agency's next batch.
     */
    private Behavior<BetStore.Command> onGetStoredCount(BetStore.GetStoredCount msg) {
        commitPending();
        long count;
        try {
            Connection c = connection();
            try (PreparedStatement s = c.prepareStatement("SELECT stored FROM agency_counts WHERE agency = ?")) {
                s.setInt(1, msg.agency());
                try (ResultSet rs = s.executeQuery()) {
                    count = rs.next() ? rs.getLong(1) : 0;
                }
            }
            c.commit();
        } catch (SQLException e) {
            log.error(LogLine.fail("apuestas_guardadas", "agencia", msg.agency(), "db", db.address(),
                    "error", oneLine(e)));
            dropConnection();
            count = -1; // the session refuses the agency with STORAGE_FAILURE: it retries
        }
        if (count >= 0) {
            storedByAgency.put(msg.agency(), count);
            resync.remove(msg.agency());
        }
        msg.replyTo().tell(new BetStore.StoredCount(msg.agency(), count));
        return this;
    }

    private Behavior<BetStore.Command> onMarkFinished(BetStore.MarkFinished msg) {
        commitPending(); // an agency's mark is never durable before its bets are
        if (closed) {
            msg.replyTo().tell(new BetStore.MarkFailed(msg.agency(), "store is closed"));
            return this;
        }
        try {
            Connection c = connection();
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO finished_agencies (agency) VALUES (?) ON CONFLICT (agency) DO NOTHING")) {
                s.setInt(1, msg.agency());
                s.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            log.error(LogLine.fail("agencia_finalizada", "agencia", msg.agency(), "db", db.address(),
                    "error", oneLine(e)));
            dropConnection();
            msg.replyTo().tell(new BetStore.MarkFailed(msg.agency(), "database: " + oneLine(e)));
            return this;
        }
        msg.replyTo().tell(new BetStore.Marked(msg.agency()));
        return this;
    }

    /**
     * The draw: every winner, per agency in its file order, by one query on the partial
     * winners index. Every agency has finished, so nothing waits on the store meanwhile: a
     * database that went away is retried for {@code drawRetry} rather than losing the draw.
     */
    private Behavior<BetStore.Command> onDraw(BetStore.Draw msg) {
        commitPending(); // the draw reads every batch acknowledged before it, and no later one
        sealed = true;
        long deadline = System.nanoTime() + drawRetry.toNanos();
        while (true) {
            try {
                msg.replyTo().tell(draw(connection()));
                return this;
            } catch (SQLException e) {
                dropConnection();
                if (System.nanoTime() > deadline) {
                    msg.replyTo().tell(new BetStore.DrawFailed("database: " + oneLine(e)));
                    return this;
                }
                log.warn(LogLine.inProgress("sorteo", "db", db.address(), "error", oneLine(e)));
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    msg.replyTo().tell(new BetStore.DrawFailed("interrupted"));
                    return this;
                }
            }
        }
    }

    /** Winners per agency in ordinal order, and how many bets are stored in all. */
    static BetStore.Drawn draw(Connection c) throws SQLException {
        Map<Integer, List<String>> winners = new HashMap<>();
        long read;
        try (Statement s = c.createStatement()) {
            // Waits for every writer's open transaction (another node's store) and keeps new ones
            // out until the draw is recorded; they then find it and refuse (NOT_DRAWN).
            s.execute("LOCK TABLE agency_counts IN SHARE MODE");
            try (ResultSet rs = s.executeQuery("SELECT agency, document FROM bets WHERE number = "
                    + BetsCsv.WINNING_NUMBER + " ORDER BY agency, ordinal")) {
                while (rs.next()) {
                    winners.computeIfAbsent(rs.getInt(1), a -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(stored), 0) FROM agency_counts")) {
                rs.next();
                read = rs.getLong(1);
            }
        }
        boolean first;
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO draws (id, bets) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setLong(1, read);
            first = s.executeUpdate() == 1;
        }
        c.commit();
        return new BetStore.Drawn(winners, read, first);
    }

    private Behavior<BetStore.Command> onClose(BetStore.Close msg) {
        commitPending();
        closeConnection();
        msg.replyTo().tell(Done.getInstance());
        return this;
    }

    private Behavior<BetStore.Command> onPostStop() {
        commitPending();
        closeConnection();
        return this;
    }

    /** The store's one connection, opened again after a failure dropped it. */
    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = db.connect();
            log.info(LogLine.success("db_connect", "db", db.address()));
        }
        return connection;
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken: nothing more to release
            }
            connection = null;
        }
    }

    private void closeConnection() {
        if (closed) {
            return;
        }
        closed = true;
        dropConnection();
        log.info(LogLine.success("shutdown", "resource", "bets_db", "db", db.address()));
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is dropped next anyway
        }
    }

    /** A log value: no line breaks or '|' (PostgreSQL's messages may hold both). */
    static String oneLine(Throwable e) {
        return String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' ').replace('|', '/');
    }
}
