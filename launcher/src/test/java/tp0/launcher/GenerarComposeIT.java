package tp0.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/** generar-compose.sh, checked by parsing what it writes (no Docker engine needed). */
class GenerarComposeIT {
    private static final Path ROOT = Path.of(System.getProperty("tp0.root", "..")).toAbsolutePath().normalize();

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
        Shell.Result result = Shell.run(ROOT, Map.of("STORE", "postgres", "DB_PASSWORD", "s3cret"),
                java.time.Duration.ofSeconds(30), "./generar-compose.sh", file.toString(), "5");
        assertEquals(0, result.exit(), result.output());
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

    @Test
    void relativePathsResolveFromTheComposeFilesFolder() throws IOException {
        Path file = ROOT.resolve("launcher/target/compose-test/nested/dc.yaml");
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
}
