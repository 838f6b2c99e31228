package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.testkit.BetsCsvRows;
import tp0.testkit.PostgresExtension;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;
import tp0.tools.StartScript;

/**
 * The real jars on {@code STORE=postgres}, against a throwaway PostgreSQL: the course dataset's
 * winners, {@code export-bets} against the file store's bets.csv for the same run, crashes of
 * the server ({@code kill -9}) and of PostgreSQL ({@code pg_ctl restart -m immediate}) while
 * five agencies ingest, and the start-up refusals. Prints a loud SKIPPED line where no
 * PostgreSQL can be started (CI installs postgresql-15, so it runs there).
 */
class PostgresEndToEndIT {
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final int SERVER_KILLS = Integer.parseInt(System.getProperty("tp0.pg.kills", "10"));
    private static final int DB_RESTARTS = Integer.parseInt(System.getProperty("tp0.pg.restarts", "3"));
    /** This test's database (emptied before each test). */
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();
    @RegisterExtension
    final RunDir runDir = new RunDir("e2e-pg");

    private static Map<String, String> pgEnv(String... more) {
        Map<String, String> env = postgres.serverEnv(more);
        env.putIfAbsent("HTTP_PORT", "0");
        return env;
    }

    /** Five agencies on {@code files} against a server with {@code env}; winners per agency, server stopped. */
    private static List<List<String>> runAll(Path dir, Map<String, String> env, Map<Integer, Path> files)
            throws IOException {
        try (LotteryRun run = LotteryRun.start(ROOT, dir, files.size(), env, line -> { })) {
            for (Map.Entry<Integer, Path> file : files.entrySet()) {
                run.startAgency(file.getKey(), file.getValue(), Map.of(), line -> { });
            }
            List<List<String>> winners = new ArrayList<>();
            for (LotteryRun.AgencyOutcome outcome : run.awaitAgencies(LONG)) {
                assertEquals(0, outcome.exitCode(), "agency " + outcome.agency() + " exit status");
                winners.add(outcome.winners());
            }
            assertEquals(1, run.server().linesContaining("action: sorteo | result: success").size(), "one draw");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)), "server exit status after SIGTERM");
            return winners;
        }
    }

    /** {@code java -jar lottery.jar export-bets <file>} in {@code dir} with the server's environment. */
    private static Path exportBets(Path dir) throws IOException {
        return StoredBets.exportBets(ROOT, dir, pgEnv(), LONG);
    }

    @Test
    void theSameRunOnBothStoresGivesTheSameWinnersAndExportBetsEqualsBetsCsv() throws IOException {
        Path zip = ROOT.resolve("../shared/datasets/dataset.zip").normalize();
        Map<Integer, Path> files;
        List<Integer> expectedWinners = null;
        if (Files.isRegularFile(zip)) {
            files = E2eData.unzip(zip, runDir.path().resolve("data"));
            expectedWinners = List.of(2, 3, 3, 2, 0);
            System.out.println("PostgresEndToEndIT: the course dataset " + zip);
        } else {
            files = DatasetGenerator.generate(runDir.path().resolve("data"), new int[] {1200, 900, 700, 400, 150},
                    new int[] {2, 1, 3, 0, 2}, 42).files();
            System.out.println("PostgresEndToEndIT: no course dataset at " + zip + "; a generated one");
        }
        List<List<String>> onFile = runAll(runDir.path().resolve("file"), Map.of(), files);
        List<List<String>> onPostgres = runAll(runDir.path().resolve("postgres"), pgEnv(), files);
        assertEquals(onFile, onPostgres, "each agency's winners, file store vs postgres");
        if (expectedWinners != null) {
            assertEquals(expectedWinners, onPostgres.stream().map(List::size).toList(), "winners per agency");
        }
        Path exported = exportBets(runDir.path().resolve("postgres/server"));
        byte[] fileStore = BetsCsvRows.perAgency(Files.readAllBytes(runDir.path().resolve("file/server/bets.csv")));
        byte[] export = Files.readAllBytes(exported);
        assertEquals(fileStore.length, export.length, "export-bets size vs bets.csv");
        assertTrue(java.util.Arrays.equals(fileStore, export), "export-bets is bets.csv byte for byte, per agency");
        System.out.println("PostgresEndToEndIT: export-bets " + export.length + " bytes, "
                + StoredBets.rows(exported).size() + " rows: byte-identical to the file store's bets.csv per agency");
    }

    /**
     * kill -9 of the server and pg_ctl restart -m immediate of PostgreSQL at random points while
     * five agencies ingest: no acknowledged bet lost, none stored twice, file order kept, winners right.
     */
    @Test
    void serverAndDatabaseCrashesLoseAndDuplicateNothing() throws IOException {
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"),
                new int[] {60_000, 50_000, 40_000, 30_000, 20_000}, new int[] {3, 2, 2, 1, 0}, 2024);
        Random random = Seeds.random("tp0.crash.seed", "PostgresEndToEndIT crash test");
        List<Boolean> events = new ArrayList<>(); // true: kill the server; false: crash PostgreSQL
        for (int i = 0; i < SERVER_KILLS; i++) events.add(true);
        for (int i = 0; i < DB_RESTARTS; i++) events.add(false);
        Collections.shuffle(events, random);

        int kills = 0;
        int restarts = 0;
        long acked = 0;
        String received = "action: apuesta_recibida | result: success";
        try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 5, pgEnv("DB_CONNECT_TIMEOUT", "120"), line -> { })) {
            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, data.files().get(k), Map.of("CLI_SERVER_CONNECTTIMEOUT", "120s"), line -> { });
            }
            for (boolean killServer : events) {
                long batches = 1L + random.nextInt(25);
                long seen = run.server().linesContaining(received).size();
                run.server().awaitCount(received, seen + batches, LONG);
                acked += batches;
                if (killServer) {
                    run.crashAndRestartServer();
                    kills++;
                } else {
                    postgres.server().restartImmediately();
                    restarts++;
                }
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);
            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            // The database's crashes reached the agencies as retryable refusals, never as a failure.
            long storageRetries = 0;
            for (int k = 1; k <= 5; k++) {
                List<String> lines = Files.readAllLines(runDir.path().resolve("agency-" + k).resolve("agency-" + k + ".log"));
                storageRetries += lines.stream().filter(l -> l.contains("result: in_progress")
                        && l.contains("STORAGE_FAILURE")).count();
                assertEquals(0, lines.stream().filter(l -> l.contains("result: fail")).count(), "agency " + k + " fail lines");
            }
            System.out.println("PostgresEndToEndIT crash test: " + storageRetries
                    + " STORAGE_FAILURE retries (in_progress) in the agencies' logs, 0 fail lines");
            assertTrue(storageRetries > 0, "the database restarts were seen by the agencies");
            run.server().awaitLine("action: sorteo \\| result: success$", LONG);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
        Path exported = exportBets(runDir.path().resolve("server"));
        StoredBets.Audit audit = StoredBets.audit(exported, data);
        String counts = StoredBets.tableCounts(postgres.server());
        System.out.println("PostgresEndToEndIT crash test: " + kills + " kill -9 of the server, " + restarts
                + " pg_ctl restart -m immediate (" + acked + " batches acknowledged before them); " + audit
                + "; rows/distinct ordinals/max ordinal in the database: " + counts);
        assertEquals(SERVER_KILLS, kills);
        assertEquals(DB_RESTARTS, restarts);
        audit.assertAllStoredOnceInOrder(data.totalBets());
        assertEquals(String.valueOf(data.totalBets()), StoredBets.countedStored(postgres.server()));
    }

    /** /health/ready asks the database itself: 503 naming it while it is down, ready again once it is back. */
    @Test
    void readinessFollowsTheDatabase() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 5, pgEnv("HTTP_PORT", "any", "HTTP_IP", "127.0.0.1"),
                line -> { })) {
            java.net.URI ready = java.net.URI.create("http://127.0.0.1:" + HttpEndpointsIT.httpPort(run) + "/health/ready");
            java.util.function.Supplier<java.net.http.HttpResponse<String>> ask = () -> {
                try {
                    return client.send(java.net.http.HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(20)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            assertEquals(200, ask.get().statusCode());
            postgres.server().stop(false);
            try {
                java.net.http.HttpResponse<String> down = ask.get();
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().startsWith("{\"status\":\"not_ready\",\"checks\":{\"tcp_listener\":\"ok\","
                        + "\"store\":\"database: "), down.body());
            } finally {
                postgres.server().startAgain();
            }
            assertEquals(200, ask.get().statusCode(), "ready again with the database back");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aWrongPasswordOrAnUnreachableDatabaseStopsTheServerNamingTheKey() throws IOException {
        Path dir = runDir.path().resolve("server");
        ChildProcess.copy(ROOT.resolve("lottery/config.ini"), dir.resolve("config.ini"));
        Map<String, String> wrongPassword = pgEnv("DB_PASSWORD", "not-the-password", "SERVER_PORT", "0");
        try (ChildProcess server = ChildProcess.startScript("wrong-password", StartScript.of(ROOT, "lottery"), dir, wrongPassword, line -> { })) {
            assertEquals(1, server.awaitExit(LONG).orElseThrow());
            assertEquals(1, server.linesContaining("action: bets_db | result: fail | key: DB_USER").size(),
                    server.tail(5).toString());
            assertFalse(String.join("\n", server.lines()).contains("not-the-password"), "the password is never logged");
        }
        Map<String, String> unreachable = pgEnv("DB_URL", "jdbc:postgresql://127.0.0.1:1/lottery",
                "DB_CONNECT_TIMEOUT", "2", "SERVER_PORT", "0");
        try (ChildProcess server = ChildProcess.startScript("unreachable", StartScript.of(ROOT, "lottery"), dir, unreachable, line -> { })) {
            assertEquals(1, server.awaitExit(LONG).orElseThrow());
            assertFalse(server.linesContaining("action: db_connect | result: in_progress").isEmpty(), "retries said");
            assertEquals(1, server.linesContaining("action: bets_db | result: fail | key: DB_URL").size(),
                    server.tail(5).toString());
        }
        // A schema from a newer server: refused.
        try (ChildProcess first = ChildProcess.startScript("migrates", StartScript.of(ROOT, "lottery"), dir, pgEnv("SERVER_PORT", "0"), line -> { })) {
            first.awaitLine("action: listen \\| result: success", LONG);
            first.terminate();
            assertEquals(0, first.awaitExit(LONG).orElseThrow());
        }
        postgres.server().sql("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (99, '99', 'from the future', 'SQL', 'V99__x.sql', 0,"
                + " 'test', 0, true)");
        try (ChildProcess server = ChildProcess.startScript("newer-schema", StartScript.of(ROOT, "lottery"), dir, pgEnv("SERVER_PORT", "0"), line -> { })) {
            assertEquals(1, server.awaitExit(LONG).orElseThrow());
            assertEquals(1, server.linesContaining("newer than this server's migrations").size(), server.tail(5).toString());
        }
    }
}
