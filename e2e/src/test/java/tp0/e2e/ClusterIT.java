package tp0.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.testkit.PostgresExtension;
import tp0.testkit.SlowLink;
import tp0.tools.ChildProcess;
import tp0.tools.ClusterRun;
import tp0.tools.DatasetGenerator;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;
import tp0.tools.StartScript;

/**
 * The central as a 3-node Pekko Cluster of real lottery JVMs on loopback, sharing a throwaway
 * PostgreSQL, with real agency JVMs that know every node's address: the course's data, kill -9
 * of random nodes (the oldest included: it holds the draw coordinator singleton and the shard
 * coordinator) while the agencies ingest, a node killed while winners queries are parked, and a
 * node frozen (SIGSTOP) past the split brain resolver's stable-after. Prints a loud SKIPPED line
 * where no PostgreSQL can be started.
 */
class ClusterIT {
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final int NODES = 3;
    private static final int KILLS = Integer.parseInt(System.getProperty("tp0.cluster.kills", "10"));
    private static final String BATCH = System.getProperty("tp0.cluster.batch", "2");
    private static final String SORTEO = "action: sorteo | result: success";
    private static final String RECEIVED = "action: apuesta_recibida | result: success";
    /** Per agency connection while the kill cycles run: a batch of 2 bets is ~100 bytes on the wire. */
    private static final long LINK_BYTES_PER_SECOND = 4_000;
    /** This test's database (emptied before each test). */
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();
    @RegisterExtension
    final RunDir runDir = new RunDir("e2e-cluster");

    /** The nodes' environment: this test's database, waited for up to two minutes. */
    private static Map<String, String> env() {
        return postgres.serverEnv("DB_CONNECT_TIMEOUT", "120");
    }

    /** Agencies keep trying for longer than any failover takes. */
    private static Map<String, String> agencyEnv() {
        return Map.of("CLI_SERVER_CONNECTTIMEOUT", "120s");
    }

    private static void assertEveryNodeExitsZero(ClusterRun cluster) {
        List<Integer> exits = cluster.stopAll(Duration.ofSeconds(60));
        System.out.println("ClusterIT: node exit statuses after SIGTERM: " + exits);
        for (int exit : exits) {
            assertEquals(0, exit, "node exit status after SIGTERM: " + exits);
        }
    }

    @Test
    void threeNodesTheCourseDataOneDrawEveryProcessExitsZero() throws IOException {
        Path zip = ROOT.resolve("../shared/datasets/dataset.zip").normalize();
        Map<Integer, Path> files;
        List<Integer> expected;
        if (Files.isRegularFile(zip)) {
            files = E2eData.unzip(zip, runDir.path().resolve("data"));
            expected = List.of(2, 3, 3, 2, 0);
            System.out.println("ClusterIT: the course dataset " + zip);
        } else {
            DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"),
                    new int[] {1200, 900, 700, 400, 150}, new int[] {2, 3, 3, 2, 0}, 42);
            files = data.files();
            expected = List.of(2, 3, 3, 2, 0);
            System.out.println("ClusterIT: no course dataset at " + zip + "; a generated one");
        }
        long started = System.nanoTime();
        try (ClusterRun cluster = ClusterRun.start(ROOT, runDir.path(), NODES, 5, env(), line -> { })) {
            for (Map.Entry<Integer, Path> file : files.entrySet()) {
                cluster.startAgency(file.getKey(), file.getValue(), agencyEnv(), line -> { });
            }
            List<Integer> winners = new ArrayList<>();
            for (LotteryRun.AgencyOutcome outcome : cluster.awaitAgencies(LONG)) {
                assertEquals(0, outcome.exitCode(), "agency " + outcome.agency() + " exit status");
                winners.add(outcome.winners().size());
            }
            assertEquals(expected, winners, "winners per agency");
            assertEquals(1, cluster.countOfAllNodes(SORTEO), "one draw across all nodes' logs");
            long ledgers = cluster.countOfAllNodes("action: agency_ledger | result: success");
            assertEveryNodeExitsZero(cluster);
            System.out.printf("ClusterIT: 3 nodes, winners %s, 1 sorteo line in all nodes' logs, %d ledgers started,"
                    + " %.1f s%n", winners, ledgers, (System.nanoTime() - started) / 1e9);
        }
        assertEquals(String.valueOf(files.values().stream().mapToLong(ClusterIT::rows).sum()),
                StoredBets.countedStored(postgres.server()), "every bet stored once");
        assertEquals(postgres.server().sql("SELECT count(*) FROM bets"), StoredBets.countedStored(postgres.server()));
    }

    /**
     * kill -9 of a random node mid-ingestion (every third time the oldest), then its restart, for
     * {@code tp0.cluster.kills} cycles: no acknowledged bet lost, none stored twice, file order
     * kept, winners right, every agency exits 0. Prints the failover figures.
     */
    @Test
    void killNineOfRandomNodesLosesAndDuplicatesNothing() throws IOException {
        // The agencies reach the nodes through throttled links while the cycles run (~40 batches/s
        // each: 40k bets last ~8 minutes of cycles however fast the machine), then at full speed.
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"),
                new int[] {40_000, 38_000, 36_000, 34_000, 32_000}, new int[] {3, 2, 2, 1, 0}, 2024);
        Random random = Seeds.random("tp0.crash.seed", "ClusterIT kill test");
        List<Double> failovers = new ArrayList<>();
        int oldestKills = 0;
        List<SlowLink> links = new ArrayList<>();
        try (ClusterRun cluster = ClusterRun.start(ROOT, runDir.path(), NODES, 5, env(), line -> { })) {
            for (ClusterRun.Node node : cluster.nodes()) {
                links.add(new SlowLink(node.tcpPort, LINK_BYTES_PER_SECOND));
            }
            String throughLinks = String.join(",", links.stream().map(l -> "127.0.0.1:" + l.port()).toList());
            for (int k = 1; k <= 5; k++) {
                // Small batches, one in flight: many acks per second, so each kill falls mid-way.
                cluster.startAgency(k, data.files().get(k), Map.of("CLI_SERVER_CONNECTTIMEOUT", "120s",
                        "CLI_BATCH_MAXAMOUNT", BATCH, "CLI_BATCH_WINDOW", "1",
                        "CLI_SERVER_ADDRESS", throughLinks), line -> { });
            }
            for (int cycle = 0; cycle < KILLS; cycle++) {
                long seen = cluster.countOfAllNodes(RECEIVED);
                awaitCount(cluster, RECEIVED, seen + 20 + random.nextInt(60));
                boolean oldest = cycle % 3 == 0;
                ClusterRun.Node victim = oldest ? cluster.oldest()
                        : cluster.nodes().get(random.nextInt(NODES));
                if (victim == cluster.oldest()) {
                    oldestKills++;
                }
                String victimName = victim.name();
                long killedAt = System.nanoTime();
                cluster.kill(victim);
                failovers.addAll(failoverSeconds(cluster, killedAt));
                cluster.restart(victim);
                System.out.println("ClusterIT kill test: cycle " + (cycle + 1) + ": killed " + victimName
                        + (oldest ? " (the oldest)" : "") + ", restarted");
            }
            links.forEach(SlowLink::unthrottle); // the rest of the data as fast as it goes
            Outcomes.assertEachLearnedItsWinners(cluster.awaitAgencies(LONG), data);
            assertEquals(1, cluster.countOfAllNodes(SORTEO), "one draw across all nodes' logs");
            assertEveryNodeExitsZero(cluster);
        } finally {
            for (SlowLink link : links) {
                link.close();
            }
        }
        StoredBets.Audit audit = StoredBets.audit(exportBets(runDir.path()), data);
        Collections.sort(failovers);
        System.out.printf("ClusterIT kill test: %d kill -9 (%d of the oldest), %s; failover (kill -> an affected"
                        + " agency resumed) over %d agency reconnections: p50 %.1f s, max %.1f s%n", KILLS, oldestKills,
                audit, failovers.size(), percentile(failovers, 50), percentile(failovers, 100));
        audit.assertAllStoredOnceInOrder(data.totalBets());
        assertTrue(oldestKills >= 1, "the oldest node was killed");
    }

    /**
     * Four agencies finish and park their winners queries; the oldest node (the singleton's) and
     * then another are killed; the fifth agency finishes: every parked query is answered, each
     * agency with its own winners.
     */
    @Test
    void parkedWinnersQueriesAreAnsweredAfterTheirNodesAndTheSingletonsDie() throws IOException {
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"),
                new int[] {3000, 2500, 2000, 1500, 1000}, new int[] {2, 1, 3, 0, 2}, 77);
        try (ClusterRun cluster = ClusterRun.start(ROOT, runDir.path(), NODES, 5, env(), line -> { })) {
            for (int k = 1; k <= 4; k++) {
                cluster.startAgency(k, data.files().get(k), agencyEnv(), line -> { });
            }
            // Each node's relay says when it parks a query (the agencies say nothing while they wait).
            awaitCount(cluster, "action: consulta_ganadores | result: in_progress", 4);
            ClusterRun.Node oldest = cluster.oldest();
            cluster.kill(oldest);
            ClusterRun.Node other = cluster.nodes().stream().filter(n -> n != oldest).findFirst().orElseThrow();
            cluster.restart(oldest);
            cluster.kill(other);
            cluster.startAgency(5, data.files().get(5), agencyEnv(), line -> { });
            Outcomes.assertEachLearnedItsWinners(cluster.awaitAgencies(LONG), data);
            assertEquals(1, cluster.countOfAllNodes(SORTEO), "one draw across all nodes' logs");
            cluster.restart(other);
            assertEveryNodeExitsZero(cluster);
            System.out.println("ClusterIT parked queries: the oldest (" + oldest.name() + ") and " + other.name()
                    + " killed while 4 agencies waited for the draw: every agency got its own winners");
        }
    }

    /**
     * SIGTERM of the node every agency is on (the oldest: the singleton's and the shard
     * coordinator's) mid-ingestion: it leaves the cluster, hands its shards over and exits 0; its
     * agencies reconnect to the others and resume. 0 lost, 0 duplicates, file order kept.
     */
    @Test
    void aNodeStoppedGracefullyLeavesItsAgenciesGoOnAndItExitsZero() throws Exception {
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"),
                new int[] {12_000, 11_000, 10_000, 9_000, 8_000}, new int[] {2, 0, 1, 3, 1}, 31);
        List<SlowLink> links = new ArrayList<>();
        try (ClusterRun cluster = ClusterRun.start(ROOT, runDir.path(), NODES, 5, env(), line -> { })) {
            for (ClusterRun.Node node : cluster.nodes()) {
                links.add(new SlowLink(node.tcpPort, LINK_BYTES_PER_SECOND));
            }
            // The oldest node's link first: every agency is on it while it runs.
            ClusterRun.Node stopped = cluster.oldest();
            List<String> order = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                String address = "127.0.0.1:" + links.get(i).port();
                if (cluster.nodes().get(i) == stopped) {
                    order.add(0, address);
                } else {
                    order.add(address);
                }
            }
            for (int k = 1; k <= 5; k++) {
                cluster.startAgency(k, data.files().get(k), Map.of("CLI_SERVER_CONNECTTIMEOUT", "120s",
                        "CLI_BATCH_MAXAMOUNT", BATCH, "CLI_BATCH_WINDOW", "1",
                        "CLI_SERVER_ADDRESS", String.join(",", order)), line -> { });
            }
            awaitCount(cluster, RECEIVED, 300);
            for (int k = 1; k <= 5; k++) {
                List<String> on = cluster.agency(k).linesContaining("action: conectado");
                assertTrue(!on.isEmpty() && on.get(0).endsWith("server: " + order.get(0)),
                        "agency " + k + " is on " + stopped.name() + ": " + on);
            }
            long termAt = System.nanoTime();
            cluster.signal(stopped, "TERM");
            int exit = stopped.process().awaitExit(Duration.ofSeconds(60)).orElseThrow(() ->
                    new IllegalStateException(stopped.name() + " still runs 60 s after SIGTERM; last lines:\n  "
                            + String.join("\n  ", stopped.process().tail(20))));
            double exitedAfter = (System.nanoTime() - termAt) / 1e9;
            assertEquals(0, exit, "the stopped node's exit status");
            List<String> said = stopped.process().linesContaining("action: cluster_member");
            assertTrue(said.stream().anyMatch(l -> l.contains("event: self_removed")), "it says it left: " + said);
            List<Double> resumed = new ArrayList<>();
            for (int k = 1; k <= 5; k++) {
                cluster.agency(k).awaitLineAfter("action: resume", termAt, Duration.ofSeconds(60))
                        .ifPresent(t -> resumed.add((t - termAt) / 1e9));
            }
            links.forEach(SlowLink::unthrottle);
            Outcomes.assertEachLearnedItsWinners(cluster.awaitAgencies(LONG), data);
            assertEquals(1, cluster.countOfAllNodes(SORTEO), "one draw across all nodes' logs");
            Collections.sort(resumed);
            System.out.printf("ClusterIT graceful stop: SIGTERM of %s (the oldest, every agency on it): exit 0 after"
                    + " %.1f s; %d agencies resumed on the others after %s s%n", stopped.name(), exitedAfter,
                    resumed.size(), resumed.stream().map(d -> String.format("%.1f", d)).toList());
            assertEquals(5, resumed.size(), "every agency resumed elsewhere");
            cluster.restart(stopped);
            assertEveryNodeExitsZero(cluster);
        } finally {
            for (SlowLink link : links) {
                link.close();
            }
        }
        StoredBets.Audit audit = StoredBets.audit(exportBets(runDir.path()), data);
        System.out.println("ClusterIT graceful stop: " + audit);
        audit.assertAllStoredOnceInOrder(data.totalBets());
    }

    /**
     * A node frozen (SIGSTOP) well past stable-after, then resumed (SIGCONT), mid-ingestion: the
     * others down it and its agencies carry on through them; resumed, it finds itself out of the
     * cluster and shuts down (exit 0), saying so; anything it still tried to write is refused by
     * the guarded count. Then it is started again. 0 lost, 0 duplicates, file order kept.
     */
    @Test
    void aFrozenNodeIsDownedItsAgenciesContinueAndNothingIsStoredTwice() throws Exception {
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"),
                new int[] {40_000, 38_000, 36_000, 34_000, 32_000}, new int[] {1, 2, 0, 1, 2}, 99);
        try (ClusterRun cluster = ClusterRun.start(ROOT, runDir.path(), NODES, 5, env(), line -> { })) {
            for (int k = 1; k <= 5; k++) {
                cluster.startAgency(k, data.files().get(k), Map.of("CLI_SERVER_CONNECTTIMEOUT", "120s",
                        "CLI_BATCH_MAXAMOUNT", BATCH, "CLI_BATCH_WINDOW", "1"), line -> { });
            }
            awaitCount(cluster, RECEIVED, 2_000);
            ClusterRun.Node frozen = cluster.oldest(); // the singleton's and the shard coordinator's
            String member = "member: 127.0.0.1:" + frozen.clusterPort;
            long frozenAt = System.nanoTime();
            cluster.signal(frozen, "STOP");
            ClusterRun.Node other = cluster.nodes().stream().filter(n -> n != frozen).findFirst().orElseThrow();
            other.process().awaitLine("action: cluster_member \\| result: success \\| event: downed \\| " + member, LONG);
            double downedAfter = (System.nanoTime() - frozenAt) / 1e9;
            long storedWhileFrozen = cluster.countOfAllNodes(RECEIVED);
            awaitCount(cluster, RECEIVED, storedWhileFrozen + 200); // the others go on without it
            cluster.signal(frozen, "CONT");
            int exit = frozen.process().awaitExit(Duration.ofSeconds(60)).orElseThrow(() ->
                    new IllegalStateException(frozen.name() + " still runs after it was downed; last lines:\n  "
                            + String.join("\n  ", frozen.process().tail(20))));
            List<String> said = frozen.process().linesContaining("action: cluster_member");
            long refusedByGuard = frozen.process().linesContaining("stored count moved").size();
            System.out.printf("ClusterIT frozen node: %s SIGSTOP; downed by the others %.1f s later; after SIGCONT it"
                    + " exited %d saying %s; %d of its writes refused by the guarded count%n", frozen.name(),
                    downedAfter, exit, said.stream().filter(l -> l.contains("self_")).map(l -> l.substring(l.indexOf("event:")))
                            .toList(), refusedByGuard);
            assertEquals(0, exit, "the downed node's exit status");
            assertTrue(said.stream().anyMatch(l -> l.contains("event: self_")), "it says it was removed: " + said);
            cluster.restart(frozen);
            Outcomes.assertEachLearnedItsWinners(cluster.awaitAgencies(LONG), data);
            assertEquals(1, cluster.countOfAllNodes(SORTEO), "one draw across all nodes' logs");
            assertEveryNodeExitsZero(cluster);
        }
        StoredBets.Audit audit = StoredBets.audit(exportBets(runDir.path()), data);
        System.out.println("ClusterIT frozen node: " + audit);
        audit.assertNoneLostNorDuplicatedInOrder();
    }

    /** Polls the nodes' logs (no node notifies us) until {@code n} lines contain {@code text}. */
    private static void awaitCount(ClusterRun cluster, String text, long n) {
        await().atMost(LONG).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .alias(n + " lines '" + text + "' across the nodes")
                .until(() -> {
                    if (cluster.countOfAllNodes(text) >= n) {
                        return true;
                    }
                    boolean anyRunning = false;
                    for (int k = 1; k <= 5; k++) {
                        anyRunning |= cluster.agency(k) != null && cluster.agency(k).isAlive();
                    }
                    if (!anyRunning) {
                        throw new IllegalStateException("every agency ended before " + n + " lines '" + text + "'");
                    }
                    return false;
                });
    }

    /**
     * For each agency that lost its connection after {@code killedAt}: seconds until it was
     * welcomed back (its next ack follows at once). Waits for them (bounded).
     */
    private static List<Double> failoverSeconds(ClusterRun cluster, long killedAt) {
        List<Double> seconds = new ArrayList<>();
        Duration sinceKill = Duration.ofNanos(System.nanoTime() - killedAt);
        // An agency whose node died notices at once, one whose ledger died within the writer timeout
        // (4 s): every affected agency has said so 7 s after the kill. A fixed grace, not a condition.
        Duration grace = Duration.ofSeconds(7).minus(sinceKill);
        if (grace.compareTo(Duration.ZERO) > 0) {
            await().pollDelay(grace).atMost(grace.plusSeconds(1)).until(() -> true);
        }
        long deadline = killedAt + sinceKill.plusSeconds(60).toNanos();
        for (int k = 1; k <= 5; k++) {
            ChildProcess agency = cluster.agency(k);
            if (agency.firstLineAfter("action: connection_lost", killedAt).isEmpty()) {
                continue; // not affected
            }
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            try {
                await().atMost(left).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                        .until(() -> agency.firstLineAfter("action: resume", killedAt).isPresent()
                                || agency.firstLineAfter("action: consulta_ganadores", killedAt).isPresent()
                                || !agency.isAlive());
            } catch (ConditionTimeoutException notBackInTime) {
                // counted below as an agency that did not come back
            }
            agency.firstLineAfter("action: resume", killedAt).ifPresent(t -> seconds.add((t - killedAt) / 1e9));
        }
        return seconds;
    }

    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static long rows(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The stored bets as the course's bets.csv ({@code export-bets}). */
    private static Path exportBets(Path dir) throws IOException {
        Path work = dir.resolve("export");
        Path out = work.resolve("exported-bets.csv");
        ChildProcess.copy(ROOT.resolve("lottery/config.ini"), work.resolve("config.ini"));
        try (ChildProcess export = ChildProcess.startScript("export-bets", StartScript.of(ROOT, "lottery"),
                List.of("export-bets", out.toString()), work, postgres.serverEnv(), line -> { })) {
            assertEquals(0, export.awaitExit(LONG).orElseThrow(), "export-bets exit status: " + export.tail(5));
        }
        return out;
    }
}
