package tp0.agency.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tp0.testkit.TestCertificates;

/**
 * The {@code server.tls.*} keys (and their CLI_SERVER_TLS_* variables), with certificates made
 * at test time by {@code tls/make-test-certs.sh}: off by default (the config line unchanged),
 * on with a CA, mutual with a keystore; each bad file names its key, never the password.
 */
class TlsConfigTest {
    private static TestCertificates certs;

    private static AgencyConfig load(String... keyValues) throws ConfigException {
        Map<String, String> env = new HashMap<>(Map.of("CLI_ID", "1", "CLI_SERVER_ADDRESS", "localhost:12345"));
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return ConfigLoader.load(env, certs.dir().resolve("no-config.yaml"));
    }

    private static ConfigException failure(String... keyValues) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(keyValues));
        assertFalse(e.getMessage().contains(certs.passwordText()), e.getMessage());
        return e;
    }

    private static String cert(String name) {
        return certs.dir().resolve(name).toString();
    }

    @BeforeAll
    static void makeCertificates() throws IOException {
        certs = TestCertificates.forUnitTests();
    }

    @Test
    void offByDefaultAndTheConfigLineIsUnchanged() throws Exception {
        AgencyConfig config = load();
        assertSame(TlsSettings.OFF, config.tls());
        assertTrue(config.summaryLogLine().endsWith("| read_timeout: 15s"), config.summaryLogLine());
    }

    @Test
    void aCaTurnsTlsOnAndAKeystoreMakesItMutual() throws Exception {
        AgencyConfig on = load("CLI_SERVER_TLS_CA", cert("ca.pem"));
        assertEquals("on", assertInstanceOf(TlsSettings.On.class, on.tls()).describe());
        assertTrue(on.summaryLogLine().endsWith("| read_timeout: 15s | tls: on"), on.summaryLogLine());

        AgencyConfig mutual = load("CLI_SERVER_TLS_CA", cert("ca.pem"), "CLI_SERVER_TLS_KEYSTORE", cert("agency-1.p12"),
                "CLI_SERVER_TLS_KEYSTOREPASSWORDFILE", cert("password.txt"));
        assertEquals("mutual", mutual.tls().describe());
        assertFalse(mutual.toString().contains(certs.passwordText()));
    }

    @Test
    void theYamlKeysWorkToo() throws Exception {
        Path yaml = certs.dir().resolve("config.yaml");
        Files.writeString(yaml, "server:\n  address: localhost:1\n  tls:\n    ca: " + cert("ca.pem") + "\n    keystore: "
                + cert("agency-1.p12") + "\n    keystorePasswordFile: " + cert("password.txt") + "\n");
        AgencyConfig config = ConfigLoader.load(Map.of("CLI_ID", "1"), yaml);
        assertEquals("mutual", config.tls().describe());
    }

    @Test
    void eachBadSettingNamesItsKey() throws Exception {
        Files.writeString(certs.dir().resolve("wrong-password.txt"), "x" + certs.passwordText());
        assertEquals("CLI_SERVER_TLS_CA", failure("CLI_SERVER_TLS_CA", cert("missing.pem")).key());
        assertEquals("CLI_SERVER_TLS_CA", failure("CLI_SERVER_TLS_CA", cert("server.p12")).key(), "not PEM");
        assertEquals("CLI_SERVER_TLS_KEYSTORE", failure("CLI_SERVER_TLS_KEYSTORE", cert("agency-1.p12")).key(),
                "a keystore without a CA: TLS is off");
        assertEquals("CLI_SERVER_TLS_KEYSTORE", failure("CLI_SERVER_TLS_CA", cert("ca.pem"),
                "CLI_SERVER_TLS_KEYSTORE", cert("agency-1.p12")).key(), "a keystore without its password file");
        assertEquals("CLI_SERVER_TLS_KEYSTOREPASSWORDFILE", failure("CLI_SERVER_TLS_CA", cert("ca.pem"),
                "CLI_SERVER_TLS_KEYSTORE", cert("agency-1.p12"),
                "CLI_SERVER_TLS_KEYSTOREPASSWORDFILE", cert("wrong-password.txt")).key());
        assertEquals("CLI_SERVER_TLS_KEYSTORE", failure("CLI_SERVER_TLS_CA", cert("ca.pem"),
                "CLI_SERVER_TLS_KEYSTORE", cert("ca.pem"),
                "CLI_SERVER_TLS_KEYSTOREPASSWORDFILE", cert("password.txt")).key(), "a PEM file is no keystore");
    }
}
