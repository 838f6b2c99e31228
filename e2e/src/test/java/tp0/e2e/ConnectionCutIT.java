package tp0.e2e;

import tp0.tools.DatasetGenerator;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;
import tp0.testkit.ChaosProxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connections cut mid-batch (agency → server) and acknowledgements lost (server → agency) by
 * a proxy that resets connections: the agencies reconnect and resume, and every bet is stored
 * exactly once.
 */
class ConnectionCutIT {
    private static final Path ROOT = Path.of(System.getProperty("tp0.root", "..")).toAbsolutePath().normalize();
    private static final int CUTS = 100;
    private static final Duration LONG = Duration.ofMinutes(5);

    @Test
    void resetConnectionsLoseAndDuplicateNothing() throws IOException {
        Path runDir = ROOT.resolve("e2e/target/e2e/connection-cuts");
        E2eData.reset(runDir);
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {60_000, 50_000, 40_000, 30_000, 20_000}, new int[] {1, 2, 0, 3, 1}, 77);
        long seed = Long.getLong("tp0.cut.seed", System.nanoTime());
        System.out.println("connection cut test: seed " + seed + " (rerun with -Dtp0.cut.seed=" + seed + ")");

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

            for (LotteryRun.AgencyOutcome outcome : outcomes) {
                assertEquals(0, outcome.exitCode(), "agency " + outcome.agency() + " exit status");
                assertEquals(data.winnersPerAgency().get(outcome.agency()), outcome.winners());
            }
            assertTrue(proxy.cutsDone() >= 20, "the proxy really cut connections: " + proxy.cutsDone());
            assertEquals(0, audit.lost(), "lost bets");
            assertEquals(0, audit.duplicates(), "duplicated bets");
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }
}
