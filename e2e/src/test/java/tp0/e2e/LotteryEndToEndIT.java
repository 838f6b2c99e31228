package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;
import tp0.tools.StartScript;

/**
 * The real jars as separate processes on loopback: what an operator would see. Every check
 * reads the log contract lines, the exit statuses and bets.csv — never internals.
 */
class LotteryEndToEndIT {
    private static final Duration LONG = Duration.ofMinutes(3);

    @RegisterExtension
    final RunDir runDir = new RunDir("e2e");

    @Test
    void fiveAgenciesStoreEveryBetAndEachLearnsOnlyItsOwnWinners() throws IOException {
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"),
                new int[] {1200, 900, 700, 400, 150}, new int[] {2, 1, 3, 0, 2}, 42);

        try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 5, Map.of("LOGGING_LEVEL", "DEBUG"), line -> { })) {
            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, data.files().get(k), Map.of(), line -> { });
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);

            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            ChildProcess server = run.server();
            // The server keeps running after the agencies finish.
            assertTrue(server.isAlive(), "server still up after the agencies are done");
            server.awaitLine("action: sorteo \\| result: success$", LONG);

            assertEquals(1, server.linesContaining("action: config | result: success | port: 0 | listen_backlog: 5"
                    + " | logging_level: DEBUG | num_agencies: 5").size(), "server config line");
            assertEquals(1, server.linesContaining("action: sorteo | result: success").size(), "one draw");
            assertEquals(data.totalBets(), server.linesContaining("action: apuesta_almacenada | result: success | dni: ").size());
            assertFalse(server.linesContaining("| dni: 00").isEmpty(), "documents keep their leading zeros");
            assertEquals(data.totalBets(), LogLines.sum(server.lines(), "action: apuesta_recibida \\| result: success \\| cantidad: (\\d+)$"));

            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);

            int exit = run.stopServer(Duration.ofSeconds(30));
            assertEquals(0, exit, "server exit status after SIGTERM");
            for (String resource : List.of("listener", "connections", "bets_file")) {
                assertEquals(1, server.linesContaining("action: shutdown | result: success | resource: " + resource).size(),
                        "shutdown line for " + resource);
            }
            LogLines.assertKeepTheContract(server.lines());
        }

        for (int agency = 1; agency <= 5; agency++) {
            final int k = agency;
            List<String> agencyLog = Files.readAllLines(runDir.path().resolve("agency-" + k).resolve("agency-" + k + ".log"));
            assertTrue(agencyLog.stream().anyMatch(l -> l.contains("action: config | result: success | client_id: " + k
                    + " | server_address: 127.0.0.1:")), "agency config line");
            assertTrue(agencyLog.stream().anyMatch(l -> l.endsWith("action: consulta_ganadores | result: success | cant_ganadores: "
                    + data.winnersPerAgency().get(k).size())), "agency " + k + " winners line");
            LogLines.assertKeepTheContract(agencyLog);
            assertTrue(agencyLog.stream().noneMatch(l -> l.contains("result: fail")), "no failure in agency " + k);
        }
    }

    @Test
    void singleBetFromTheEnvironmentIsConfirmedAndWins() throws IOException {
        try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 1, Map.of(), line -> { })) {
            ChildProcess agency = run.startAgency(1, null, Map.of(
                    "NOMBRE", "Nicolás", "APELLIDO", "Saldaña", "DOCUMENTO", "00012345",
                    "NACIMIENTO", "1999-03-17", "NUMERO", "7574"), line -> { });
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);

            assertEquals(0, outcomes.get(0).exitCode());
            assertEquals(1, agency.linesContaining(
                    "action: apuesta_enviada | result: success | dni: 00012345 | numero: 7574").size());
            assertEquals(List.of("00012345"), outcomes.get(0).winners());
            assertEquals(List.of("1,Nicolás,Saldaña,00012345,1999-03-17,7574"), StoredBets.rows(run.betsFile()));
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void agencyRetriesWhileTheServerIsDownThenDeliversWhenItComesUp() throws IOException {
        int port = freePort();
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"), new int[] {300}, new int[] {1}, 7);
        Path agencyDir = runDir.path().resolve("early-agency");
        ChildProcess.copy(ROOT.resolve("agency/config.yaml"), agencyDir.resolve("config.yaml"));
        try (ChildProcess agency = ChildProcess.startScript("agency-1", StartScript.of(ROOT, "agency"), agencyDir,
                Map.of(
                "CLI_ID", "1", "CLI_SERVER_ADDRESS", "127.0.0.1:" + port, "CLI_SERVER_CONNECTTIMEOUT", "120s",
                "CLI_DATA_FILE", data.files().get(1).toString()), line -> { })) {
            agency.awaitLine("action: connect \\| result: in_progress", LONG);

            try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 1, Map.of("SERVER_PORT", Integer.toString(port)), line -> { })) {
                assertEquals(0, agency.awaitExit(LONG).orElseThrow(), "agency exit status");
                assertEquals(data.winnersPerAgency().get(1), LotteryRun.winnersLogged(agency));
                assertTrue(agency.linesContaining("result: fail").isEmpty(), "retrying is not a failure");
                assertEquals(300, StoredBets.rows(run.betsFile()).size());
                assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
            }
        }
    }

    @Test
    void agencyGivesUpWithAFailLineWhenTheServerNeverComes() throws IOException {
        Path agencyDir = runDir.path().resolve("lonely-agency");
        ChildProcess.copy(ROOT.resolve("agency/config.yaml"), agencyDir.resolve("config.yaml"));
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"), new int[] {10}, new int[] {0}, 1);
        try (ChildProcess agency = ChildProcess.startScript("agency-1", StartScript.of(ROOT, "agency"), agencyDir,
                Map.of(
                "CLI_ID", "1", "CLI_SERVER_ADDRESS", "127.0.0.1:" + freePort(), "CLI_SERVER_CONNECTTIMEOUT", "2s",
                "CLI_DATA_FILE", data.files().get(1).toString()), line -> { })) {
            int exit = agency.awaitExit(LONG).orElseThrow();
            assertTrue(exit != 0, "exit status must report the failure");
            assertEquals(1, agency.linesContaining("action: connect | result: fail").size());
            LogLines.assertKeepTheContract(agency.lines());
        }
    }

    @Test
    void sigtermStopsAWaitingAgencyAndTheServerWithStatusZero() throws IOException {
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"), new int[] {2000, 10}, new int[] {1, 0}, 3);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 2, Map.of(), line -> { })) {
            // Agency 2 never comes, so agency 1 waits for the draw with its connection open.
            ChildProcess agency = run.startAgency(1, data.files().get(1), Map.of(), line -> { });
            run.server().awaitLine("action: agencia_finalizada \\| result: success \\| agencia: 1", LONG);

            agency.terminate();
            assertEquals(0, agency.awaitExit(LONG).orElseThrow(), "agency exit status after SIGTERM");
            assertEquals(1, agency.linesContaining("action: shutdown | result: success | resource: connection").size());
            assertTrue(agency.linesContaining("result: fail").isEmpty(), "a requested stop is not a failure");

            assertEquals(2000, StoredBets.rows(run.betsFile()).size(), "every acknowledged bet is on disk");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)), "server exit status after SIGTERM");
            assertTrue(run.server().linesContaining("action: sorteo").isEmpty(), "no draw without agency 2");
        }
    }

    @Test
    void malformedRowStopsTheAgencyBeforeItsBatchIsSent() throws IOException {
        Path file = runDir.path().resolve("agency-1.csv");
        Files.writeString(file, "Ana,Paz,30904465,1999-03-17,2201\r\n"
                + "Inés,Núñez,00123456,2000-05-10,9325\r\n"
                + "Luis,Gómez,21689196,2001-02-30,1033\r\n", StandardCharsets.UTF_8);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 1, Map.of(), line -> { })) {
            ChildProcess agency = run.startAgency(1, file, Map.of(), line -> { });
            int exit = agency.awaitExit(LONG).orElseThrow();
            assertEquals(2, exit, "bad data file exit status");
            List<String> fail = agency.linesContaining("action: leer_apuestas | result: fail");
            assertEquals(1, fail.size());
            assertTrue(fail.get(0).contains("| line: 3 | field: birthdate"), fail.get(0));
            assertEquals(List.of(), StoredBets.rows(run.betsFile()), "nothing of the bad batch is stored");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void theCourseDatasetWhenAvailable() throws IOException {
        Path zip = ROOT.resolve("../shared/datasets/dataset.zip").normalize();
        assumeTrue(Files.isRegularFile(zip), "no course dataset at " + zip);
        Path dataDir = runDir.path().resolve("data");
        E2eData.unzip(zip, dataDir);

        try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 5, Map.of(), line -> { })) {
            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, dataDir.resolve("agency-" + k + ".csv"), Map.of(), line -> { });
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);
            List<Integer> winners = Outcomes.winnerCounts(outcomes);
            assertEquals(List.of(2, 3, 3, 2, 0), winners, "winners per agency");
            assertEquals(78_697, StoredBets.rows(run.betsFile()).size(), "stored bets");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
