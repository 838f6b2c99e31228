package tp0.tools.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import tp0.testkit.ThrowawayPostgres;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;

/**
 * The draw alone on the PostgreSQL store: a throwaway PostgreSQL whose bets table holds N rows of
 * agencies 1..4 (~0.01% winners, loaded by one INSERT ... generate_series after the server's own
 * migration made the schema), agencies 1..4 marked finished, then a server and agency 5 with no
 * bets, whose AllBetsSent triggers the draw: one query on the winners' partial index.
 */
final class PgDrawBenchmark {
    private PgDrawBenchmark() {}

    static void run(Path root, Path runDir, long rows) throws Exception {
        E2eData.reset(runDir);
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            // The server's start creates the schema (Flyway); stop it, then load.
            try (LotteryRun migrate = LotteryRun.start(root, runDir.resolve("migrate"), 5, pg.serverEnv(), line -> { })) {
                migrate.stopServer(Duration.ofSeconds(60));
            }
            long started = System.nanoTime();
            pg.sql("INSERT INTO bets SELECT 1 + (i / 150) % 4, i, 'Nombre' || (i % 97), 'Apellido' || (i % 89),"
                    + " lpad(((i * 7919) % 100000000)::text, 8, '0'), date '1940-01-01' + (i % 20000)::int,"
                    + " ((i * 2654435761) % 10000)::int FROM generate_series(1::bigint, " + rows + ") AS i;"
                    + " INSERT INTO agency_counts SELECT agency, count(*) FROM bets GROUP BY agency;"
                    + " INSERT INTO finished_agencies (agency) VALUES (1), (2), (3), (4)");
            pg.sql("VACUUM ANALYZE bets");
            String winners = pg.sql("SELECT count(*) FROM bets WHERE number = 7574");
            System.out.printf(Locale.ROOT, "workload: draw over %,d stored bets in PostgreSQL (%s winners), loaded in %.1f s;"
                    + " table %s, winners index %s%n", rows, winners, (System.nanoTime() - started) / 1e9,
                    pg.sql("SELECT pg_size_pretty(pg_total_relation_size('bets'))"),
                    pg.sql("SELECT pg_size_pretty(pg_relation_size('bets_winners'))"));
            System.out.println("plan: " + pg.sql("EXPLAIN SELECT agency, document FROM bets WHERE number = 7574"
                    + " ORDER BY agency, ordinal").replace('\n', ' '));

            DrawBenchmark.Timing timing = DrawBenchmark.timeTheDraw(root, runDir.resolve("draw"),
                    runDir.resolve("data"), pg.serverEnv());
            System.out.printf(Locale.ROOT, "server start (migration check + counts): %.2f s%n", timing.startSeconds());
            System.out.printf(Locale.ROOT, "draw: %.2f s (agency 5's all-sent → its winners answer, exit included)%n",
                    timing.drawSeconds());
            System.out.printf(Locale.ROOT, "server: peak RSS %d MiB; postgres RSS %d MiB%n", timing.peakRssKib() / 1024,
                    pg.rssKb() / 1024);
        }
    }
}
