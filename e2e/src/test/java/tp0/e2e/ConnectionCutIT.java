package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.testkit.ChaosProxy;
import tp0.tools.DatasetGenerator;
import tp0.tools.LotteryRun;

/**
 * Connections cut mid-batch (agency → server) and acknowledgements lost (server → agency) by
 * a proxy that resets connections: the agencies reconnect and resume, and every bet is stored
 * exactly once.
 */
class ConnectionCutIT {
    private static final int CUTS = 100;
    private static final Duration LONG = Duration.ofMinutes(5);
    @RegisterExtension
    final RunDir folder = new RunDir("e2e");

    @Test
    void resetConnectionsLoseAndDuplicateNothing() throws IOException {
        Path runDir = folder.path();
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {60_000, 50_000, 40_000, 30_000, 20_000}, new int[] {1, 2, 0, 3, 1}, 77);
        long seed = Seeds.of("tp0.cut.seed", "connection cut test");

        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 5, Map.of(), line -> { });
             ChaosProxy proxy = new ChaosProxy(run.port(), seed, CUTS)) {
            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, data.files().get(k), Map.of(
                        "CLI_SERVER_ADDRESS", "127.0.0.1:" + proxy.port(),
                        "CLI_SERVER_CONNECTTIMEOUT", "60s"), line -> { });
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);
            StoredBets.Audit audit = StoredBets.audit(run.betsFile(), data);
            System.out.println("connection cut test: " + proxy.cutsDone() + " connections reset; " + audit);

            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            assertTrue(proxy.cutsDone() >= 20, "the proxy really cut connections: " + proxy.cutsDone());
            assertEquals(0, audit.lost(), "lost bets");
            assertEquals(0, audit.duplicates(), "duplicated bets");
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }
}
