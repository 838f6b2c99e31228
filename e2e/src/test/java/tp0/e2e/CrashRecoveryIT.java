package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.tools.DatasetGenerator;
import tp0.tools.LotteryRun;

/**
 * kill -9 of the server at random points while five agencies ingest, then a restart in the same
 * folder; the agencies reconnect and resume. In the end no acknowledged bet is lost, none is
 * stored twice, and the winners equal those of a clean run.
 */
class CrashRecoveryIT {
    private static final int CYCLES = Integer.parseInt(System.getProperty("tp0.crash.cycles", "20"));
    private static final Duration LONG = Duration.ofMinutes(5);
    @RegisterExtension
    final RunDir folder = new RunDir("e2e");

    @Test
    void serverKilledAtRandomPointsLosesAndDuplicatesNothing() throws IOException {
        Path runDir = folder.path();
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {60_000, 50_000, 40_000, 30_000, 20_000}, new int[] {3, 2, 2, 1, 0}, 2024);
        Random random = Seeds.random("tp0.crash.seed", "crash test");

        int cycles = 0;
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 5, Map.of(), line -> { })) {
            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, data.files().get(k), Map.of("CLI_SERVER_CONNECTTIMEOUT", "120s"), line -> { });
            }
            long received = 0;
            while (cycles < CYCLES) {
                // Kill after a random number of batches has reached this incarnation: a point in
                // the ingestion chosen by events, not by guessing times.
                long batches = 1L + random.nextInt(25);
                run.server().awaitCount("action: apuesta_recibida | result: success", batches, LONG);
                received += batches;
                run.crashAndRestartServer();
                cycles++;
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);

            StoredBets.Audit audit = StoredBets.audit(run.betsFile(), data);
            System.out.println("crash test: " + cycles + " kill -9 cycles (" + received + " batches acknowledged"
                    + " before the kills); " + audit);
            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            assertEquals(0, audit.lost(), "lost bets");
            assertEquals(0, audit.duplicates(), "duplicated bets");
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            assertTrue(Files.exists(run.serverDir().resolve("all-bets-sent.txt")), "all-bets-sent marks are persisted");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
        assertEquals(CYCLES, cycles);
    }
}
