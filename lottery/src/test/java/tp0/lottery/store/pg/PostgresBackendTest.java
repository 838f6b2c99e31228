package tp0.lottery.store.pg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import tp0.lottery.config.StoreSettings;
import tp0.lottery.store.BetsCsv;
import tp0.lottery.store.OpenedStore;
import tp0.lottery.store.StoreContract;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.testkit.PostgresForTests;
import tp0.testkit.ThrowawayPostgres;

/** The store's contract over a real, throwaway PostgreSQL 15 (skipped, loudly, where none starts). */
class PostgresBackendTest extends StoreContract {
    private static PostgresForTests postgres;
    private static ThrowawayPostgres pg;
    private static int opened;
    /** The application name of the store opened last's connections: how a test cuts them. */
    private String storeName;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresForTests.startFor(PostgresBackendTest.class);
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @BeforeEach
    void emptyDatabase() throws Exception {
        pg = postgres.fresh();
    }

    private static StoreSettings.Postgres settings() {
        return new StoreSettings.Postgres(pg.jdbcUrl(), ThrowawayPostgres.USER, ThrowawayPostgres.PASSWORD,
                Duration.ofSeconds(20));
    }

    @Override
    protected OpenedStore open() throws Exception {
        PgStore.Opened store = PgStore.open(settings(), 5);
        storeName = "contract-store-" + ++opened;
        store.db().nameConnections(storeName); // before the store connects (on its first request)
        return store;
    }

    /** The store's connection is cut, as when the database restarts: its next commit fails. */
    @Override
    protected void failNextCommit() throws Exception {
        new PgDatabase(settings()).endBackendsOf(storeName);
    }

    /** A writer's transaction cut off mid-COPY, its count already advanced: rolled back, nothing stays. */
    @Override
    protected void leavePartialWrite(int agency, List<Bet> partial) throws Exception {
        PgDatabase crashed = new PgDatabase(settings());
        crashed.nameConnections("crashed-writer");
        Connection c = crashed.connect();
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE agency_counts SET stored = stored + " + partial.size() + " WHERE agency = " + agency);
        }
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bets (" + CopyRows.COLUMNS
                + ") FROM STDIN WITH (FORMAT binary)");
        CopyRows rows = new CopyRows();
        rows.append(agency, 1, Batches.of(partial));
        copy.writeToCopy(CopyRows.HEADER, 0, CopyRows.HEADER.length);
        copy.writeToCopy(rows.array(), 0, rows.length() / 2);
        new PgDatabase(settings()).endBackendsOf("crashed-writer");
        try {
            c.close();
        } catch (java.sql.SQLException alreadyGone) {
            // its backend was ended: nothing to close properly
        }
    }

    @Override
    protected byte[] rowsPerAgency() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgExport.export(new PgDatabase(settings()), out);
        return out.toByteArray();
    }
}
