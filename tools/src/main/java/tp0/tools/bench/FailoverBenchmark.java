package tp0.tools.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import tp0.testkit.SlowLink;
import tp0.testkit.ThrowawayPostgres;
import tp0.tools.ChildProcess;
import tp0.tools.ClusterRun;
import tp0.tools.DatasetGenerator;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;

/**
 * Failover of the cluster: 3 nodes on one throwaway PostgreSQL, five agencies ingesting,
 * {@code kills} cycles of kill -9 of a random node (every third time the oldest: the singleton
 * and the shard coordinator) and its restart; for every agency that lost its connection, the
 * time from the kill to its next acknowledged batch (the first "resume" after the kill: the
 * agency is welcomed again and its next ack follows at once); p50 and max.
 */
final class FailoverBenchmark {
    private FailoverBenchmark() {}

    /** Per agency connection during the cycles: ~40 batches of 2 bets a second. */
    private static final long FAILOVER_LINK_BYTES_PER_SECOND = 4_000;

    static void run(Path root, Path runDir, int kills, long seed) throws Exception {
        E2eData.reset(runDir);
        Random random = new Random(seed);
        System.out.println("== failover: 3 nodes, 5 agencies, " + kills + " kill -9 cycles (seed " + seed + ")");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {40_000, 40_000, 40_000, 40_000, 40_000}, new int[] {1, 1, 1, 1, 1}, 5);
        List<Double> seconds = new ArrayList<>();
        List<SlowLink> links = new ArrayList<>();
        try (ThrowawayPostgres pg = ThrowawayPostgres.start();
             ClusterRun run = ClusterRun.start(root, runDir.resolve("cluster"), 3, 5, pg.serverEnv(), line -> { })) {
            System.out.println("server settings (each node): " + LotteryRun.describeSettings(WorkloadRun.with(
                    pg.serverEnv(), ClusterRun.NODE_SETTINGS)) + " + its own SERVER_PORT, CLUSTER_PORT, CLUSTER_SEED_NODES");
            for (ClusterRun.Node node : run.nodes()) {
                links.add(new SlowLink(node.tcpPort, FAILOVER_LINK_BYTES_PER_SECOND));
            }
            for (int k = 1; k <= 5; k++) {
                // Small batches, one in flight, through throttled links: ingestion lasts through every
                // cycle however fast the machine (at full speed 500,000 bets were gone after 4 cycles).
                List<String> order = new ArrayList<>();
                for (int i = 0; i < links.size(); i++) {
                    order.add("127.0.0.1:" + links.get((k - 1 + i) % links.size()).port());
                }
                run.startAgency(k, data.files().get(k), Map.of("CLI_SERVER_ADDRESS", String.join(",", order),
                        "CLI_SERVER_CONNECTTIMEOUT", "120s", "CLI_BATCH_MAXAMOUNT", "2", "CLI_BATCH_WINDOW", "1"),
                        line -> { });
            }
            for (int cycle = 1; cycle <= kills; cycle++) {
                waitFor(Duration.ofSeconds(3));
                ClusterRun.Node victim = cycle % 3 == 1 ? run.oldest() : run.nodes().get(random.nextInt(3));
                String name = victim.name();
                long killedAt = System.nanoTime();
                run.kill(victim);
                waitFor(Duration.ofSeconds(7)); // its agencies notice at once, or within the writer timeout (4 s)
                List<Double> cycleSeconds = new ArrayList<>();
                for (int k = 1; k <= 5; k++) {
                    ChildProcess agency = run.agency(k);
                    if (agency.firstLineAfter("action: connection_lost", killedAt).isEmpty()) {
                        continue;
                    }
                    agency.awaitLineAfter("action: resume", killedAt, Duration.ofSeconds(60)).ifPresent(t -> cycleSeconds.add((t - killedAt) / 1e9));
                }
                seconds.addAll(cycleSeconds);
                System.out.printf(Locale.ROOT, "cycle %d: kill -9 %s; agencies back after %s s%n", cycle, name,
                        cycleSeconds.stream().map(s -> String.format(Locale.ROOT, "%.1f", s)).toList());
                run.restart(victim);
            }
            links.forEach(SlowLink::unthrottle);
            run.awaitAgencies(Duration.ofMinutes(30));
            run.stopAll(Duration.ofSeconds(60));
        } finally {
            for (SlowLink link : links) {
                link.close();
            }
        }
        Collections.sort(seconds);
        System.out.printf(Locale.ROOT, "== failover over %d agency reconnections in %d kills: p50 %.1f s, max %.1f s"
                + " (kill -9 → the agency's next ack)%n", seconds.size(), kills,
                seconds.isEmpty() ? Double.NaN : seconds.get((seconds.size() - 1) / 2),
                seconds.isEmpty() ? Double.NaN : seconds.get(seconds.size() - 1));
    }

    private static void waitFor(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // pacing a benchmark's cycles, not waiting for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
