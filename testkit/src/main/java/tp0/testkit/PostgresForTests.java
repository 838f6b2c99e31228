package tp0.testkit;

import java.io.IOException;
import org.junit.jupiter.api.Assumptions;

/**
 * One test class's throwaway PostgreSQL, started once for the class; where none can be started
 * (no PostgreSQL binaries), a loud SKIPPED line and every test of the class skipped. CI installs
 * postgresql-15, so there these tests always run.
 */
public final class PostgresForTests implements AutoCloseable {
    private final ThrowawayPostgres server;
    private final String unavailable;

    private PostgresForTests(ThrowawayPostgres server, String unavailable) {
        this.server = server;
        this.unavailable = unavailable;
    }

    public static PostgresForTests startFor(Class<?> testClass) {
        try {
            return new PostgresForTests(ThrowawayPostgres.start(), null);
        } catch (ThrowawayPostgres.Unavailable e) {
            System.out.println("!!!!!!!! " + testClass.getSimpleName()
                    + " SKIPPED: no PostgreSQL could be started: " + e.getMessage());
            return new PostgresForTests(null, e.getMessage());
        }
    }

    /**
     * The server with an empty {@code public} schema and no other session, for one test; skips the
     * test where there is none. Sessions an earlier test left behind (a store stopped mid-COPY, a
     * writer it froze on purpose) are ended first: one that holds a lock would otherwise make the
     * DROP wait for ever.
     */
    public ThrowawayPostgres fresh() throws IOException {
        Assumptions.assumeTrue(server != null, () -> "SKIPPED: " + unavailable);
        server.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
        server.sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        return server;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
