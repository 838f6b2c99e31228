package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.yaml.snakeyaml.Yaml;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.E2eData;

/**
 * The Docker deployment as its users run it: images built from the jars, a compose file from
 * generar-compose.sh with config and data bind-mounted, and only what `docker compose logs`,
 * `docker inspect` and validar-echo-server.sh show.
 *
 * It uses the deployment's real names (containers server, client1..5, network tp0_testing_net)
 * and so would replace a deployment already running here: it runs only when asked with
 * TP0_DOCKER_TESTS=1 (as .ci/run does after starting an engine with
 * ../shared/docker/ci-docker-setup.sh) and a Docker engine answers; otherwise it is skipped loudly.
 */
class DockerComposeIT {
    /** TP0_BASE_IMAGE, else the Dockerfiles' own base (JDK 25), else JDK 17's where only that one is here. */
    private static String BASE_IMAGE = System.getenv().getOrDefault("TP0_BASE_IMAGE", "eclipse-temurin:25-jre");
    private static final Duration RUN = Duration.ofMinutes(4);
    private static final List<String> CONTAINERS =
            List.of("server", "server1", "server2", "server3", "postgres", "prometheus",
                    "client1", "client2", "client3", "client4", "client5");
    private static boolean dockerReady;

    private Path work;
    private Path composeFile;
    private Path lotteryConfig;
    private Path agencyConfig;
    private Path dataDir;

    @BeforeAll
    static void dockerEngineAndImages() {
        boolean asked = "1".equals(System.getenv("TP0_DOCKER_TESTS"));
        if (asked && System.getenv("TP0_BASE_IMAGE") == null
                && !Shell.run(ROOT, "docker", "image", "inspect", BASE_IMAGE).ok()) {
            BASE_IMAGE = "eclipse-temurin:17-jre";
        }
        dockerReady = asked
                && Shell.run(ROOT, "docker", "info").ok()
                && Shell.run(ROOT, "docker", "image", "inspect", BASE_IMAGE).ok()
                && Shell.run(ROOT, "docker", "image", "inspect", "busybox:latest").ok();
        if (!dockerReady) {
            System.out.println("*********************************************************************");
            System.out.println(asked
                    ? "*** SKIPPED: Docker suite — no Docker engine, " + BASE_IMAGE + " or busybox image here."
                    : "*** SKIPPED: Docker suite — set TP0_DOCKER_TESTS=1 to run it (it replaces containers"
                            + " server, client1..5).");
            System.out.println("*** (CI gets an engine and images from ../shared/docker/ci-docker-setup.sh)");
            System.out.println("*********************************************************************");
            return;
        }
        // As operators (and the course's suite) build them: make, with the jars the reactor just
        // built (-o build: not again), so the labels and tags under test are the Makefile's.
        Shell.Result build = Shell.run(ROOT, Map.of(), Duration.ofMinutes(8), "make", "-s", "-o", "build",
                "docker-image", "BASE_IMAGE=" + BASE_IMAGE);
        assertEquals(0, build.exit(), "make docker-image:\n" + build.output());
    }

    @BeforeEach
    void freshProject(TestInfo test) throws IOException {
        assumeTrue(dockerReady, "SKIPPED: no Docker engine");
        removeLeftovers();
        work = RunDirs.fresh("docker-e2e", test);
        composeFile = work.resolve("docker-compose.yaml");
        lotteryConfig = work.resolve("config/config.ini");
        agencyConfig = work.resolve("config/config.yaml");
        dataDir = work.resolve("data");
        ChildProcess.copy(ROOT.resolve("lottery/config.ini"), lotteryConfig);
        ChildProcess.copy(ROOT.resolve("agency/config.yaml"), agencyConfig);
    }

    @AfterEach
    void down() {
        if (dockerReady && composeFile != null && Files.exists(composeFile)) {
            compose("down", "-t", "1");
        }
        if (dockerReady) {
            removeLeftovers();
        }
    }

    @Test
    void fiveAgenciesRunUnderComposeAndEachGetsItsOwnWinners() throws IOException {
        DatasetGenerator.Dataset data = DatasetGenerator.generate(dataDir,
                new int[] {3000, 2500, 2000, 1000, 300}, new int[] {2, 1, 3, 0, 1}, 11);
        generate(5);
        up();

        for (int k = 1; k <= 5; k++) {
            assertEquals(0, awaitExit("client" + k), "client" + k + " exit code");
        }
        assertTrue(running("server"), "the server keeps running after the agencies finish");
        Map<String, List<String>> logs = logsByContainer();

        List<String> server = logs.get("server");
        assertEquals(1, LogLines.count(server, "action: config | result: success | port: 12345 | listen_backlog: 5"
                + " | logging_level: INFO | num_agencies: 5"));
        assertEquals(1, LogLines.count(server, "action: sorteo | result: success"));
        assertEquals(data.totalBets(), LogLines.sum(server, "action: apuesta_recibida \\| result: success \\| cantidad: (\\d+)$"));
        for (int k = 1; k <= 5; k++) {
            List<String> client = logs.get("client" + k);
            assertEquals(1, LogLines.count(client, "action: config | result: success | client_id: " + k
                    + " | server_address: server:12345 | batch_max_amount: 500 | log_level: INFO | data_file: .data/agency-"
                    + k + ".csv"));
            assertEquals(data.winnersPerAgency().get(k), LogLines.captured(client, "action: ganador \\| result: success \\| dni: (\\S+)"),
                    "client" + k + " learns exactly its own winners");
            assertEquals(1, LogLines.count(client, "action: consulta_ganadores | result: success | cant_ganadores: "
                    + data.winnersPerAgency().get(k).size()));
            assertEquals(0, LogLines.count(client, "result: fail"));
        }

        assertEquals("action: test_echo_server | result: success", echoCheck(Map.of()));
        assertTrue(logsByContainer().get("server").stream().anyMatch(l -> l.contains("action: receive_message | result: success")));

        compose("stop", "-t", "10");
        assertEquals(0, exitCode("server"), "server exit code after docker compose stop");
        assertShutdownLines(logsByContainer().get("server"), "listener", "connections", "bets_file");
    }

    /**
     * STORE=postgres: the server waits for the postgres:15 service to be healthy, five agencies
     * store every bet there exactly once, and export-bets inside the server's container gives
     * the course's bets.csv.
     */
    @Test
    void fiveAgenciesRunOnThePostgresStore() throws IOException {
        assumeTrue(Shell.run(ROOT, "docker", "image", "inspect", "postgres:15").ok(),
                "SKIPPED: no postgres:15 image (../shared/docker/ci-docker-setup.sh builds one)");
        Shell.run(ROOT, "docker", "volume", "rm", "-f", "tp0_bets-db"); // a fresh database
        DatasetGenerator.Dataset data = DatasetGenerator.generate(dataDir,
                new int[] {3000, 2500, 2000, 1000, 300}, new int[] {2, 1, 3, 0, 1}, 12);
        generate(5, "postgres");
        up();
        for (int k = 1; k <= 5; k++) {
            assertEquals(0, awaitExit("client" + k), "client" + k + " exit code");
        }
        Map<String, List<String>> logs = logsByContainer();
        List<String> server = logs.get("server");
        assertEquals(1, LogLines.count(server, "| store: postgres | db: postgres:5432/lottery"), String.join("\n", server));
        assertEquals(1, LogLines.count(server, "action: sorteo | result: success"));
        for (int k = 1; k <= 5; k++) {
            assertEquals(data.winnersPerAgency().get(k), LogLines.captured(logs.get("client" + k),
                    "action: ganador \\| result: success \\| dni: (\\S+)"), "client" + k + " learns exactly its own winners");
        }
        Shell.Result count = Shell.run(ROOT, "docker", "exec", "postgres", "psql", "-U", "lottery", "-d", "lottery",
                "-Atc", "SELECT count(*) FROM bets");
        assertEquals(String.valueOf(data.totalBets()), count.output().strip(), count.output());
        Shell.Result export = Shell.run(ROOT, Map.of(), RUN, "docker", "exec", "server", "/app/bin/lottery",
                "export-bets", "/tmp/exported-bets.csv");
        assertEquals(0, export.exit(), export.output());
        Path exported = work.resolve("exported-bets.csv");
        assertEquals(0, Shell.run(ROOT, "docker", "cp", "server:/tmp/exported-bets.csv", exported.toString()).exit());
        StoredBets.assertExactlyOnceInOrder(exported, data);

        compose("stop", "-t", "10");
        assertEquals(0, exitCode("server"), "server exit code after docker compose stop");
        assertShutdownLines(logsByContainer().get("server"), "listener", "connections", "bets_db");
        compose("down", "-v", "-t", "1");
    }

    /**
     * NODES=3 STORE=postgres: the central as a Pekko Cluster of three containers on one postgres,
     * five agencies that know all three, the course's data (a generated set of the same winners
     * where the zip is missing). The echo check reaches a node; then `docker kill server1` — the
     * first node, the oldest, which holds the draw coordinator singleton and the shard coordinator
     * — while the agencies ingest, and it stays dead: its agencies go on on the other nodes, every
     * agency exits 0 with its own winners, one draw in all the nodes' logs together, every bet
     * stored exactly once in file order.
     */
    @Test
    void threeClusterNodesOneKilledMidIngestionLoseAndDuplicateNothing() throws IOException {
        assumeTrue(Shell.run(ROOT, "docker", "image", "inspect", "postgres:15").ok(),
                "SKIPPED: no postgres:15 image (../shared/docker/ci-docker-setup.sh builds one)");
        Shell.run(ROOT, "docker", "volume", "rm", "-f", "tp0_bets-db"); // a fresh database
        DatasetGenerator.Dataset data = courseDataOrGenerated();
        // Batches of 5 one at a time (as slowAgencies) keep the ingestion going long enough to be
        // cut; agencies keep retrying for longer than a failover takes (~10 s with cluster.conf).
        slowAgencies();
        Files.writeString(agencyConfig, Files.readString(agencyConfig)
                .replaceAll("connectTimeout: *\\S+", "connectTimeout: 90s"));
        generate(5, "postgres", 3);
        // The nodes first, each checked with the echo: the agencies then meet their first node up.
        Shell.Result nodesUp = compose("up", "-d", "server1", "server2", "server3");
        assertEquals(0, nodesUp.exit(), nodesUp.output());
        assertEquals("action: test_echo_server | result: success", echoCheck(Map.of("TIMEOUT", "40")),
                "the echo check without SERVER reaches server1");
        for (String node : List.of("server2", "server3")) {
            assertEquals("action: test_echo_server | result: success",
                    echoCheck(Map.of("SERVER", node, "TIMEOUT", "40")), "the echo check reaches " + node);
        }
        for (String node : List.of("server1", "server2", "server3")) {
            awaitLog(node, "action: cluster_join \\| result: success");
        }
        up();
        awaitLog("client1", "action: progress \\| result: in_progress");
        long killedAt = System.nanoTime();
        assertEquals(0, Shell.run(ROOT, "docker", "kill", "server1").exit(), "docker kill server1");

        List<Integer> exits = new ArrayList<>();
        for (int k = 1; k <= 5; k++) {
            exits.add(awaitExit("client" + k));
        }
        System.out.printf("docker cluster: every agency done %.1f s after docker kill server1, exit codes %s%n",
                (System.nanoTime() - killedAt) / 1e9, exits);
        Files.writeString(work.resolve("compose.log"), compose("logs", "--no-color", "-t").output());
        assertEquals(List.of(0, 0, 0, 0, 0), exits, "agencies' exit codes; logs in " + work.resolve("compose.log"));
        List<Integer> winners = new ArrayList<>();
        Map<String, List<String>> logs = logsByContainer();
        for (int k = 1; k <= 5; k++) {
            List<String> client = logs.get("client" + k);
            List<String> got = new ArrayList<>(LogLines.captured(client, "action: ganador \\| result: success \\| dni: (\\S+)"));
            List<String> want = new ArrayList<>(data.winnersPerAgency().get(k));
            java.util.Collections.sort(got);
            java.util.Collections.sort(want);
            assertEquals(want, got, "client" + k + " learns exactly its own winners");
            winners.add(got.size());
        }
        // client1 (its list starts at server1) was cut mid-file and resumed on another node;
        // client4 (also server1's) may have sent its 9,238 bets before the kill.
        for (int k = 1; k <= 5; k++) {
            List<String> client = logs.get("client" + k);
            List<String> moved = client.stream().filter(l -> l.contains("action: connection_lost")
                    || l.contains("action: conectado") || l.contains("action: resume")).toList();
            System.out.println("docker cluster: client" + k + ": " + String.join(" / ", moved));
        }
        List<String> client1 = logs.get("client1");
        assertTrue(LogLines.count(client1, "| server: server1:12345") >= 2
                        && !LogLines.captured(client1, "action: resume \\| result: success \\| stored_bets: (\\d+)").isEmpty()
                        && LogLines.count(client1, "action: conectado | result: success") >= 2,
                "client1 lost server1 mid-file and resumed elsewhere:\n" + String.join("\n", client1));
        long sorteos = 0;
        for (int n = 1; n <= 3; n++) {
            List<String> node = logs.getOrDefault("server" + n, List.of());
            assertEquals(1, LogLines.count(node, "| cluster: server" + n + ":25520"), "server" + n + "'s config line");
            sorteos += LogLines.count(node, "action: sorteo | result: success");
        }
        assertEquals(1, sorteos, "one draw in all the nodes' logs together");

        Shell.Result counts = Shell.run(ROOT, "docker", "exec", "postgres", "psql", "-U", "lottery", "-d", "lottery",
                "-Atc", "SELECT count(*) || ' ' || count(DISTINCT (agency, ordinal)) FROM bets");
        assertEquals(data.totalBets() + " " + data.totalBets(), counts.output().strip(), "rows and distinct rows");
        Shell.Result export = Shell.run(ROOT, Map.of(), RUN, "docker", "exec", "server2", "/app/bin/lottery",
                "export-bets", "/tmp/exported-bets.csv");
        assertEquals(0, export.exit(), export.output());
        Path exported = work.resolve("exported-bets.csv");
        assertEquals(0, Shell.run(ROOT, "docker", "cp", "server2:/tmp/exported-bets.csv", exported.toString()).exit());
        StoredBets.Audit audit = StoredBets.audit(exported, data);
        System.out.println("docker cluster: winners " + winners + ", " + audit);
        StoredBets.assertExactlyOnceInOrder(exported, data);
        assertEquals("action: test_echo_server | result: success", echoCheck(Map.of()), "the echo check reaches server2");

        // server1 started again while the others run: it rejoins them (it is the first seed of its
        // own list, so it would form a cluster of its own only if no other seed answered).
        assertEquals(0, Shell.run(ROOT, "docker", "start", "server1").exit(), "docker start server1");
        try (ChildProcess follow = ChildProcess.start("follow-server2", List.of("docker", "logs", "-f", "server2"),
                work, Map.of(), line -> { })) {
            follow.awaitCount("action: cluster_member | result: success | event: up | member: server1:25520", 2, RUN);
        }
        System.out.println("docker cluster: server1 started again and seen up by server2");

        compose("stop", "-t", "15");
        for (String node : List.of("server1", "server2", "server3")) {
            assertEquals(0, exitCode(node), node + " exit code after docker compose stop");
        }
        compose("down", "-v", "-t", "1");
    }

    /** The course's five agency files (winners 2, 3, 3, 2, 0), else generated ones with those winners. */
    private DatasetGenerator.Dataset courseDataOrGenerated() throws IOException {
        Path zip = ROOT.resolve("../shared/datasets/dataset.zip").normalize();
        if (!Files.isRegularFile(zip)) {
            System.out.println("docker cluster: no course dataset at " + zip + "; a generated one");
            return DatasetGenerator.generate(dataDir, new int[] {27_000, 25_000, 16_000, 9_000, 1_000},
                    new int[] {2, 3, 3, 2, 0}, 10);
        }
        Map<Integer, Path> files = E2eData.unzip(zip, dataDir);
        Map<Integer, Integer> counts = new java.util.LinkedHashMap<>();
        Map<Integer, List<String>> winners = new java.util.LinkedHashMap<>();
        for (Map.Entry<Integer, Path> file : files.entrySet()) {
            List<String> rows = StoredBets.rows(file.getValue());
            counts.put(file.getKey(), rows.size());
            winners.put(file.getKey(), rows.stream().map(r -> r.split(","))
                    .filter(f -> Integer.parseInt(f[4].strip()) == DatasetGenerator.WINNING_NUMBER)
                    .map(f -> f[2]).toList());
        }
        assertEquals(List.of(2, 3, 3, 2, 0), winners.values().stream().map(List::size).toList(), "the course's winners");
        return new DatasetGenerator.Dataset(files, counts, winners);
    }

    @Test
    void editedConfigFilesTakeEffectOnTheNextUpWithoutARebuild() throws IOException {
        DatasetGenerator.generate(dataDir, new int[] {400}, new int[] {1}, 5);
        generate(1);
        up();
        assertEquals(0, awaitExit("client1"));
        Map<String, List<String>> before = logsByContainer();
        assertEquals(1, LogLines.count(before.get("server"), "| logging_level: INFO |"));
        assertEquals(1, LogLines.count(before.get("client1"), "| batch_max_amount: 500 |"));
        compose("down", "-t", "10");

        Files.writeString(lotteryConfig, Files.readString(lotteryConfig).replace("LOGGING_LEVEL = INFO", "LOGGING_LEVEL = DEBUG"));
        Files.writeString(agencyConfig, Files.readString(agencyConfig).replaceAll("maxAmount: *\\d+", "maxAmount: 50"));
        up();
        assertEquals(0, awaitExit("client1"));
        Map<String, List<String>> after = logsByContainer();
        assertEquals(1, LogLines.count(after.get("server"), "| logging_level: DEBUG |"));
        assertEquals(1, LogLines.count(after.get("client1"), "| batch_max_amount: 50 |"));
        assertEquals(8, LogLines.count(after.get("server"), "action: apuesta_recibida | result: success | cantidad: 50"),
                "400 bets in batches of 50");
        assertEquals(400, LogLines.count(after.get("server"), "action: apuesta_almacenada | result: success"), "DEBUG lines");
    }

    @Test
    void echoCheckFailsWithoutServerAndAgainstAWrongOrSilentOne() {
        Shell.run(ROOT, "docker", "network", "create", "--subnet", "172.25.125.0/24", "tp0_testing_net");
        try {
            assertEquals("action: test_echo_server | result: fail", echoCheck(Map.of("TIMEOUT", "2")), "no server");

            standIn("while true; do echo wrong | nc -l -p 12345; done");
            assertEquals("action: test_echo_server | result: fail", echoCheck(Map.of("TIMEOUT", "2")), "wrong answer");
            Shell.run(ROOT, "docker", "rm", "-f", "server");

            standIn("while true; do nc -l -p 12345 > /dev/null; done");
            assertEquals("action: test_echo_server | result: fail", echoCheck(Map.of("TIMEOUT", "2")), "silent server");
        } finally {
            Shell.run(ROOT, "docker", "rm", "-f", "server");
            Shell.run(ROOT, "docker", "network", "rm", "tp0_testing_net");
        }
    }

    /**
     * The course's ej3 scenario: the echo check right after `up -d`, while the server's JVM is
     * still starting (it listens ~1 s after its container starts). The check retries until the
     * server answers instead of failing on its first attempt.
     */
    @Test
    void echoCheckRightAfterUpWaitsForTheStartingServer() {
        generate(0);
        for (int round = 1; round <= 3; round++) {
            up();
            assertEquals("action: test_echo_server | result: success", echoCheck(Map.of()), "round " + round);
            compose("down", "-t", "10");
        }
    }

    @Test
    void echoCheckAgainstStandInServers() {
        Shell.run(ROOT, "docker", "network", "create", "--subnet", "172.25.125.0/24", "tp0_testing_net");
        try {
            standIn("while true; do nc -l -p 12345 -e cat; done");
            assertEquals("action: test_echo_server | result: success", echoCheck(Map.of()), "an echo (busybox nc -e cat)");
            Shell.run(ROOT, "docker", "rm", "-f", "server");

            // The course's unhealthy mock answers "error reading data: <line>": an answer, so no retry.
            standIn("printf '#!/bin/sh\\nread l; echo error reading data: $l\\n' > /bad; chmod +x /bad;"
                    + " while true; do nc -l -p 12345 -e /bad; done");
            long start = System.nanoTime();
            assertEquals("action: test_echo_server | result: fail", echoCheck(Map.of("TIMEOUT", "20")), "a wrong answer");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "a wrong answer fails at once, not after TIMEOUT: " + took);
            Shell.run(ROOT, "docker", "rm", "-f", "server");

            // A server that comes up while the check is already trying.
            standIn("sleep 3; while true; do nc -l -p 12345 -e cat; done");
            assertEquals("action: test_echo_server | result: success", echoCheck(Map.of()), "an echo that starts late");
        } finally {
            Shell.run(ROOT, "docker", "rm", "-f", "server");
            Shell.run(ROOT, "docker", "network", "rm", "tp0_testing_net");
        }
    }

    /**
     * The course's ej4 `test_server_without_clients_down`: `docker stop` as soon as the server's
     * first log line appears, i.e. while its actor system starts or its port binds.
     */
    @Test
    void dockerStopRightAfterTheFirstLogLineExitsZero() throws IOException {
        generate(0);
        for (int round = 1; round <= 5; round++) {
            up();
            awaitLog("server", "action: ");
            Shell.Result stop = Shell.run(ROOT, Map.of(), RUN, "docker", "stop", "-t", "10", "server");
            assertEquals(0, stop.exit(), stop.output());
            List<String> server = logsByContainer().get("server");
            assertEquals(0, exitCode("server"), "round " + round + ": server exit code; log:\n" + String.join("\n", server));
            assertEquals(1, LogLines.count(server, "action: shutdown | result: success | resource: actor_system"),
                    "round " + round + ": the last shutdown line");
            compose("down", "-t", "1");
        }
    }

    @Test
    void sigtermMidIngestionEndsClientAndServerWithCodeZero() throws IOException {
        DatasetGenerator.generate(dataDir, new int[] {150_000, 150_000}, new int[] {1, 1}, 9);
        slowAgencies();
        generate(2);
        up();
        awaitLog("client1", "action: progress \\| result: in_progress");

        Shell.Result stop = Shell.run(ROOT, Map.of(), RUN, "docker", "stop", "-t", "10", "client1");
        assertEquals(0, stop.exit(), stop.output());
        assertEquals(0, exitCode("client1"), "client stopped mid-ingestion exits 0");
        List<String> client = logsByContainer().get("client1");
        assertEquals(1, LogLines.count(client, "action: shutdown | result: success | resource: connection"));
        assertEquals(1, LogLines.count(client, "action: shutdown | result: success | resource: data_file"));

        assertTrue(running("client2"), "client2 is still ingesting");
        stop = Shell.run(ROOT, Map.of(), RUN, "docker", "stop", "-t", "10", "server");
        assertEquals(0, stop.exit(), stop.output());
        assertEquals(0, exitCode("server"), "server stopped mid-ingestion exits 0");
        assertShutdownLines(logsByContainer().get("server"), "listener", "connections", "bets_file");
    }

    @Test
    void composeStopEndsEveryContainerWithCodeZero() throws IOException {
        DatasetGenerator.generate(dataDir, new int[] {150_000, 150_000, 150_000}, new int[] {0, 0, 0}, 4);
        slowAgencies();
        generate(3);
        up();
        for (int k = 1; k <= 3; k++) {
            awaitLog("client" + k, "action: progress \\| result: in_progress");
        }
        compose("stop", "-t", "10");
        Map<String, List<String>> logs = logsByContainer();
        for (String container : List.of("client1", "client2", "client3", "server")) {
            assertEquals(0, exitCode(container), container + " exit code");
        }
        for (int k = 1; k <= 3; k++) {
            assertEquals(1, LogLines.count(logs.get("client" + k), "action: shutdown | result: success | resource: connection"));
        }
        assertShutdownLines(logs.get("server"), "listener", "connections", "bets_file");
    }

    @Test
    void killedServerContainerRestartsAndTheAgenciesResume() throws IOException {
        DatasetGenerator.Dataset data = DatasetGenerator.generate(dataDir,
                new int[] {150_000, 120_000, 100_000}, new int[] {1, 2, 1}, 13);
        slowAgencies();
        generate(3);
        up();
        awaitLog("client1", "action: progress \\| result: in_progress");

        assertEquals(0, Shell.run(ROOT, "docker", "kill", "server").exit(), "docker kill server");
        assertEquals(0, Shell.run(ROOT, "docker", "start", "server").exit(), "docker start server");

        for (int k = 1; k <= 3; k++) {
            assertEquals(0, awaitExit("client" + k), "client" + k + " exit code after the server's crash");
        }
        Map<String, List<String>> logs = logsByContainer();
        for (int k = 1; k <= 3; k++) {
            assertEquals(data.winnersPerAgency().get(k),
                    LogLines.captured(logs.get("client" + k), "action: ganador \\| result: success \\| dni: (\\S+)"));
        }
        Path stored = work.resolve("bets.csv");
        assertEquals(0, Shell.run(ROOT, "docker", "cp", "server:/app/bets.csv", stored.toString()).exit());
        StoredBets.Audit audit = StoredBets.audit(stored, data);
        System.out.println("docker kill + restart: " + audit);
        StoredBets.assertExactlyOnceInOrder(stored, data);
    }

    /**
     * The images as `make docker-image` builds them: a user that is not root (the image's USER and
     * `id -u` in a container), the OCI labels (version as the program's --version says, revision
     * the commit built), tagged :<version> and :latest (one image).
     */
    @Test
    void imagesRunAsANonRootUserAndCarryLabelsAndBothTags() {
        Shell.Result head = Shell.run(ROOT, "git", "rev-parse", "HEAD");
        for (String program : List.of("lottery", "agency")) {
            String image = "tp0-" + program;
            String user = Shell.run(ROOT, "docker", "inspect", "-f", "{{.Config.User}}", image + ":latest").output().strip();
            assertTrue(!user.isEmpty() && !user.startsWith("0") && !user.startsWith("root"), image + " USER: '" + user + "'");
            Shell.Result uid = Shell.run(ROOT, "docker", "run", "--rm", "--entrypoint", "id", image + ":latest", "-u");
            assertEquals(0, uid.exit(), uid.output());
            assertNotEquals("0", uid.output().strip(), image + ": id -u in a container");

            // "lottery 1.0.0-SNAPSHOT (Java ...)": the version the jar itself reports.
            Shell.Result versionOutput = Shell.run(ROOT, "docker", "run", "--rm", image + ":latest", "--version");
            assertEquals(0, versionOutput.exit(), versionOutput.output());
            String version = versionOutput.output().strip().split(" ", -1)[1];
            Map<String, String> labels = labels(image + ":latest");
            System.out.println(image + ": USER " + user + ", id -u " + uid.output().strip() + ", labels " + labels);
            String oci = "org.opencontainers.image.";
            assertEquals(version, labels.get(oci + "version"), image + " version label");
            assertEquals(image, labels.get(oci + "title"));
            assertEquals("Apache-2.0", labels.get(oci + "licenses"));
            assertTrue(labels.getOrDefault(oci + "source", "").length() > 0, "a source label");
            assertTrue(labels.getOrDefault(oci + "created", "").matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"),
                    "created: " + labels.get(oci + "created"));
            if (head.ok()) {
                assertEquals(head.output().strip(), labels.get(oci + "revision"), image + " revision label");
            }
            String latestId = Shell.run(ROOT, "docker", "image", "inspect", "-f", "{{.Id}}", image + ":latest").output().strip();
            Shell.Result versioned = Shell.run(ROOT, "docker", "image", "inspect", "-f", "{{.Id}}", image + ":" + version);
            assertEquals(0, versioned.exit(), image + ":" + version + " is tagged: " + versioned.output());
            assertEquals(latestId, versioned.output().strip(), image + ":" + version + " and :latest are one image");
        }
    }

    /**
     * PERSIST=1: the file store's bets live in the named volume tp0_lottery-data. After a run and
     * `down`, a new `up` (new containers) finds them: the agencies are told every bet is stored
     * (resume at their file's end), the server receives none again, and each agency still gets
     * exactly its winners; the volume's bets.csv holds every bet once.
     */
    @Test
    void persistKeepsTheStoredBetsAcrossDownAndUp() throws IOException {
        Shell.run(ROOT, "docker", "volume", "rm", "-f", "tp0_lottery-data"); // an empty store
        DatasetGenerator.Dataset data = DatasetGenerator.generate(dataDir, new int[] {700, 400}, new int[] {1, 2}, 21);
        generate(2, Map.of("PERSIST", "1"));
        try {
            up();
            for (int k = 1; k <= 2; k++) {
                assertEquals(0, awaitExit("client" + k), "client" + k + " exit code, first run");
            }
            assertEquals(data.totalBets(), LogLines.sum(logsByContainer().get("server"),
                    "action: apuesta_recibida \\| result: success \\| cantidad: (\\d+)$"), "first run: every bet received");
            assertEquals("10001", Shell.run(ROOT, "docker", "exec", "server", "id", "-u").output().strip(), "the server's user");
            Shell.Result down = compose("down", "-t", "10");
            assertEquals(0, down.exit(), down.output());

            up();
            for (int k = 1; k <= 2; k++) {
                assertEquals(0, awaitExit("client" + k), "client" + k + " exit code, second run");
            }
            Map<String, List<String>> logs = logsByContainer();
            assertEquals(0, LogLines.count(logs.get("server"), "action: apuesta_recibida"),
                    "second run: nothing sent again:\n" + String.join("\n", logs.get("server")));
            for (int k = 1; k <= 2; k++) {
                int rows = data.betsPerAgency().get(k);
                assertEquals(1, LogLines.count(logs.get("client" + k), "action: resume | result: success | stored_bets: "
                        + rows + " | skipped_rows: " + rows), "client" + k + " is told its bets are stored");
                assertEquals(data.winnersPerAgency().get(k),
                        LogLines.captured(logs.get("client" + k), "action: ganador \\| result: success \\| dni: (\\S+)"));
            }
            Path stored = work.resolve("bets.csv");
            assertEquals(0, Shell.run(ROOT, "docker", "cp", "server:/app/data/bets.csv", stored.toString()).exit());
            StoredBets.assertExactlyOnceInOrder(stored, data);
        } finally {
            compose("down", "-v", "-t", "1");
        }
    }

    /**
     * MONITORING=1 with NODES=2 (STORE=postgres): the prometheus service, a real Prometheus
     * (compose/build-prometheus-image.sh's stand-in where prom/prometheus cannot be pulled),
     * scrapes both nodes: its API on the published port reports each node's target up, and the
     * kit's rules loaded.
     */
    @Test
    void monitoringScrapesEveryClusterNode() throws Exception {
        assumeTrue(Shell.run(ROOT, "docker", "image", "inspect", "postgres:15").ok(),
                "SKIPPED: no postgres:15 image (../shared/docker/ci-docker-setup.sh builds one)");
        String prometheusImage = prometheusImage();
        Shell.run(ROOT, "docker", "volume", "rm", "-f", "tp0_bets-db");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        generate(0, Map.of("STORE", "postgres", "NODES", "2", "MONITORING", "1",
                "PROMETHEUS_IMAGE", prometheusImage, "PROMETHEUS_PORT", "127.0.0.1:" + port));
        try {
            up();
            String api = "http://127.0.0.1:" + port + "/api/v1/";
            HttpClient http = HttpClient.newHttpClient();
            List<String> want = List.of("server1:8080 up", "server2:8080 up");
            List<String> got = Awaitility.await("both nodes' targets up in Prometheus")
                    .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> targets(http, api), want::equals);
            System.out.println("docker monitoring: Prometheus " + prometheusImage + " on 127.0.0.1:" + port + ": " + got);
            Map<String, Object> rules = new Yaml().load(get(http, api + "rules"));
            assertTrue(((List<?>) map(rules.get("data")).get("groups")).size() >= 2, "the kit's rule groups: " + rules);
            assertNotEquals("0", Shell.run(ROOT, "docker", "exec", "prometheus", "id", "-u").output().strip(),
                    "Prometheus runs as nobody");
        } finally {
            compose("down", "-v", "-t", "1");
        }
    }

    /** The image the compose file names, built here from Debian's package when it is not here (~3 s). */
    private static String prometheusImage() {
        String official = "prom/prometheus:v2.42.0";
        if (Shell.run(ROOT, "docker", "image", "inspect", official).ok()) {
            return official;
        }
        Shell.Result build = Shell.run(ROOT, Map.of(), Duration.ofMinutes(3), "bash", "compose/build-prometheus-image.sh");
        assumeTrue(build.ok(), "SKIPPED: no " + official + " and no stand-in (compose/build-prometheus-image.sh):\n"
                + build.output());
        String[] lines = build.output().strip().split("\n", -1);
        return lines[lines.length - 1];
    }

    /** Prometheus' active targets, "instance health", sorted. */
    private static List<String> targets(HttpClient http, String api) throws Exception {
        Map<String, Object> body = new Yaml().load(get(http, api + "targets"));
        List<String> targets = new ArrayList<>();
        for (Object target : (List<?>) map(body.get("data")).get("activeTargets")) {
            Map<String, Object> t = map(target);
            targets.add(map(t.get("labels")).get("instance") + " " + t.get("health"));
        }
        java.util.Collections.sort(targets);
        return targets;
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static Map<String, String> labels(String image) {
        Shell.Result json = Shell.run(ROOT, "docker", "inspect", "-f", "{{json .Config.Labels}}", image);
        assertEquals(0, json.exit(), json.output());
        Map<String, Object> parsed = new Yaml().load(json.output());
        Map<String, String> labels = new TreeMap<>();
        parsed.forEach((k, v) -> labels.put(k, String.valueOf(v)));
        return labels;
    }

    // ------------------------------------------------------------------ helpers

    private void generate(int clients) {
        generate(clients, "file");
    }

    private void generate(int clients, String store) {
        generate(clients, store, 1);
    }

    private void generate(int clients, String store, int nodes) {
        generate(clients, Map.of("STORE", store, "NODES", Integer.toString(nodes)));
    }

    /** generar-compose.sh for {@code clients} clients with the test's config and data and {@code settings}. */
    private void generate(int clients, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("LOTTERY_CONFIG", lotteryConfig.toString());
        env.put("AGENCY_CONFIG", agencyConfig.toString());
        env.put("DATA_DIR", dataDir.toString());
        Shell.Result result = Shell.run(ROOT, env,
                Duration.ofMinutes(1), "./generar-compose.sh", composeFile.toString(), Integer.toString(clients));
        assertEquals(0, result.exit(), result.output());
        Shell.Result config = Shell.run(ROOT, "docker", "compose", "-f", composeFile.toString(), "config", "-q");
        assertEquals(0, config.exit(), "docker compose config: " + config.output());
    }

    /**
     * These tests interrupt an ingestion in its middle: with the shipped settings the agencies
     * send 150,000 bets in well under the 2 s before their first progress line (even
     * stop-and-wait ones, measured), so here each waits for the ack of every batch of 5 bets
     * (the edited copy of config.yaml, as an operator would edit it): one round trip and one
     * fsync per 5 bets keeps each agency busy for many seconds.
     */
    private void slowAgencies() throws IOException {
        Files.writeString(agencyConfig, Files.readString(agencyConfig)
                .replaceAll("window: *\\d+", "window: 1")
                .replaceAll("maxAmount: *\\d+", "maxAmount: 5"));
    }

    private void up() {
        Shell.Result result = compose("up", "-d");
        assertEquals(0, result.exit(), result.output());
    }

    private Shell.Result compose(String... args) {
        List<String> command = new ArrayList<>(List.of("docker", "compose", "-f", composeFile.toString()));
        command.addAll(List.of(args));
        return Shell.run(ROOT, Map.of(), RUN, command.toArray(String[]::new));
    }

    private static int awaitExit(String container) {
        Shell.Result result = Shell.run(ROOT, Map.of(), RUN, "docker", "wait", container);
        assertEquals(0, result.exit(), result.output());
        return Integer.parseInt(result.output().strip());
    }

    private static int exitCode(String container) {
        return Integer.parseInt(Shell.run(ROOT, "docker", "inspect", "-f", "{{.State.ExitCode}}", container).output().strip());
    }

    private static boolean running(String container) {
        return Shell.run(ROOT, "docker", "inspect", "-f", "{{.State.Running}}", container).output().strip().equals("true");
    }

    /** Follows a container's log until a line matches: waits for the event, not for a guess of its time. */
    private void awaitLog(String container, String regex) throws IOException {
        try (ChildProcess follow = ChildProcess.start("follow-" + container,
                List.of("docker", "logs", "-f", container), work, Map.of(), line -> { })) {
            follow.awaitLine(regex, RUN);
        }
    }

    private Map<String, List<String>> logsByContainer() {
        Shell.Result logs = compose("logs", "--no-color");
        Map<String, List<String>> byContainer = new HashMap<>();
        Pattern prefix = Pattern.compile("^(\\S+)\\s+\\| (.*)$");
        for (String line : logs.output().split("\n", -1)) { // a trailing empty line matches no prefix
            Matcher m = prefix.matcher(line);
            if (m.matches()) {
                byContainer.computeIfAbsent(m.group(1), c -> new ArrayList<>()).add(m.group(2));
            }
        }
        return byContainer;
    }

    private static String echoCheck(Map<String, String> env) {
        Shell.Result result = Shell.run(ROOT, env, Duration.ofMinutes(1), "sh", "validar-echo-server.sh");
        return result.output().strip();
    }

    private static void standIn(String script) {
        Shell.Result result = Shell.run(ROOT, "docker", "run", "-d", "--name", "server", "--network", "tp0_testing_net",
                "busybox:latest", "sh", "-c", script);
        assertEquals(0, result.exit(), result.output());
    }

    private static void assertShutdownLines(List<String> lines, String... resources) {
        for (String resource : resources) {
            assertEquals(1, LogLines.count(lines, "action: shutdown | result: success | resource: " + resource),
                    "shutdown line for " + resource);
        }
    }


    private static void removeLeftovers() {
        List<String> command = new ArrayList<>(List.of("docker", "rm", "-f"));
        command.addAll(CONTAINERS);
        Shell.run(ROOT, command.toArray(String[]::new));
        Shell.run(ROOT, "docker", "network", "rm", "tp0_testing_net");
    }

}
