package tp0.launcher;

import tp0.testkit.ProcCpu;
import tp0.testkit.SlowLink;
import tp0.testkit.ThrowawayPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's figures, all on one throwaway PostgreSQL in one run:
 * <ul>
 *   <li>{@code cluster}: the same workload against one server ({@code STORE=postgres}, no cluster)
 *       and against a 3-node cluster whose agencies are spread over the nodes (agency k lists
 *       node k mod 3 first): ingest-only and total bets/s of each, and the ratio;</li>
 *   <li>{@code failover}: 3 nodes, five agencies ingesting, {@code kills} cycles of kill -9 of a
 *       random node (every third time the oldest: the singleton and the shard coordinator) and
 *       its restart; for every agency that lost its connection, the time from the kill to its
 *       next acknowledged batch (the first "resume" after the kill: the agency is welcomed again
 *       and its next ack follows at once); p50 and max.</li>
 * </ul>
 */
final class ClusterBenchmark {

    private ClusterBenchmark() {}

    static void throughput(Path root, Path runDir, Map<Integer, Path> files, long totalBets, int nodes)
            throws Exception {
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            System.out.println("== 1 server, STORE=postgres (PostgreSQL " + pg.sql("SHOW server_version") + ")");
            double pgBefore = pg.cpuSeconds();
            long commitsBefore = commits(pg);
            Benchmark.Result single = Benchmark.run(root, runDir.resolve("single"), files, pg.serverEnv(), Map.of());
            System.out.println(single.describe(totalBets));
            System.out.printf(Locale.ROOT, "cpu:    PostgreSQL %.2f s (all its processes, the whole run), %,d commits%n",
                    pg.cpuSeconds() - pgBefore, commits(pg) - commitsBefore);
            pg.sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
            System.out.println("== " + nodes + " nodes in one cluster, the same database, agencies spread over the nodes");
            long clusterCommitsBefore = commits(pg);
            double[] cluster = runCluster(root, runDir.resolve("cluster"), files, pg, nodes);
            System.out.printf(Locale.ROOT, "PostgreSQL: %,d commits (the whole run)%n", commits(pg) - clusterCommitsBefore);
            System.out.printf(Locale.ROOT, "total:  %.2f s, %,.0f bets/s%ningest: %.2f s, %,.0f bets/s%n",
                    cluster[0], totalBets / cluster[0], cluster[1], totalBets / cluster[1]);
            System.out.printf(Locale.ROOT, "cpu:    agencies %.2f s, nodes %.2f s (%s), PostgreSQL %.2f s"
                    + " during the run (user + system)%n", cluster[2], cluster[3], cluster[5] == 0 ? "-"
                    : String.format(Locale.ROOT, "%.2f + %.2f + %.2f", cluster[5], cluster[6], cluster[7]), cluster[4]);
            System.out.printf(Locale.ROOT, "== %d nodes / 1 server: %.0f%% ingest-only, %.0f%% total%n", nodes,
                    100 * single.ingestSeconds() / cluster[1], 100 * single.totalSeconds() / cluster[0]);
        }
    }

    /**
     * {total seconds, ingest seconds, agencies' CPU, the nodes' CPU, PostgreSQL's CPU, then each
     * node's CPU (first three)} of one cluster run.
     */
    private static double[] runCluster(Path root, Path runDir, Map<Integer, Path> files, ThrowawayPostgres pg,
                                       int nodes) throws IOException {
        E2eData.reset(runDir);
        Map<String, Long> firstConfig = new ConcurrentHashMap<>();
        Map<Integer, Long> allAcked = new ConcurrentHashMap<>();
        try (ClusterRun run = ClusterRun.start(root, runDir, nodes, files.size(), pg.serverEnv(), line -> { })) {
            long start = System.nanoTime();
            double agenciesBefore = ProcCpu.cpuSeconds("self", 16);
            double[] nodesBefore = nodesCpu(run);
            double pgBefore = pg.cpuSeconds();
            for (Map.Entry<Integer, Path> file : files.entrySet()) {
                int id = file.getKey();
                run.startAgency(id, file.getValue(), Map.of("CLI_SERVER_ADDRESS", run.addressListFrom(id)), line -> {
                    long now = System.nanoTime();
                    if (line.contains("action: config | result: success")) {
                        firstConfig.merge("first", now, Math::min);
                    }
                    if (line.contains("action: apuestas_enviadas | result: success")) {
                        allAcked.put(id, now);
                    }
                });
            }
            for (LotteryRun.AgencyOutcome o : run.awaitAgencies(Duration.ofHours(1))) {
                if (o.exitCode() != 0) {
                    throw new IllegalStateException("agency " + o.agency() + " failed: exit " + o.exitCode());
                }
            }
            long end = System.nanoTime();
            double agencies = ProcCpu.cpuSeconds("self", 16) - agenciesBefore;
            double[] nodesAfter = nodesCpu(run);
            if (Boolean.getBoolean("tp0.bench.threads")) {
                for (ClusterRun.Node node : run.nodes()) {
                    System.out.println("threads of " + node.name() + " (CPU s since it started): "
                            + Benchmark.threadCpu(node.process().pid()));
                }
            }
            double pgCpu = pg.cpuSeconds() - pgBefore;
            long lastAck = allAcked.values().stream().mapToLong(Long::longValue).max().orElse(end);
            run.stopAll(Duration.ofSeconds(60));
            double[] result = new double[8];
            result[0] = (end - start) / 1e9;
            result[1] = (lastAck - firstConfig.get("first")) / 1e9;
            result[2] = agencies;
            result[4] = pgCpu;
            for (int i = 0; i < nodesAfter.length; i++) {
                double node = nodesAfter[i] - nodesBefore[i];
                result[3] += node;
                if (i < 3) {
                    result[5 + i] = node;
                }
            }
            return result;
        }
    }


    /** Transactions committed in the database so far (statistics lag by up to a second: read after the run). */
    private static long commits(ThrowawayPostgres pg) throws IOException {
        return Long.parseLong(pg.sql("SELECT pg_stat_force_next_flush(); SELECT xact_commit FROM pg_stat_database"
                + " WHERE datname = current_database()").strip());
    }

    /** Each node's CPU seconds so far, in node order. */
    private static double[] nodesCpu(ClusterRun run) {
        return run.nodes().stream().mapToDouble(n -> ProcCpu.cpuSeconds(Long.toString(n.process().pid()), 14))
                .toArray();
    }

    /** Per agency connection during the cycles: ~40 batches of 2 bets a second. */
    private static final long FAILOVER_LINK_BYTES_PER_SECOND = 4_000;

    static void failover(Path root, Path runDir, int kills, long seed) throws Exception {
        E2eData.reset(runDir);
        Random random = new Random(seed);
        System.out.println("== failover: 3 nodes, 5 agencies, " + kills + " kill -9 cycles (seed " + seed + ")");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {40_000, 40_000, 40_000, 40_000, 40_000}, new int[] {1, 1, 1, 1, 1}, 5);
        List<Double> seconds = new ArrayList<>();
        List<SlowLink> links = new ArrayList<>();
        try (ThrowawayPostgres pg = ThrowawayPostgres.start();
             ClusterRun run = ClusterRun.start(root, runDir.resolve("cluster"), 3, 5, pg.serverEnv(), line -> { })) {
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
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    Optional<Long> back;
                    while ((back = agency.firstLineAfter("action: resume", killedAt)).isEmpty()
                            && agency.isAlive() && System.nanoTime() < deadline) {
                        waitFor(Duration.ofMillis(20));
                    }
                    back.ifPresent(t -> cycleSeconds.add((t - killedAt) / 1e9));
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
