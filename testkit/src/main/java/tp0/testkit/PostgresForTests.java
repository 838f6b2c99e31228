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

    /** The server with an empty database ({@link ThrowawayPostgres#emptyDatabase}), for one test; skips the test where there is none. */
    public ThrowawayPostgres fresh() throws IOException {
        Assumptions.assumeTrue(server != null, () -> "SKIPPED: " + unavailable);
        server.emptyDatabase();
        return server;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
