package tp0.lottery.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.lottery.config.StoreSettings;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.BetsCsv;
import tp0.lottery.store.StoreClient;
import tp0.lottery.store.file.StoreRecovery;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.testkit.BetsCsvRows;
import tp0.testkit.PostgresForTests;
import tp0.testkit.ThrowawayPostgres;

/**
 * The PostgreSQL store on a real, throwaway PostgreSQL (no mock, no H2): exactly once under a
 * duplicate delivery and two writers racing for one agency, ordinals and counts across a
 * restart, a database lost and back, the draw and the export against the file store's.
 */
class PostgresStoreTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static PostgresForTests postgres;
    /** This test's database (emptied before each test). */
    private static ThrowawayPostgres pg;
    private static ActorTestKit testKit;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresForTests.startFor(PostgresStoreTest.class);
        testKit = ActorTestKit.create("pg-store-test", com.typesafe.config.ConfigFactory.parseString(
                "lottery.store-dispatcher { type = Dispatcher, executor = thread-pool-executor,"
                        + " thread-pool-executor.fixed-pool-size = 4, throughput = 1 }"));
    }

    @AfterAll
    static void stopPostgres() {
        testKit.shutdownTestKit();
        postgres.close();
    }

    @BeforeEach
    void cleanDatabase() throws Exception {
        pg = postgres.fresh();
    }

    private static StoreSettings.Postgres settings() {
        return new StoreSettings.Postgres(pg.jdbcUrl(), ThrowawayPostgres.USER, ThrowawayPostgres.PASSWORD,
                Duration.ofSeconds(20));
    }

    /** A store as a server starts it: migrate, read what is stored, spawn on the store dispatcher. */
    private static ActorRef<BetStore.Command> openStore() throws Exception {
        PgStore.Opened opened = PgStore.open(settings(), 5);
        return testKit.spawn(opened.behavior(true), "pg-store-" + System.nanoTime(),
                DispatcherSelector.fromConfig("lottery.store-dispatcher"));
    }

    private static Bet bet(int agency, int i, int number) {
        return new Bet("Nombre" + i, "Apellido, \"" + agency + "\"", String.valueOf(30_000_000 + i),
                LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28), number);
    }

    private static List<Bet> bets(int agency, int count, long seed) {
        Random random = new Random(seed);
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bets.add(bet(agency, i, random.nextInt(100) == 0 ? BetsCsv.WINNING_NUMBER : random.nextInt(10_000)));
        }
        return bets;
    }

    private static Message.BetBatch decoded(List<Bet> bets) {
        return StoreClient.decoded(bets);
    }

    private static StoreClient client(ActorRef<BetStore.Command> store) {
        return new StoreClient(testKit, store, WAIT);
    }

    private static BetStore.StoreReply store(ActorRef<BetStore.Command> store, int agency, List<Bet> bets) {
        return client(store).store(agency, bets);
    }

    /** {@code bets} in frames of at most 50 (a frame holds 8 KiB); the last reply. */
    private static BetStore.StoreReply storeAll(ActorRef<BetStore.Command> store, int agency, List<Bet> bets) {
        return client(store).storeAll(agency, bets, 50);
    }

    private static long count(ActorRef<BetStore.Command> store, int agency) {
        return client(store).count(agency);
    }

    private static void close(ActorRef<BetStore.Command> store) {
        client(store).close();
        testKit.stop(store);
    }

    private static byte[] export() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgExport.export(new PgDatabase(settings()), out);
        return out.toByteArray();
    }

    @Test
    void aBatchDeliveredTwiceIsStoredOnce() throws Exception {
        List<Bet> batch = bets(1, 50, 1);
        ActorRef<BetStore.Command> first = openStore();
        // A second server that read the count before the first stored: its expected count is stale.
        ActorRef<BetStore.Command> second = openStore();
        assertEquals(new BetStore.Stored(50, 50), store(first, 1, batch));
        BetStore.StoreReply duplicate = store(second, 1, batch);
        BetStore.Refused refused = assertInstanceOf(BetStore.Refused.class, duplicate);
        assertEquals(ErrorCode.STORAGE_FAILURE, refused.code());
        // Until it re-reads the count (a Welcome), the refused writer refuses that agency's batches.
        assertInstanceOf(BetStore.Refused.class, store(second, 1, bets(1, 5, 2)));
        assertEquals(50, count(second, 1)); // the agency would resume after the 50
        assertEquals("50", pg.sql("SELECT count(*) FROM bets WHERE agency = 1"));
        assertEquals("50", pg.sql("SELECT stored FROM agency_counts WHERE agency = 1"));
        assertEquals(new BetStore.Stored(10, 60), store(second, 1, batch.subList(0, 10))); // after Welcome: stored
        assertEquals("1|60", pg.sql("SELECT min(ordinal), max(ordinal) FROM bets WHERE agency = 1").strip());
        close(first);
        close(second);
    }

    /**
     * Two writers act for one agency at once, each like an agency resuming from the count after
     * every refusal: whatever interleaving, the agency's rows are its bets exactly once, in order.
     */
    /**
     * Five agencies pipelining every batch at once, interleaved at random, so the groups hold
     * several batches of several agencies: each batch answered in the agency's order with its
     * running total, each bet stored once, in the agency's file order.
     */
    @Test
    void manyAgenciesPipeliningWhileCommitsOverlapStoreEachBatchOnceInOrder() throws Exception {
        long seed = System.nanoTime();
        System.out.println("PostgresStoreTest.pipelining seed=" + seed);
        Random random = new Random(seed);
        ActorRef<BetStore.Command> store = openStore();
        Map<Integer, List<Bet>> all = new java.util.TreeMap<>();
        Map<Integer, List<Message.BetBatch>> batches = new java.util.TreeMap<>();
        Map<Integer, List<Integer>> sizes = new java.util.TreeMap<>();
        for (int agency = 1; agency <= 5; agency++) {
            List<Bet> bets = bets(agency, 4_000, seed + agency);
            all.put(agency, bets);
            List<Message.BetBatch> frames = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            for (int from = 0; from < bets.size(); ) {
                int size = Math.min(bets.size() - from, 1 + random.nextInt(50));
                frames.add(decoded(bets.subList(from, from + size)));
                counts.add(size);
                from += size;
            }
            batches.put(agency, frames);
            sizes.put(agency, counts);
        }
        Map<Integer, TestProbe<BetStore.StoreReply>> probes = new java.util.TreeMap<>();
        Map<Integer, Integer> sent = new java.util.TreeMap<>();
        for (int agency = 1; agency <= 5; agency++) {
            probes.put(agency, testKit.createTestProbe());
            sent.put(agency, 0);
        }
        List<Integer> open = new ArrayList<>(batches.keySet());
        while (!open.isEmpty()) { // every batch at once, the agencies interleaved at random
            int agency = open.get(random.nextInt(open.size()));
            int i = sent.merge(agency, 1, Integer::sum) - 1;
            store.tell(new BetStore.StoreBatch(agency, batches.get(agency).get(i), probes.get(agency).getRef()));
            if (i + 1 == batches.get(agency).size()) {
                open.remove(Integer.valueOf(agency));
            }
        }
        StringBuilder expected = new StringBuilder();
        for (int agency = 1; agency <= 5; agency++) {
            long total = 0;
            for (int size : sizes.get(agency)) {
                total += size;
                assertEquals(new BetStore.Stored(size, total),
                        probes.get(agency).expectMessageClass(BetStore.StoreReply.class, WAIT),
                        "agency " + agency + "'s answers in order");
            }
            assertEquals(4_000, count(store, agency));
            expected.append(new String(csvRows(agency, all.get(agency)), StandardCharsets.UTF_8));
        }
        close(store);
        assertEquals("20000|20000", pg.sql("SELECT count(*), count(DISTINCT (agency, ordinal)) FROM bets").strip());
        assertEquals(expected.toString(), new String(export(), StandardCharsets.UTF_8),
                "rows are the bets once, in each agency's order");
    }

    @Test
    void twoWritersRacingForOneAgencyStoreEachBetOnce() throws Exception {
        long seed = System.nanoTime();
        System.out.println("PostgresStoreTest.twoWritersRacing seed=" + seed);
        List<Bet> all = bets(3, 3_000, seed);
        ActorRef<BetStore.Command> a = openStore();
        ActorRef<BetStore.Command> b = openStore();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long[] acked = new long[2];
        long[] refusals = new long[2];
        CountDownLatch done = new CountDownLatch(2);
        List<ActorRef<BetStore.Command>> writers = List.of(a, b);
        for (int w = 0; w < 2; w++) {
            int id = w;
            Random random = new Random(seed + w);
            new Thread(() -> {
                try {
                    ActorRef<BetStore.Command> store = writers.get(id);
                    long next = count(store, 3);
                    while (next < all.size()) {
                        int size = 1 + random.nextInt(80);
                        List<Bet> batch = all.subList((int) next, (int) Math.min(all.size(), next + size));
                        BetStore.StoreReply reply = store(store, 3, batch);
                        if (reply instanceof BetStore.Stored stored) {
                            acked[id] += stored.count();
                            assertEquals(next + batch.size(), stored.agencyTotal());
                            next = stored.agencyTotal();
                        } else {
                            refusals[id]++;
                            next = count(store, 3); // a Welcome: resume from the database's count
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    done.countDown();
                }
            }, "writer-" + w).start();
        }
        assertTrue(done.await(120, java.util.concurrent.TimeUnit.SECONDS), "writers did not finish");
        assertTrue(failures.isEmpty(), () -> "writer failed: " + failures);
        System.out.println("PostgresStoreTest.twoWritersRacing acked a=" + acked[0] + " b=" + acked[1]
                + " refusals a=" + refusals[0] + " b=" + refusals[1]);
        assertEquals(all.size(), acked[0] + acked[1], "every bet acknowledged exactly once");
        assertEquals(String.valueOf(all.size()), pg.sql("SELECT stored FROM agency_counts WHERE agency = 3"));
        assertEquals(new String(csvRows(3, all), StandardCharsets.UTF_8),
                new String(export(), StandardCharsets.UTF_8), "rows are the bets once, in order");
        close(a);
        close(b);
    }

    @Test
    void aRestartedStoreResumesFromTheDatabaseAndDrawsLikeTheFileStore(@TempDir Path dir) throws Exception {
        Map<Integer, List<Bet>> byAgency = Map.of(1, bets(1, 400, 11), 2, bets(2, 250, 12), 4, bets(4, 90, 14));
        ActorRef<BetStore.Command> store = openStore();
        // The file store gets the same batches, to compare the draw and the rows.
        StoreRecovery.Recovered files = StoreRecovery.recover(dir.resolve("bets.csv"), dir.resolve("marks.txt"), 5);
        ActorRef<BetStore.Command> fileStore = testKit.spawn(files.behavior(true), "file-store",
                DispatcherSelector.fromConfig("lottery.store-dispatcher"));
        for (int agency : List.of(1, 2, 4)) {
            List<Bet> bets = byAgency.get(agency);
            for (int from = 0; from < bets.size() / 2; from += 37) {
                List<Bet> batch = bets.subList(from, Math.min(bets.size() / 2, from + 37));
                assertInstanceOf(BetStore.Stored.class, store(store, agency, batch));
                assertInstanceOf(BetStore.Stored.class, store(fileStore, agency, batch));
            }
        }
        TestProbe<BetStore.MarkReply> marks = testKit.createTestProbe();
        store.tell(new BetStore.MarkFinished(2, marks.getRef()));
        assertEquals(new BetStore.Marked(2), marks.expectMessageClass(BetStore.MarkReply.class, WAIT));
        close(store);

        PgStore.Opened reopened = PgStore.open(settings(), 5);
        assertEquals(java.util.Set.of(2), reopened.finished());
        assertEquals(Map.of(1, 200L, 2, 125L, 4, 45L), reopened.contents().storedByAgency());
        store = testKit.spawn(reopened.behavior(true), "pg-store-reopened",
                DispatcherSelector.fromConfig("lottery.store-dispatcher"));
        for (int agency : List.of(1, 2, 4)) {
            List<Bet> bets = byAgency.get(agency);
            long from = count(store, agency);
            List<Bet> rest = bets.subList((int) from, bets.size());
            BetStore.Stored last = assertInstanceOf(BetStore.Stored.class, storeAll(store, agency, rest));
            assertEquals(bets.size(), last.agencyTotal());
            assertInstanceOf(BetStore.Stored.class, storeAll(fileStore, agency, rest));
        }
        TestProbe<BetStore.DrawOutcome> draws = testKit.createTestProbe();
        store.tell(new BetStore.Draw(draws.getRef()));
        BetStore.Drawn pgDraw = assertInstanceOf(BetStore.Drawn.class, draws.expectMessageClass(BetStore.DrawOutcome.class, WAIT));
        fileStore.tell(new BetStore.Draw(draws.getRef()));
        BetStore.Drawn fileDraw = assertInstanceOf(BetStore.Drawn.class, draws.expectMessageClass(BetStore.DrawOutcome.class, WAIT));
        assertEquals(fileDraw, pgDraw);
        assertTrue(pgDraw.winnersByAgency().values().stream().mapToInt(List::size).sum() > 0, "some winners");
        assertEquals(ErrorCode.BETS_CLOSED, ((BetStore.Refused) store(store, 1, bets(1, 1, 3))).code());
        close(store);
        close(fileStore);

        // export-bets: per agency, the file store's rows byte for byte.
        byte[] expected = BetsCsvRows.perAgency(Files.readAllBytes(dir.resolve("bets.csv")));
        assertEquals(new String(expected, StandardCharsets.UTF_8), new String(export(), StandardCharsets.UTF_8));
    }

    /** The rows the file store writes for {@code bets} of {@code agency}. */
    private static byte[] csvRows(int agency, List<Bet> bets) {
        BetsCsv.RowBuffer rows = new BetsCsv.RowBuffer(1024);
        rows.append(agency, tp0.protocol.Batches.of(bets));
        return rows.toByteArray();
    }

    @Test
    void trickyNamesExportAsTheFileStoreWritesThem() throws Exception {
        List<Bet> tricky = List.of(
                new Bet("Ana, María", "O\"Brien", "00123", LocalDate.of(1, 1, 1), 7574),
                new Bet(" espacio ", "Ñandú Ünïcode 😀", "9", LocalDate.of(9999, 12, 31), 0),
                new Bet("\"", "#!", "0001", LocalDate.of(2000, 2, 29), 42),
                new Bet("\\.", "a\\b", "7", LocalDate.of(999, 6, 15), 9999));
        ActorRef<BetStore.Command> store = openStore();
        assertEquals(new BetStore.Stored(4, 4), store(store, 5, tricky));
        close(store);
        assertEquals(new String(csvRows(5, tricky), StandardCharsets.UTF_8),
                new String(export(), StandardCharsets.UTF_8));
    }

    @Test
    void aLostDatabaseRefusesBatchesRetryablyAndNothingIsStoredTwice() throws Exception {
        ActorRef<BetStore.Command> store = openStore();
        List<Bet> all = bets(2, 300, 21);
        assertEquals(new BetStore.Stored(50, 100), storeAll(store, 2, all.subList(0, 100)));
        pg.stop(true); // a crash of PostgreSQL
        try {
            BetStore.Refused refused = assertInstanceOf(BetStore.Refused.class, store(store, 2, all.subList(100, 150)));
            assertEquals(ErrorCode.STORAGE_FAILURE, refused.code());
            assertEquals(-1, count(store, 2), "no count while the database is away");
        } finally {
            pg.startAgain();
        }
        // Back: refused until a Welcome re-reads the count, then resumes after what is stored.
        assertEquals(100, count(store, 2));
        assertEquals(new BetStore.Stored(50, 300), storeAll(store, 2, all.subList(100, 300)));
        close(store);
        assertEquals(new String(csvRows(2, all), StandardCharsets.UTF_8),
                new String(export(), StandardCharsets.UTF_8));
    }

    /**
     * A writer frozen in the middle of its transaction (its count row locked, its COPY begun: its
     * backend is busy, so idle_in_transaction_session_timeout does not end it) blocks another
     * writer of that agency for at most the lock timeout, which refuses the batch retryably; once
     * the frozen writer is fenced by its connections' name, its transaction is gone, its locks are
     * released, the other writer stores, and the frozen one's COPY can never commit.
     */
    @Test
    void aWriterFrozenMidTransactionIsFencedByNameAndReleasesItsLocks() throws Exception {
        ActorRef<BetStore.Command> store = openStore();
        List<Bet> all = bets(4, 200, 4);
        assertEquals(new BetStore.Stored(50, 100), storeAll(store, 4, all.subList(0, 100)));

        PgDatabase frozenNode = new PgDatabase(settings());
        String name = PgDatabase.applicationNameOf("10.1.2.3:25520", -4_321_987_654_321L);
        frozenNode.nameConnections(name);
        java.sql.Connection frozen = frozenNode.connect();
        try (java.sql.Statement s = frozen.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE agency_counts SET stored = stored + 50 WHERE agency = 4"));
        }
        org.postgresql.copy.CopyIn copy = frozen.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                .copyIn("COPY bets FROM STDIN");
        assertEquals("active", pg.sql("SELECT state FROM pg_stat_activity WHERE application_name = '" + name + "'"));

        long asked = System.nanoTime();
        BetStore.Refused refused = assertInstanceOf(BetStore.Refused.class, store(store, 4, all.subList(100, 150)));
        double waited = (System.nanoTime() - asked) / 1e9;
        System.out.printf("PostgresStoreTest.frozenWriter: refused after %.1f s: %s%n", waited, refused.reason());
        assertEquals(ErrorCode.STORAGE_FAILURE, refused.code());
        assertTrue(refused.reason().contains("lock"), refused.reason());

        assertEquals(1, new PgDatabase(settings()).endBackendsOf(name), "the frozen writer's one backend ended");
        assertEquals(0, new PgDatabase(settings()).endBackendsOf(name), "nothing left of it");
        assertEquals(100, count(store, 4), "the frozen writer's count update rolled back");
        assertEquals(new BetStore.Stored(50, 200), storeAll(store, 4, all.subList(100, 200)));
        java.sql.SQLException late = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, () -> {
            copy.endCopy();
            frozen.commit();
        });
        System.out.println("PostgresStoreTest.frozenWriter: the fenced writer's commit failed: " + late.getMessage());
        try {
            frozen.close();
        } catch (java.sql.SQLException alreadyBroken) {
            // its backend is gone: nothing to close properly
        }
        close(store);
        assertEquals(new String(csvRows(4, all), StandardCharsets.UTF_8),
                new String(export(), StandardCharsets.UTF_8));
    }

    /**
     * A cluster's draw is held by one node's store; another node's store, which never saw it,
     * stores nothing after it: its next batch (of an agency with bets, or of one without any) is
     * refused with BETS_CLOSED, and so is every later one.
     */
    @Test
    void afterAnotherServersDrawNothingMoreIsStored() throws Exception {
        ActorRef<BetStore.Command> coordinators = openStore();
        ActorRef<BetStore.Command> other = openStore();
        ActorRef<BetStore.Command> third = openStore();
        List<Bet> one = bets(1, 100, 5);
        List<Bet> two = bets(2, 150, 6);
        assertEquals(new BetStore.Stored(50, 100), storeAll(coordinators, 1, one));
        assertEquals(new BetStore.Stored(50, 100), storeAll(other, 2, two.subList(0, 100)));
        TestProbe<BetStore.DrawOutcome> draws = testKit.createTestProbe();
        coordinators.tell(new BetStore.Draw(draws.getRef()));
        BetStore.Drawn drawn = assertInstanceOf(BetStore.Drawn.class, draws.expectMessageClass(BetStore.DrawOutcome.class, WAIT));
        assertEquals(200, drawn.betsRead());

        BetStore.Refused late = assertInstanceOf(BetStore.Refused.class, store(other, 2, two.subList(100, 150)));
        assertEquals(ErrorCode.BETS_CLOSED, late.code(), late.reason());
        BetStore.Refused again = assertInstanceOf(BetStore.Refused.class, store(other, 2, two.subList(100, 150)));
        assertEquals(ErrorCode.BETS_CLOSED, again.code(), again.reason());
        BetStore.Refused first = assertInstanceOf(BetStore.Refused.class, store(third, 3, bets(3, 10, 7)));
        assertEquals(ErrorCode.BETS_CLOSED, first.code(), "an agency's first bets after the draw: " + first.reason());
        assertEquals("1:100,2:100", pg.sql("SELECT string_agg(agency || ':' || stored, ',' ORDER BY agency) FROM agency_counts"));
        assertEquals("200", pg.sql("SELECT count(*) FROM bets"));
        close(coordinators);
        close(other);
        close(third);
    }
}
