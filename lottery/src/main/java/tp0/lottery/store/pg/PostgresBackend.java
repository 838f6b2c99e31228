package tp0.lottery.store.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.BetStore.Refused;
import tp0.lottery.store.BetsCsv;
import tp0.lottery.store.StoreBackend;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/**
 * The bets in a PostgreSQL database that several servers may share, over one connection. A
 * group is encoded as its batches arrive; its commit is one transaction — one guarded count
 * per agency, one {@code COPY} of all the rows, one commit.
 *
 * Exactly once, whoever delivers a batch: the agency's stored count advances in the same
 * transaction with {@code UPDATE ... WHERE agency = ? AND stored = ?}, the count this server
 * last saw. If another writer moved it (a duplicate delivery, another server acting for the
 * agency), nothing of that agency is written; its batches are refused with the retryable
 * STORAGE_FAILURE, and the agency, reconnecting, resumes from the count Welcome reads from the
 * database.
 */
public final class PostgresBackend implements StoreBackend {
    private static final Logger log = LoggerFactory.getLogger(PostgresBackend.class);

    private static final String COPY_SQL = "COPY bets (" + CopyRows.COLUMNS + ") FROM STDIN WITH (FORMAT binary)";

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

    /** A batch of the group, with the agency's bets before it (its rows' ordinals follow). */
    private record Appended(int agency, long storedBefore, Message.BetBatch batch) {}

    private final PgDatabase db;
    /** How long the draw keeps retrying a database that went away. */
    private final Duration drawRetry;
    private final List<Appended> group = new ArrayList<>();
    /** Per agency of the group: its count when the group began (the guard's expected value). */
    private final Map<Integer, Long> expected = new HashMap<>();
    /** Per agency of the group: its bets in the group. */
    private final Map<Integer, Long> added = new HashMap<>();
    private final CopyRows rows = new CopyRows();
    private Connection connection;
    private boolean closed;

    public PostgresBackend(PgDatabase db, Duration drawRetry) {
        this.db = db;
        this.drawRetry = drawRetry;
    }

    /** Encodes the batch's rows (a decoded batch: every rule was checked on its bytes). */
    @Override
    public void append(int agency, long storedBefore, Message.BetBatch batch) {
        group.add(new Appended(agency, storedBefore, batch));
        expected.putIfAbsent(agency, storedBefore);
        added.merge(agency, (long) batch.count(), Long::sum);
        rows.append(agency, storedBefore + 1, batch);
    }

    @Override
    public Map<Integer, Refused> commit() throws StoreFailure {
        Map<Integer, Refused> leftOut = new HashMap<>();
        try {
            writeGroup(leftOut);
            return leftOut;
        } catch (SQLException e) {
            log.error(LogLine.fail("apuesta_almacenada", "db", db.address(), "apuestas",
                    rows.length() > 0 ? added.values().stream().mapToLong(Long::longValue).sum() : 0,
                    "error", oneLine(e)));
            dropConnection();
            throw new StoreFailure("database: " + oneLine(e), oneLine(e), e);
        } finally {
            group.clear();
            expected.clear();
            added.clear();
            rows.clear();
        }
    }

    /**
     * One transaction: the guarded count of every agency of the group (in agency order, so two
     * servers' transactions never deadlock), then one COPY of all the rows, then commit. An
     * agency whose guard fails is taken out of the group (its rows re-encoded without it) and
     * the rest retried; it lands in {@code leftOut}.
     */
    private void writeGroup(Map<Integer, Refused> leftOut) throws SQLException {
        Connection c = connection();
        try {
            while (true) {
                List<Integer> moved = guard(c, new TreeMap<>(added));
                if (moved.isEmpty()) {
                    break;
                }
                c.rollback();
                if (drawHeld(c)) { // another server held the draw: this store is sealed too
                    log.warn(LogLine.fail("apuesta_almacenada", "db", db.address(), "error",
                            "the draw has been held (by another server); batches refused"));
                    Refused closed = new Refused(ErrorCode.BETS_CLOSED, "the draw has been held");
                    for (Integer agency : added.keySet()) {
                        leftOut.put(agency, closed);
                    }
                    added.clear();
                    return;
                }
                for (Integer agency : moved) {
                    log.warn(LogLine.fail("apuesta_almacenada", "agencia", agency, "error",
                            "stored count moved: another writer stored bets of this agency; batches refused"));
                    leftOut.put(agency, new Refused(ErrorCode.STORAGE_FAILURE,
                            "agency " + agency + "'s stored count moved (another writer); reconnect to resume"));
                    added.remove(agency);
                }
                reencode();
                if (added.isEmpty()) {
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
     * Advances each agency's count from the expected one by its bets in the group, in agency
     * order, as one JDBC batch (one round trip); returns the agencies whose count someone else
     * moved (0 rows updated). An agency's first bets: its row may not exist yet, and a racing
     * first writer blocks on the key until the other commits, then finds stored <> 0.
     */
    private List<Integer> guard(Connection c, SortedMap<Integer, Long> byAgency) throws SQLException {
        List<Integer> first = new ArrayList<>();
        List<Integer> more = new ArrayList<>();
        byAgency.keySet().forEach(agency -> (expected.get(agency) == 0 ? first : more).add(agency));
        List<Integer> moved = new ArrayList<>();
        if (!first.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(FIRST_BETS)) {
                for (int agency : first) {
                    s.setInt(1, agency);
                    s.setLong(2, byAgency.get(agency));
                    s.addBatch();
                }
                collectMoved(s.executeBatch(), first, moved);
            }
        }
        if (!more.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(MORE_BETS)) {
                for (int agency : more) {
                    s.setLong(1, byAgency.get(agency));
                    s.setInt(2, agency);
                    s.setLong(3, expected.get(agency));
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

    /** Rebuilds the group's rows with only the agencies still in it (their ordinals do not change). */
    private void reencode() {
        rows.clear();
        for (Appended a : group) {
            if (added.containsKey(a.agency())) {
                rows.append(a.agency(), a.storedBefore() + 1, a.batch());
            }
        }
    }

    /** Read from the database: another server may have stored for the agency. */
    @Override
    public long storedCount(int agency, long known) throws StoreFailure {
        try {
            Connection c = connection();
            long count;
            try (PreparedStatement s = c.prepareStatement("SELECT stored FROM agency_counts WHERE agency = ?")) {
                s.setInt(1, agency);
                try (ResultSet rs = s.executeQuery()) {
                    count = rs.next() ? rs.getLong(1) : 0;
                }
            }
            c.commit();
            return count;
        } catch (SQLException e) {
            throw failed("apuestas_guardadas", agency, e);
        }
    }

    @Override
    public void markFinished(int agency, long stored) throws StoreFailure {
        try {
            Connection c = connection();
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO finished_agencies (agency) VALUES (?) ON CONFLICT (agency) DO NOTHING")) {
                s.setInt(1, agency);
                s.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw failed("agencia_finalizada", agency, e);
        }
    }

    /** Logs a request that failed and drops the connection (the next request opens another). */
    private StoreFailure failed(String action, int agency, SQLException e) {
        log.error(LogLine.fail(action, "agencia", agency, "db", db.address(), "error", oneLine(e)));
        dropConnection();
        return new StoreFailure("database: " + oneLine(e), oneLine(e), e);
    }

    /** Every winner, per agency in its file order, by one query on the partial winners index. */
    @Override
    public BetStore.Drawn draw() throws StoreFailure {
        try {
            return draw(connection());
        } catch (SQLException e) {
            dropConnection();
            throw new StoreFailure("database: " + oneLine(e), oneLine(e), e);
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

    /** Every agency has finished, so nothing waits meanwhile: a database that went away may come back. */
    @Override
    public Duration drawRetry() {
        return drawRetry;
    }

    @Override
    public Object[] location(String error) {
        return new Object[] {"db", db.address(), "error", error};
    }

    @Override
    public String afterGap(int agency) {
        return "an earlier batch of agency " + agency + " was not stored; reconnect to resume";
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

    @Override
    public void close() {
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
