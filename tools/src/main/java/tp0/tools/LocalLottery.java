package tp0.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import tp0.testkit.ThrowawayPostgres;

/**
 * Runs the whole lottery on this machine with the real jars: a server and N agencies
 * (NUM_AGENCIES, default 5) on {@code .data/agency-<k>.csv}, then prints each agency's
 * winners. Without those files it generates a deterministic dataset and says how to get the
 * course's. Started by {@code ./mvnw -q -DskipTests package exec:java} from the repository root;
 * with {@code NODES=3} the central is a 3-node cluster on a throwaway PostgreSQL ({@link ClusterRun}).
 */
public final class LocalLottery {

    private LocalLottery() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        int numAgencies = Integer.parseInt(System.getenv().getOrDefault("NUM_AGENCIES", "5"));
        Path runDir = root.resolve("tools/target/local-run");
        E2eData.reset(runDir);

        Map<Integer, Path> files = dataFiles(root, runDir, numAgencies);
        int nodes = Integer.parseInt(System.getenv().getOrDefault("NODES", "1"));
        if (nodes > 1) {
            runCluster(root, runDir, nodes, files);
            return;
        }
        long started = System.nanoTime();
        List<LotteryRun.AgencyOutcome> outcomes;
        int serverExit;
        // One server: the shipped HTTP port (8080, the status page at http://127.0.0.1:8080/), on
        // loopback only; HTTP_PORT=any (or 0, off) if 8080 is taken on this machine.
        Map<String, String> serverEnv = Map.of("HTTP_PORT", System.getenv().getOrDefault("HTTP_PORT", "8080"),
                "HTTP_IP", "127.0.0.1");
        try (LotteryRun run = LotteryRun.start(root, runDir, numAgencies, serverEnv, line -> echo("server", line))) {
            say("server listening on 127.0.0.1:" + run.port() + "; starting " + numAgencies + " agencies");
            startAgencies(files, (id, file, echo) -> run.startAgency(id, file, Map.of(), echo));
            outcomes = run.awaitAgencies(Duration.ofMinutes(30));
            serverExit = run.stopServer(Duration.ofSeconds(30));
        }
        report(root, runDir, started, outcomes, files, "logs and bets.csv", serverExit != 0,
                "server exit status " + serverExit);
    }

    /**
     * {@code NODES=K} (K > 1): a throwaway PostgreSQL, K lottery nodes in one Pekko Cluster on
     * loopback, the agencies given every node's address; the same table at the end.
     */
    private static void runCluster(Path root, Path runDir, int nodes, Map<Integer, Path> files) throws IOException {
        long started = System.nanoTime();
        List<LotteryRun.AgencyOutcome> outcomes;
        List<Integer> exits;
        ThrowawayPostgres pg;
        try {
            pg = ThrowawayPostgres.start();
        } catch (ThrowawayPostgres.Unavailable e) {
            throw new IllegalStateException("a cluster needs PostgreSQL: " + e.getMessage(), e);
        }
        try (pg; ClusterRun cluster = ClusterRun.start(root, runDir, nodes, files.size(), pg.serverEnv(),
                line -> echo(line.substring(0, line.indexOf(' ')), line.substring(line.indexOf(' ') + 1)))) {
            say(nodes + " nodes up in one cluster (" + cluster.addressList() + "), PostgreSQL on 127.0.0.1:"
                    + pg.port() + "; starting " + files.size() + " agencies");
            // Agency k lists node k mod K first: the agencies (and their ledgers) spread over the nodes.
            startAgencies(files, (id, file, echo) -> cluster.startAgency(id, file,
                    Map.of("CLI_SERVER_ADDRESS", cluster.addressListFrom(id)), echo));
            outcomes = cluster.awaitAgencies(Duration.ofMinutes(30));
            exits = cluster.stopAll(Duration.ofSeconds(60));
        }
        report(root, runDir, started, outcomes, files, "the nodes' and agencies' logs",
                exits.stream().anyMatch(e -> e != 0), "node exit statuses " + exits);
    }

    /** How {@link #startAgencies} starts one agency of a run. */
    private interface AgencyStarter {
        void start(int id, Path dataFile, Consumer<String> echo) throws IOException;
    }

    /** One agency per data file, each one's lines echoed under its name. */
    private static void startAgencies(Map<Integer, Path> files, AgencyStarter starter) throws IOException {
        for (Map.Entry<Integer, Path> file : files.entrySet()) {
            String name = "agency-" + file.getKey();
            starter.start(file.getKey(), file.getValue(), line -> echo(name, line));
        }
    }

    /** The results table and the time taken; fails (non-zero exit) when an agency or the central did. */
    private static void report(Path root, Path runDir, long started, List<LotteryRun.AgencyOutcome> outcomes,
                               Map<Integer, Path> files, String logs, boolean centralFailed, String centralStatus)
            throws IOException {
        double seconds = (System.nanoTime() - started) / 1e9;
        printTable(outcomes, files);
        say(String.format("done in %.1f s; %s under %s", seconds, logs, root.relativize(runDir)));
        long failed = outcomes.stream().filter(o -> o.exitCode() != 0).count();
        if (failed > 0 || centralFailed) {
            throw new IllegalStateException(failed + " agencies failed, " + centralStatus
                    + "; see the logs under " + runDir);
        }
    }

    /** {@code .data/agency-k.csv} for every k when all exist; otherwise a generated set. */
    private static Map<Integer, Path> dataFiles(Path root, Path runDir, int numAgencies) throws IOException {
        Map<Integer, Path> files = new LinkedHashMap<>();
        for (int k = 1; k <= numAgencies; k++) {
            files.put(k, root.resolve(".data/agency-" + k + ".csv"));
        }
        if (files.values().stream().allMatch(Files::isRegularFile)) {
            say("using the bet files in .data/");
            return files;
        }
        say(".data/agency-1.csv … agency-" + numAgencies + ".csv not found.");
        say("  For the course's dataset: unzip dataset.zip -d .data   (e.g. unzip ../shared/datasets/dataset.zip -d .data)");
        say("  Using a generated dataset instead (deterministic, accented names, known winners).");
        int[] bets = new int[numAgencies];
        int[] winners = new int[numAgencies];
        for (int i = 0; i < numAgencies; i++) {
            bets[i] = 5_000 - 700 * (i % 5);
            winners[i] = (i * 2 + 1) % 4;
        }
        return DatasetGenerator.generate(runDir.resolve("data"), bets, winners, 7574).files();
    }

    /** Only what a person watching wants: progress, the draw, results and failures. */
    private static void echo(String process, String line) {
        if (line.contains("action: progress") || line.contains("action: sorteo") || line.contains("action: cluster_join")
                || line.contains("action: consulta_ganadores") || line.contains("result: fail")) {
            System.out.printf("  %-9s %s%n", process, line);
        }
    }

    private static void printTable(List<LotteryRun.AgencyOutcome> outcomes, Map<Integer, Path> files) throws IOException {
        System.out.println();
        System.out.println(" agency |    bets | winners | documents");
        System.out.println("--------+---------+---------+------------------------------");
        for (LotteryRun.AgencyOutcome o : outcomes) {
            String documents = o.exitCode() != 0 ? "(agency failed: exit " + o.exitCode() + ")"
                    : o.winners().isEmpty() ? "-" : String.join(", ", o.winners());
            System.out.printf(" %6d | %7d | %7d | %s%n", o.agency(), countRows(files.get(o.agency())),
                    o.winners().size(), documents);
        }
        System.out.println();
    }

    private static long countRows(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(line -> !line.isBlank()).count();
        }
    }

    private static void say(String text) {
        System.out.println("[lottery] " + text);
    }
}
