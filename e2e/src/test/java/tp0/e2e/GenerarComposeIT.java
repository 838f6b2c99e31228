package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/** generar-compose.sh, checked by parsing what it writes (no Docker engine needed). */
class GenerarComposeIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5})
    void writesServerAndClientsOnTheTestingNetwork(int clients) throws IOException {
        Path file = dir.resolve("docker-compose-dev.yaml");
        Shell.Result result = Shell.run(ROOT, "./generar-compose.sh", file.toString(), Integer.toString(clients));
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("Nombre del archivo de salida: " + file), result.output());
        assertTrue(result.output().contains("Cantidad de clientes: " + clients), result.output());

        Map<String, Object> compose = new Yaml().load(Files.readString(file));
        assertEquals("tp0", compose.get("name"));
        Map<String, Object> networks = map(compose.get("networks"));
        Map<String, Object> ipam = map(map(networks.get("testing_net")).get("ipam"));
        assertEquals("172.25.125.0/24", map(((List<?>) ipam.get("config")).get(0)).get("subnet"));

        Map<String, Object> services = map(compose.get("services"));
        assertEquals(clients + 1, services.size(), "server plus one service per client");
        Map<String, Object> server = map(services.get("server"));
        assertEquals("server", server.get("container_name"));
        assertEquals(List.of("testing_net"), server.get("networks"));
        assertEquals(clients == 0 ? null : List.of("NUM_AGENCIES=" + clients), server.get("environment"),
                "only NUM_AGENCIES: nothing may override config.ini");
        assertEquals(List.of(hostPath(file, "lottery/config.ini") + ":/app/config.ini:ro"), server.get("volumes"));
        Map<String, Object> health = map(server.get("healthcheck"));
        assertEquals(List.of("CMD", "/app/bin/lottery", "healthcheck"), health.get("test"), "a probe of /health/ready");
        assertTrue(server.get("ports") == null, "no port published: the echo check needs none");

        for (int k = 1; k <= clients; k++) {
            Map<String, Object> client = map(services.get("client" + k));
            assertEquals("client" + k, client.get("container_name"));
            assertEquals(List.of("CLI_ID=" + k), client.get("environment"), "only CLI_ID: nothing may override config.yaml");
            assertEquals(List.of("testing_net"), client.get("networks"));
            assertEquals(List.of(
                    hostPath(file, "agency/config.yaml") + ":/app/config.yaml:ro",
                    hostPath(file, ".data/agency-" + k + ".csv") + ":/app/.data/agency-" + k + ".csv:ro"),
                    client.get("volumes"), "its own bet file only, read-only");
            assertEquals(List.of("server"), client.get("depends_on"),
                    "a plain depends_on by default: the course's suite reads the logs after up -d");
        }
    }

    /** WAIT_HEALTHY=1: each agency starts once the server's healthcheck says ready. */
    @Test
    void waitHealthyMakesTheAgenciesWaitForTheServersHealthcheck() throws IOException {
        Path file = dir.resolve("docker-compose-healthy.yaml");
        Shell.Result result = Shell.run(ROOT, Map.of("WAIT_HEALTHY", "1"), java.time.Duration.ofSeconds(30),
                "./generar-compose.sh", file.toString(), "3");
        assertEquals(0, result.exit(), result.output());
        Map<String, Object> services = map(new Yaml().<Map<String, Object>>load(Files.readString(file)).get("services"));
        for (int k = 1; k <= 3; k++) {
            assertEquals(Map.of("server", Map.of("condition", "service_healthy")),
                    map(services.get("client" + k)).get("depends_on"), "client" + k);
        }
        Shell.Result bad = Shell.run(ROOT, Map.of("WAIT_HEALTHY", "yes"), java.time.Duration.ofSeconds(30),
                "./generar-compose.sh", dir.resolve("bad.yaml").toString(), "1");
        assertNotEquals(0, bad.exit());
        assertTrue(bad.output().contains("WAIT_HEALTHY='yes'"), bad.output());
        assertFalse(Files.exists(dir.resolve("bad.yaml")));
    }

    /** STORE=postgres: a postgres:15 service with a named volume and a healthcheck the server waits for. */
    @Test
    void storePostgresAddsADatabaseTheServerWaitsFor() throws IOException {
        Path file = dir.resolve("docker-compose-pg.yaml");
        generate(Map.of("STORE", "postgres", "DB_PASSWORD", "s3cret"), file, "5");
        Map<String, Object> compose = new Yaml().load(Files.readString(file));
        Map<String, Object> services = map(compose.get("services"));
        assertEquals(7, services.size(), "server, postgres and 5 clients");
        Map<String, Object> postgres = map(services.get("postgres"));
        assertEquals("postgres:15", postgres.get("image"));
        assertEquals(List.of("bets-db:/var/lib/postgresql/data"), postgres.get("volumes"));
        assertTrue(map(compose.get("volumes")).containsKey("bets-db"), "a named volume");
        assertTrue(postgres.get("environment").toString().contains("POSTGRES_PASSWORD=s3cret"));
        assertTrue(map(postgres.get("healthcheck")).get("test").toString().contains("pg_isready"));
        Map<String, Object> server = map(services.get("server"));
        assertEquals(List.of("NUM_AGENCIES=5", "STORE=postgres", "DB_URL=jdbc:postgresql://postgres:5432/lottery",
                "DB_USER=lottery", "DB_PASSWORD=s3cret"), server.get("environment"));
        assertEquals(Map.of("postgres", Map.of("condition", "service_healthy")), server.get("depends_on"));
    }

    @Test
    void anUnknownStoreIsRefused() {
        Path file = dir.resolve("out.yaml");
        Shell.Result result = Shell.run(ROOT, Map.of("STORE", "mysql"), java.time.Duration.ofSeconds(30),
                "./generar-compose.sh", file.toString(), "1");
        assertNotEquals(0, result.exit());
        assertTrue(result.output().contains("STORE='mysql'"), result.output());
        assertFalse(Files.exists(file));
    }

    /**
     * NODES=3 STORE=postgres: the central as three cluster nodes server1..3 (no `server`), every
     * one a seed in the same order, each reached by its own name; every client knows all nodes,
     * starting at its own ((k-1) mod 3)+1, and waits for all of them.
     */
    @Test
    void nodesThreeWritesAClusterOfThreeNodesAndRotatedAddressLists() throws IOException {
        Path file = dir.resolve("docker-compose-cluster.yaml");
        Shell.Result result = generate(Map.of("NODES", "3", "STORE", "postgres", "DB_PASSWORD", "s3cret"), file, "5");
        assertTrue(result.output().contains("Cantidad de nodos: 3"), result.output());
        Map<String, Object> compose = new Yaml().load(Files.readString(file));
        Map<String, Object> services = map(compose.get("services"));
        assertEquals(List.of("server1", "server2", "server3", "postgres",
                "client1", "client2", "client3", "client4", "client5"), List.copyOf(services.keySet()));
        String seeds = "CLUSTER_SEED_NODES=server1:25520,server2:25520,server3:25520";
        for (int n = 1; n <= 3; n++) {
            Map<String, Object> node = map(services.get("server" + n));
            assertEquals("server" + n, node.get("container_name"));
            assertEquals("tp0-lottery:latest", node.get("image"));
            assertEquals(List.of("NUM_AGENCIES=5", "STORE=postgres", "DB_URL=jdbc:postgresql://postgres:5432/lottery",
                    "DB_USER=lottery", "DB_PASSWORD=s3cret", seeds, "CLUSTER_HOST=server" + n, "CLUSTER_PORT=25520"),
                    node.get("environment"));
            assertEquals(Map.of("postgres", Map.of("condition", "service_healthy")), node.get("depends_on"));
            assertEquals(List.of("testing_net"), node.get("networks"));
            assertEquals(List.of(hostPath(file, "lottery/config.ini") + ":/app/config.ini:ro"), node.get("volumes"));
        }
        List<String> rotations = List.of(
                "server1:12345,server2:12345,server3:12345",
                "server2:12345,server3:12345,server1:12345",
                "server3:12345,server1:12345,server2:12345");
        for (int k = 1; k <= 5; k++) {
            Map<String, Object> client = map(services.get("client" + k));
            assertEquals(List.of("CLI_ID=" + k, "CLI_SERVER_ADDRESS=" + rotations.get((k - 1) % 3)),
                    client.get("environment"), "client" + k + " starts at node " + ((k - 1) % 3 + 1));
            assertEquals(List.of("server1", "server2", "server3"), client.get("depends_on"));
        }
        assertTrue(map(compose.get("volumes")).containsKey("bets-db"), "one database for all nodes");
    }

    /** Two nodes and no clients: NUM_AGENCIES from config.ini, as for the single server. */
    @Test
    void aClusterWithoutClientsKeepsConfigIniNumAgencies() throws IOException {
        Path file = dir.resolve("dc.yaml");
        generate(Map.of("NODES", "2", "STORE", "postgres", "DB_PASSWORD", "pw"), file, "0");
        Map<String, Object> services = map(new Yaml().<Map<String, Object>>load(Files.readString(file)).get("services"));
        assertEquals(List.of("server1", "server2", "postgres"), List.copyOf(services.keySet()));
        assertEquals(List.of("STORE=postgres", "DB_URL=jdbc:postgresql://postgres:5432/lottery", "DB_USER=lottery",
                "DB_PASSWORD=pw", "CLUSTER_SEED_NODES=server1:25520,server2:25520", "CLUSTER_HOST=server2",
                "CLUSTER_PORT=25520"), map(services.get("server2")).get("environment"));
    }

    /** NODES=1 is the default: the very same bytes as without NODES, for either store and any clients. */
    @ParameterizedTest
    @ValueSource(strings = {"file:0", "file:5", "postgres:0", "postgres:5"})
    void nodesOneIsByteForByteTheSingleServer(String storeAndClients) throws IOException {
        String store = storeAndClients.split(":", -1)[0];
        String clients = storeAndClients.split(":", -1)[1];
        Path without = dir.resolve("a/dc.yaml");
        Path withOne = dir.resolve("b/dc.yaml");
        Shell.Result a = Shell.run(ROOT, Map.of("STORE", store), java.time.Duration.ofSeconds(30),
                "./generar-compose.sh", without.toString(), clients);
        Shell.Result b = Shell.run(ROOT, Map.of("STORE", store, "NODES", "1"), java.time.Duration.ofSeconds(30),
                "./generar-compose.sh", withOne.toString(), clients);
        assertEquals(0, a.exit(), a.output());
        assertEquals(0, b.exit(), b.output());
        assertEquals(Files.readString(without), Files.readString(withOne));
        assertFalse(Files.readString(withOne).contains("CLUSTER_"), "no cluster keys for one node");
        assertFalse(b.output().contains("Cantidad de nodos"), b.output());
    }

    /**
     * PERSIST=1 on the file store: the server's working directory is the named volume
     * lottery-data at /app/data (bets.csv and its marks survive `down`), config.ini mounted into
     * it; the agencies are as without it.
     */
    @Test
    void persistPutsTheFileStoreInANamedVolume() throws IOException {
        Path file = dir.resolve("dc.yaml");
        generate(Map.of("PERSIST", "1"), file, "2");
        Map<String, Object> compose = new Yaml().load(Files.readString(file));
        Map<String, Object> server = map(map(compose.get("services")).get("server"));
        assertEquals("/app/data", server.get("working_dir"));
        assertEquals(List.of("lottery-data:/app/data", hostPath(file, "lottery/config.ini") + ":/app/data/config.ini:ro"),
                server.get("volumes"));
        assertEquals(List.of(hostPath(file, "agency/config.yaml") + ":/app/config.yaml:ro",
                hostPath(file, ".data/agency-1.csv") + ":/app/.data/agency-1.csv:ro"),
                map(map(compose.get("services")).get("client1")).get("volumes"));
        assertEquals(List.of("lottery-data"), List.copyOf(map(compose.get("volumes")).keySet()));
    }

    /** STORE=postgres keeps its bets in the named volume bets-db anyway: PERSIST=1 writes the same file. */
    @ParameterizedTest
    @ValueSource(strings = {"1", "3"})
    void persistChangesNothingOnThePostgresStore(String nodes) throws IOException {
        Path without = dir.resolve("a/dc.yaml");
        Path with = dir.resolve("b/dc.yaml");
        generate(Map.of("STORE", "postgres", "NODES", nodes), without, "3");
        generate(Map.of("STORE", "postgres", "NODES", nodes, "PERSIST", "1"), with, "3");
        assertEquals(Files.readString(without), Files.readString(with));
    }

    /**
     * MONITORING=1: a prometheus service whose configuration, written next to the compose file by
     * the kit's scrape-nodes.sh, scrapes every node's HTTP port (config.ini's HTTP_PORT) and loads
     * the kit's rules; its port published on loopback 9090 (PROMETHEUS_PORT); the nodes and
     * agencies as without it.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void monitoringAddsPrometheusScrapingEveryNode(int nodes) throws IOException {
        Path file = dir.resolve("monitored/docker-compose-dev.yaml");
        Path plain = dir.resolve("plain/docker-compose-dev.yaml"); // as deep: the same relative paths
        Map<String, String> env = Map.of("STORE", "postgres", "NODES", Integer.toString(nodes));
        generate(env, plain, "2");
        Map<String, String> monitored = new HashMap<>(env);
        monitored.put("MONITORING", "1");
        Shell.Result result = generate(monitored, file, "2");
        Path config = dir.resolve("monitored/docker-compose-dev.prometheus.yml");
        assertTrue(result.output().contains("Prometheus: " + config), result.output());

        Map<String, Object> services = map(new Yaml().<Map<String, Object>>load(Files.readString(file)).get("services"));
        Map<String, Object> prometheus = map(services.remove("prometheus"));
        assertEquals(map(new Yaml().<Map<String, Object>>load(Files.readString(plain)).get("services")), services,
                "every other service as without MONITORING");
        assertEquals("prometheus", prometheus.get("container_name"));
        assertEquals("prom/prometheus:v2.42.0", prometheus.get("image"));
        assertEquals(List.of("127.0.0.1:9090:9090"), prometheus.get("ports"), "loopback only by default");
        assertEquals(List.of("testing_net"), prometheus.get("networks"));
        assertEquals(List.of("./docker-compose-dev.prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                hostPath(file, "monitoring/prometheus/rules") + ":/etc/prometheus/rules:ro"), prometheus.get("volumes"));
        assertTrue(prometheus.get("command").toString().contains("--config.file=/etc/prometheus/prometheus.yml"));

        Map<String, Object> scrape = new Yaml().load(Files.readString(config));
        assertEquals(List.of("rules/*.yml"), scrape.get("rule_files"), "the rules, next to the configuration in the container");
        Map<String, Object> job = map(((List<?>) scrape.get("scrape_configs")).get(0));
        assertEquals("/metrics", job.get("metrics_path"));
        List<String> targets = new ArrayList<>();
        for (int n = 1; n <= nodes; n++) {
            targets.add((nodes == 1 ? "server" : "server" + n) + ":8080");
        }
        assertEquals(targets, map(((List<?>) job.get("static_configs")).get(0)).get("targets"));
    }

    /** The nodes' HTTP port is config.ini's; one Prometheus cannot know in advance is refused. */
    @Test
    void monitoringScrapesConfigIniHttpPortAndRefusesOneItCannotKnow() throws IOException {
        Path ini = dir.resolve("config.ini");
        Path file = dir.resolve("dc.yml");
        String shipped = Files.readString(ROOT.resolve("lottery/config.ini"));
        Files.writeString(ini, shipped.replace("HTTP_PORT = 8080", "HTTP_PORT = 9180"));
        generate(Map.of("MONITORING", "1", "LOTTERY_CONFIG", ini.toString(), "PROMETHEUS_PORT", "0.0.0.0:9191",
                "PERSIST", "1"), file, "1");
        assertTrue(Files.readString(dir.resolve("dc.prometheus.yml")).contains("'server:9180'"));
        Map<String, Object> compose = new Yaml().load(Files.readString(file));
        Map<String, Object> prometheus = map(map(compose.get("services")).get("prometheus"));
        assertEquals(List.of("0.0.0.0:9191:9090"), prometheus.get("ports"));
        assertTrue(((List<?>) prometheus.get("volumes")).contains("prometheus-data:/prometheus"), "PERSIST=1 keeps its data too");
        assertEquals(List.of("lottery-data", "prometheus-data"), List.copyOf(map(compose.get("volumes")).keySet()));

        for (String port : List.of("any", "0", "off")) {
            Files.writeString(ini, shipped.replace("HTTP_PORT = 8080", "HTTP_PORT = " + port));
            Path refused = dir.resolve("refused-" + port + ".yaml");
            Shell.Result result = Shell.run(ROOT, Map.of("MONITORING", "1", "LOTTERY_CONFIG", ini.toString()),
                    java.time.Duration.ofSeconds(30), "./generar-compose.sh", refused.toString(), "1");
            assertEquals(2, result.exit(), result.output());
            assertTrue(result.output().contains("error: MONITORING=1 needs a fixed HTTP port on the nodes, but HTTP_PORT in "
                    + ini + " is '" + port + "'"), result.output());
            assertFalse(Files.exists(refused), "nothing written");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PERSIST=yes", "PERSIST=2", "MONITORING=on", "PROMETHEUS_PORT=localhost:9090", "PROMETHEUS_PORT=x"})
    void refusesABadOperatorSetting(String setting) {
        String[] keyValue = setting.split("=", 2);
        Path file = dir.resolve("out.yaml");
        Map<String, String> env = new HashMap<>(Map.of("MONITORING", "1"));
        env.put(keyValue[0], keyValue[1]);
        Shell.Result result = Shell.run(ROOT, env, java.time.Duration.ofSeconds(30), "./generar-compose.sh",
                file.toString(), "1");
        assertEquals(2, result.exit(), result.output());
        assertTrue(result.output().contains("error: " + keyValue[0] + "='" + keyValue[1] + "'"), result.output());
        assertFalse(Files.exists(file), "nothing written");
    }

    /** PERSIST=0 and MONITORING=0 are the defaults: the very same bytes as without them. */
    @ParameterizedTest
    @ValueSource(strings = {"file", "postgres"})
    void persistAndMonitoringOffAreByteForByteTheDefault(String store) throws IOException {
        Path without = dir.resolve("a/dc.yaml");
        Path withZeros = dir.resolve("b/dc.yaml");
        generate(Map.of("STORE", store), without, "2");
        generate(Map.of("STORE", store, "PERSIST", "0", "MONITORING", "0"), withZeros, "2");
        assertEquals(Files.readString(without), Files.readString(withZeros));
        assertFalse(Files.exists(dir.resolve("b/dc.prometheus.yml")), "no Prometheus configuration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", ""})
    void aClusterWithoutPostgresIsRefused(String store) {
        Path file = dir.resolve("out.yaml");
        Shell.Result result = Shell.run(ROOT, store.isEmpty() ? Map.of("NODES", "3") : Map.of("NODES", "3", "STORE", store),
                java.time.Duration.ofSeconds(30), "./generar-compose.sh", file.toString(), "5");
        assertEquals(2, result.exit(), result.output());
        assertTrue(result.output().contains("error: NODES=3 needs STORE=postgres"), result.output());
        assertFalse(Files.exists(file), "nothing written");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "2.5", " "})
    void refusesABadNumberOfNodes(String nodes) {
        Path file = dir.resolve("out.yaml");
        Shell.Result result = Shell.run(ROOT, Map.of("NODES", nodes, "STORE", "postgres"),
                java.time.Duration.ofSeconds(30), "./generar-compose.sh", file.toString(), "5");
        assertEquals(2, result.exit(), result.output());
        assertTrue(result.output().contains("error: NODES='" + nodes + "' is not a positive integer"), result.output());
        assertFalse(Files.exists(file), "nothing written");
    }

    @Test
    void relativePathsResolveFromTheComposeFilesFolder() throws IOException {
        Path file = ROOT.resolve("e2e/target/compose-test/nested/dc.yaml");
        Shell.Result result = Shell.run(ROOT, "./generar-compose.sh", file.toString(), "1");
        assertEquals(0, result.exit(), result.output());
        String text = Files.readString(file);
        assertTrue(text.contains("- ../../../../lottery/config.ini:/app/config.ini:ro"), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "2.5", "", "1x"})
    void refusesABadNumberOfClients(String clients) {
        Path file = dir.resolve("out.yaml");
        Shell.Result result = Shell.run(ROOT, "./generar-compose.sh", file.toString(), clients);
        assertNotEquals(0, result.exit());
        assertTrue(result.output().contains("usage:"), result.output());
        assertFalse(Files.exists(file), "nothing written on bad input");
    }

    @Test
    void refusesAMissingArgument() {
        Shell.Result result = Shell.run(ROOT, "./generar-compose.sh", dir.resolve("out.yaml").toString());
        assertNotEquals(0, result.exit());
        assertTrue(result.output().contains("usage:"), result.output());
    }

    private static String hostPath(Path composeFile, String repoPath) {
        return composeFile.getParent().relativize(ROOT.resolve(repoPath)).toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** generar-compose.sh with {@code env}, writing {@code file} for {@code clients} clients; it must succeed. */
    private static Shell.Result generate(Map<String, String> env, Path file, String clients) throws IOException {
        Shell.Result result = Shell.run(ROOT, env, java.time.Duration.ofSeconds(30), "./generar-compose.sh",
                file.toString(), clients);
        assertEquals(0, result.exit(), result.output());
        return result;
    }
}
