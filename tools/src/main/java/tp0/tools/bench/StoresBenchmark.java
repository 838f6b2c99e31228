package tp0.tools.bench;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tp0.testkit.ThrowawayPostgres;

/**
 * The same workload on {@code STORE=file}, then on {@code STORE=postgres} (a throwaway
 * PostgreSQL 15, fsync and synchronous_commit on, see {@link ThrowawayPostgres}), in one run:
 * both, PostgreSQL's peak RSS (postmaster and backends) and CPU, and the ratio.
 */
final class StoresBenchmark {
    private StoresBenchmark() {}

    static void run(Benchmark.Options options, Workload workload) throws Exception {
        long totalBets = workload.totalBets();
        System.out.println("== STORE=file (config.ini as shipped)");
        RunResult file = WorkloadRun.run(options.root(), options.runDir().resolve("file"), workload.files(),
                Map.of(), Map.of());
        System.out.println(file.describe(totalBets));
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            System.out.println("== STORE=postgres (PostgreSQL " + pg.sql("SHOW server_version")
                    + ", fsync " + pg.sql("SHOW fsync") + ", synchronous_commit " + pg.sql("SHOW synchronous_commit") + ")");
            AtomicLong pgPeak = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            // The samples land in pgPeak; shutdownNow() below ends the sampling.
            Future<?> unused = sampler.scheduleAtFixedRate(
                    () -> pgPeak.accumulateAndGet(pg.rssKb(), Math::max), 0, 200, TimeUnit.MILLISECONDS);
            RunResult postgres;
            double pgCpuBefore = pg.cpuSeconds();
            try {
                postgres = WorkloadRun.run(options.root(), options.runDir().resolve("postgres"), workload.files(),
                        pg.serverEnv(), Map.of());
            } finally {
                sampler.shutdownNow();
            }
            double pgCpu = pg.cpuSeconds() - pgCpuBefore;
            System.out.println(postgres.describe(totalBets));
            System.out.printf(Locale.ROOT, "postgres: peak RSS %d MiB (postmaster + backends, sampled every 200 ms;"
                    + " shared buffers count in each process that touched them); cpu %.2f s (the run, the server's"
                    + " start and stop included)%n", pgPeak.get() / 1024, pgCpu);
            System.out.printf(Locale.ROOT, "== postgres / file: %.0f%% ingest-only, %.0f%% total%n",
                    100 * file.ingestSeconds() / postgres.ingestSeconds(),
                    100 * file.totalSeconds() / postgres.totalSeconds());
        }
    }
}
