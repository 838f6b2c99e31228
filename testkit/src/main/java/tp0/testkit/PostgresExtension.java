package tp0.testkit;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's throwaway PostgreSQL as a JUnit 5 extension: started once before the class,
 * its {@code public} schema emptied before each test, stopped after the class. Where none can be
 * started (no PostgreSQL binaries) it prints a loud SKIPPED line and every test of the class is
 * skipped (see {@link PostgresForTests}, which it wraps).
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final PostgresExtension postgres = new PostgresExtension();
 *   ...
 *   run(postgres.serverEnv("HTTP_PORT", "0"));
 *   postgres.server().sql("SELECT count(*) FROM bets");
 * </pre>
 */
public final class PostgresExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private PostgresForTests postgres;
    private ThrowawayPostgres server;

    @Override
    public void beforeAll(ExtensionContext context) {
        postgres = PostgresForTests.startFor(context.getRequiredTestClass());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        server = postgres.fresh();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server = null;
        postgres.close();
    }

    /** This test's server, its schema empty when the test began. */
    public ThrowawayPostgres server() {
        if (server == null) {
            throw new IllegalStateException("no PostgreSQL outside a test: register the extension on a static field");
        }
        return server;
    }

    /**
     * The environment that points the lottery server at this test's database, plus
     * {@code keysAndValues} (key, value, key, value...); a fresh map the caller may change.
     */
    public Map<String, String> serverEnv(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        Map<String, String> env = new HashMap<>(server().serverEnv());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return env;
    }
}
