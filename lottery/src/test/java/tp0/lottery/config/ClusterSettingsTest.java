package tp0.lottery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLUSTER_SEED_NODES / CLUSTER_HOST / CLUSTER_PORT: one node by default, a member with a database. */
class ClusterSettingsTest {

    @TempDir
    Path workDir;

    private ServerSettings load(String... env) throws ConfigException {
        Map<String, String> vars = new HashMap<>();
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        return ServerSettings.load(IniFile.empty(), vars, workDir);
    }

    @Test
    void noSeedNodesIsOneNodeOnEitherStore() throws ConfigException {
        assertEquals(ClusterSettings.SINGLE_NODE, load().cluster());
        assertEquals(ClusterSettings.SINGLE_NODE, load("STORE", "postgres", "CLUSTER_SEED_NODES", " ").cluster());
        assertEquals("off", load().cluster().describe());
    }

    @Test
    void seedNodesMakeAMemberOfTheCluster() throws ConfigException {
        ServerSettings settings = load("STORE", "postgres", "CLUSTER_SEED_NODES", "server1:2552, server2:2552,server3:2553",
                "CLUSTER_HOST", "server2", "CLUSTER_PORT", "2552");
        assertEquals(new ClusterSettings.Member("server2", 2552, List.of("server1:2552", "server2:2552", "server3:2553")),
                settings.cluster());
        assertEquals("server2:2552", settings.cluster().describe());
        ClusterSettings.Member defaults = (ClusterSettings.Member) load("STORE", "postgres",
                "CLUSTER_SEED_NODES", "127.0.0.1:2552").cluster();
        assertEquals("127.0.0.1", defaults.host());
        assertEquals(2552, defaults.port());
    }

    @Test
    void aClusterNeedsThePostgresStore() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("CLUSTER_SEED_NODES", "a:2552"));
        assertEquals("CLUSTER_SEED_NODES", e.key());
        assertTrue(e.getMessage().contains("STORE=postgres"), e.getMessage());
    }

    @Test
    void badSeedsAndPortsNameTheirKey() {
        for (String seeds : new String[] {"a", "a:", ":2552", "a:0", "a:65536", "a:x", "a:1,,b:2", "a b:1"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> load("STORE", "postgres", "CLUSTER_SEED_NODES", seeds), seeds);
            assertEquals("CLUSTER_SEED_NODES", e.key(), seeds);
        }
        ConfigException port = assertThrows(ConfigException.class,
                () -> load("STORE", "postgres", "CLUSTER_SEED_NODES", "a:1", "CLUSTER_PORT", "0"));
        assertEquals("CLUSTER_PORT", port.key());
        ConfigException host = assertThrows(ConfigException.class,
                () -> load("STORE", "postgres", "CLUSTER_SEED_NODES", "a:1", "CLUSTER_HOST", "a|b"));
        assertEquals("CLUSTER_HOST", host.key());
    }
}
