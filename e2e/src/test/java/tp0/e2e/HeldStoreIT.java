package tp0.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.testkit.PostgresExtension;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.LotteryRun;

/**
 * Pings are answered at once in every session state, with the real jars: the server's database
 * session is frozen (SIGSTOP of its PostgreSQL backend) while an agency with a 1 s read timeout
 * sends its bets, so its batches wait on the store for three read timeouts, the session's pipeline
 * full and its stream held. The agency hears the server's Pongs meanwhile: it never counts the
 * connection as lost, and once the database is back it finishes on that one connection, exactly
 * once. Prints a loud SKIPPED line where no PostgreSQL can be started.
 */
class HeldStoreIT {
    private static final Duration LONG = Duration.ofMinutes(2);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Three read timeouts, and well under the store's own 5 s bounds on its session
     * (idle_in_transaction_session_timeout, lock_timeout): a backend frozen longer than those
     * while it was in a transaction ends its session when it resumes, and the store then refuses
     * as it must — another test's matter, not this one's.
     */
    private static final Duration HELD = READ_TIMEOUT.multipliedBy(3);
    private static final int BETS = 100_000;

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    /** The lottery server's backends (not psql's own). */
    private static List<String> serverBackends() throws IOException {
        String pids = postgres.server().sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()");
        return Arrays.stream(pids.split("\\s+")).filter(pid -> !pid.isEmpty()).toList();
    }

    private static void signal(List<String> pids, String signal) throws IOException, InterruptedException {
        for (String pid : pids) {
            Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IOException("kill -" + signal + " " + pid + " failed");
            }
        }
    }

    @Test
    void anAgencyWaitingOnAFrozenDatabaseHearsPongsAndNeverLosesItsConnection() throws Exception {
        Path runDir = RunDirs.fresh("e2e", "held-store");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"), new int[] {BETS},
                new int[] {3}, 41);
        Map<String, String> env = postgres.serverEnv("HTTP_PORT", "0");
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 1, env, line -> { })) {
            // Small batches: the agency is still sending when the database stops answering.
            ChildProcess agency = run.startAgency(1, data.files().get(1), Map.of(
                    "CLI_SERVER_READTIMEOUT", READ_TIMEOUT.toMillis() + "ms", "CLI_BATCH_MAXAMOUNT", "20"), line -> { });
            run.server().awaitLine("action: apuesta_recibida \\| result: success", LONG);
            List<String> backends = serverBackends();
            assertFalse(backends.isEmpty(), "the server holds a database session");
            signal(backends, "STOP");
            try {
                // Three read timeouts with the store held (its pipeline fills, the agency's window
                // too, and it waits for acks, pinging): the agency keeps its one connection.
                await().during(HELD).atMost(HELD.plusSeconds(10)).until(() ->
                        agency.isAlive() && agency.linesContaining("connection_lost").isEmpty());
            } finally {
                signal(backends, "CONT");
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);

            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            assertEquals(List.of(), agency.linesContaining("connection_lost"), String.join("\n", agency.tail(20)));
            assertEquals(List.of(), agency.linesContaining("result: fail"), String.join("\n", agency.tail(20)));
            assertEquals(BETS + "|" + BETS, postgres.server().sql("SELECT count(*) || '|' || count(DISTINCT ordinal) FROM bets"),
                    "every bet once");
            System.out.println("HeldStoreIT: database session frozen " + HELD + " under an agency with read timeout "
                    + READ_TIMEOUT + ": no connection_lost, every bet stored once");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }
}
