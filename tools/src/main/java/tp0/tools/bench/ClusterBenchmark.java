package tp0.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tp0.testkit.ProcCpu;
import tp0.testkit.ThrowawayPostgres;
import tp0.tools.ClusterRun;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;

/**
 * The cluster's throughput, on one throwaway PostgreSQL in one run: the same workload against one
 * server ({@code STORE=postgres}, no cluster) and against a cluster of {@code nodes} whose agencies
 * are spread over the nodes (agency k lists node k mod 3 first): ingest-only and total bets/s of
 * each, and the ratio.
 */
final class ClusterBenchmark {

    private ClusterBenchmark() {}

    static void run(Benchmark.Options options, Workload workload, int nodes) throws Exception {
        Path root = options.root();
        Path runDir = options.runDir();
        Map<Integer, Path> files = workload.files();
        long totalBets = workload.totalBets();
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            System.out.println("== 1 server, STORE=postgres (PostgreSQL " + pg.sql("SHOW server_version") + ")");
            double pgBefore = pg.cpuSeconds();
            long commitsBefore = commits(pg);
            RunResult single = WorkloadRun.run(root, runDir.resolve("single"), files, pg.serverEnv(), Map.of());
            System.out.println(single.describe(totalBets));
            System.out.printf(Locale.ROOT, "cpu:    PostgreSQL %.2f s (all its processes, the whole run), %,d commits%n",
                    pg.cpuSeconds() - pgBefore, commits(pg) - commitsBefore);
            pg.emptyDatabase();
            System.out.println("== " + nodes + " nodes in one cluster, the same database, agencies spread over the nodes");
            System.out.println("server settings (each node): " + LotteryRun.describeSettings(WorkloadRun.with(
                    pg.serverEnv(), ClusterRun.NODE_SETTINGS)) + " + its own SERVER_PORT, CLUSTER_PORT, CLUSTER_SEED_NODES");
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
                            + JvmProbes.threadCpu(node.process().pid()));
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
}
