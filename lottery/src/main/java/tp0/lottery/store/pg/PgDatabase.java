package tp0.lottery.store.pg;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;
import tp0.lottery.config.ServerKey;
import tp0.lottery.config.ServerSettings;
import tp0.lottery.config.StoreSettings;

/**
 * How the server reaches its PostgreSQL database: connections with the durability the store
 * promises, the wait for the database at start, the schema's migrations, and what the
 * database holds when the server starts.
 */
public final class PgDatabase {
    private static final Logger log = LoggerFactory.getLogger(PgDatabase.class);

    /** Why the server cannot use the database; {@link #key} names the setting to look at. */
    public static final class Unusable extends Exception {
        private final String key;

        Unusable(String key, String message, Throwable cause) {
            super(message, cause);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** See {@link #connect}: how long a stalled writer may keep its count rows locked. */
    static final String IDLE_IN_TRANSACTION_TIMEOUT = "5s";

    /** See {@link #connect}: how long a statement waits for a row lock another writer holds. */
    static final String LOCK_TIMEOUT = "5s";

    /** What a single server's connections are called in {@code pg_stat_activity}. */
    private static final String APPLICATION_NAME = "tp0-lottery";

    /** PostgreSQL keeps at most this many bytes of an application name (NAMEDATALEN - 1). */
    private static final int APPLICATION_NAME_MAX = 63;

    private final StoreSettings.Postgres settings;
    /** Set once, by a cluster node before it writes: which node (and which run of it) a connection belongs to. */
    private volatile String applicationName = APPLICATION_NAME;

    public PgDatabase(StoreSettings.Postgres settings) {
        this.settings = settings;
    }

    public String address() {
        return settings.address();
    }

    /**
     * A new connection, autocommit off. Connecting and every statement have deadlines, so a
     * database that stops answering makes the store refuse batches instead of hanging it.
     * {@code synchronous_commit} is forced on when the server has it off: an acknowledged bet
     * must survive a crash of PostgreSQL too.
     */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "60");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", applicationName);
        Connection c = DriverManager.getConnection(settings.url(), props);
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
                rs.next();
                String mode = rs.getString(1);
                if (mode.equals("off")) {
                    s.execute("SET synchronous_commit TO on");
                }
            }
            // A store never waits between the statements of its transaction; a server that does
            // (frozen, or cut off) would hold its agencies' count rows locked against every other
            // writer (a cluster's node that took its agencies over): PostgreSQL ends that
            // transaction, and its locks, after this long. Its commit then fails: nothing stored.
            s.execute("SET idle_in_transaction_session_timeout TO '" + IDLE_IN_TRANSACTION_TIMEOUT + "'");
            // That does not cover a server frozen in the middle of a COPY (its backend is busy
            // waiting for rows, not idle): a cluster ends such a node's backends when it is downed
            // (endBackendsOf). Should one still hold a lock, a writer waiting for it gives up after
            // this long, and its batches are refused (retryable) instead of hanging the store.
            s.execute("SET lock_timeout TO '" + LOCK_TIMEOUT + "'");
            c.setAutoCommit(false);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * The application name of the connections of one run of one cluster node: its cluster
     * address and the run's unique id, so that ending a downed node's backends never touches the
     * node started again at the same address. Cut to what PostgreSQL keeps.
     */
    public static String applicationNameOf(String hostPort, long uid) {
        String name = APPLICATION_NAME + " " + uid + " " + hostPort;
        return name.length() <= APPLICATION_NAME_MAX ? name : name.substring(0, APPLICATION_NAME_MAX);
    }

    /** From now on, this server's new connections are called {@code name} ({@link #applicationNameOf}). */
    public void nameConnections(String name) {
        this.applicationName = name;
    }

    /**
     * Ends every backend of the connections called {@code name} (a downed cluster node's): their
     * open transactions roll back and release their locks, and nothing that node still sends on
     * them is stored. Allowed for the backends of the same database user.
     *
     * @return how many backends were ended
     */
    public int endBackendsOf(String name) throws SQLException {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                     + " FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()")) {
            s.setString(1, name);
            int ended;
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                ended = rs.getInt(1);
            }
            c.commit();
            return ended;
        }
    }

    /** A connection error that waiting can cure (the database starting, restarting or unreachable). */
    static boolean transientFailure(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("53300");
    }

    /**
     * Waits for the database (retrying with backoff for {@code DB_CONNECT_TIMEOUT}, saying so),
     * then brings the schema up to date. Fails at once on a wrong user or password, a missing
     * database or a schema newer than this server knows.
     */
    public void awaitAndMigrate() throws Unusable {
        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        Duration backoff = Duration.ofMillis(250);
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connect()) {
                break;
            } catch (SQLException e) {
                String state = String.valueOf(e.getSQLState());
                if (state.startsWith("28")) { // invalid_authorization_specification, invalid_password
                    throw new Unusable(ServerKey.DB_USER.name(), "database refused user '" + settings.user()
                            + "' (wrong user or password): " + e.getMessage(), e);
                }
                if (!transientFailure(e)) {
                    throw new Unusable(ServerKey.DB_URL.name(), "cannot use database " + address() + ": "
                            + e.getMessage(), e);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new Unusable(ServerKey.DB_URL.name(), "database " + address() + " unreachable for "
                            + settings.connectTimeout().toSeconds() + " s (DB_CONNECT_TIMEOUT): " + e.getMessage(), e);
                }
                log.warn(LogLine.inProgress("db_connect", "db", address(), "attempt", attempt,
                        "retry_in_ms", backoff.toMillis(), "error", String.valueOf(e.getMessage())));
                sleep(Math.min(backoff.toMillis(), Math.max(1, left / 1_000_000)));
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                        ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
            }
        }
        migrate();
    }

    private void migrate() throws Unusable {
        Flyway flyway = Flyway.configure()
                .dataSource(settings.url(), settings.user(), settings.password())
                .locations("classpath:db/migration")
                .load();
        try {
            // A database migrated by a newer server holds tables this one may misuse: refuse it.
            for (MigrationInfo info : flyway.info().applied()) {
                if (info.getState().name().startsWith("FUTURE")) {
                    throw new Unusable(ServerKey.DB_URL.name(), "schema of " + address() + " is at version "
                            + info.getVersion() + ", newer than this server's migrations (latest "
                            + latestLocal(flyway) + "): run a newer server", null);
                }
            }
            MigrateResult result = flyway.migrate();
            log.info(LogLine.success("db_schema", "db", address(), "version",
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : latestLocal(flyway),
                    "migrations_applied", result.migrationsExecuted));
        } catch (org.flywaydb.core.api.FlywayException e) {
            throw new Unusable(ServerKey.DB_URL.name(), "schema migration of " + address() + " failed: "
                    + e.getMessage().replace('\n', ' '), e);
        }
    }

    /** The newest migration this server ships. */
    private static String latestLocal(Flyway flyway) {
        String latest = "none";
        for (MigrationInfo info : flyway.info().all()) {
            if (!info.getState().name().startsWith("FUTURE") && info.getVersion() != null) {
                latest = info.getVersion().toString();
            }
        }
        return latest;
    }

    /** What the database holds at start: the stored count of each agency and the finished ones. */
    public record Contents(Map<Integer, Long> storedByAgency, Set<Integer> finished) {}

    public Contents read(int numAgencies) throws SQLException {
        try (Connection c = connect()) {
            Map<Integer, Long> counts = new HashMap<>();
            Set<Integer> finished = new TreeSet<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT agency, stored FROM agency_counts")) {
                while (rs.next()) {
                    counts.put(rs.getInt(1), rs.getLong(2));
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT agency FROM finished_agencies WHERE agency BETWEEN 1 AND ?")) {
                s.setInt(1, numAgencies);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        finished.add(rs.getInt(1));
                    }
                }
            }
            c.commit();
            return new Contents(counts, finished);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
