package tp0.lottery.config;

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
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tp0.testkit.TestCertificates;

/**
 * The TLS_* keys, read through {@link ServerSettings#load} with certificates made at test time
 * by {@code tls/make-test-certs.sh} (keytool only): off by default; on and mutual set up TLS 1.3
 * engines; every bad file or password is a ConfigException naming its key, never the password.
 */
class TlsSettingsTest {
    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws IOException {
        certs = TestCertificates.forUnitTests();
    }

    private static ServerSettings load(String... keyValues) throws ConfigException {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return ServerSettings.load(IniFile.parse(List.of(), "config.ini"), env, certs.dir());
    }

    private static ConfigException failure(String... keyValues) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(keyValues));
        assertFalse(e.getMessage().contains(certs.passwordText()), "the password is never quoted: " + e.getMessage());
        return e;
    }

    @Test
    void offByDefault() throws Exception {
        assertSame(TlsSettings.OFF, load().tls());
        assertEquals("off", load().tls().describe());
        assertSame(TlsSettings.OFF, load("TLS_KEYSTORE", "").tls(), "an empty key is unset");
    }

    @Test
    void aKeystoreAndItsPasswordTurnTls13On() throws Exception {
        TlsSettings tls = load("TLS_KEYSTORE", "server.p12", "TLS_KEYSTORE_PASSWORD_FILE", "password.txt").tls();
        TlsSettings.On on = assertInstanceOf(TlsSettings.On.class, tls);
        assertEquals("on", on.describe());
        SSLEngine engine = on.newEngine();
        assertEquals(List.of("TLSv1.3"), List.of(engine.getEnabledProtocols()));
        assertFalse(engine.getUseClientMode());
        assertFalse(engine.getNeedClientAuth());
        assertEquals("TLS_CHACHA20_POLY1305_SHA256", engine.getEnabledCipherSuites()[0]);
        assertTrue(engine.getSSLParameters().getUseCipherSuitesOrder(), "the server's order decides");
        assertFalse(on.toString().contains(certs.passwordText()));
    }

    @Test
    void aClientCaMakesItMutual() throws Exception {
        TlsSettings.On on = assertInstanceOf(TlsSettings.On.class, load("TLS_KEYSTORE", "server.p12",
                "TLS_KEYSTORE_PASSWORD_FILE", "password.txt", "TLS_CLIENT_CA", "ca.pem").tls());
        assertEquals("mutual", on.describe());
        assertTrue(on.newEngine().getNeedClientAuth());
    }

    @Test
    void eachBadSettingNamesItsKey() throws IOException {
        Files.writeString(certs.dir().resolve("wrong-password.txt"), "not-" + certs.passwordText() + "\n");
        assertEquals("TLS_KEYSTORE_PASSWORD_FILE", failure("TLS_KEYSTORE", "server.p12").key(), "no password file");
        assertEquals("TLS_KEYSTORE_PASSWORD_FILE",
                failure("TLS_KEYSTORE", "server.p12", "TLS_KEYSTORE_PASSWORD_FILE", "wrong-password.txt").key());
        assertEquals("TLS_KEYSTORE_PASSWORD_FILE",
                failure("TLS_KEYSTORE", "server.p12", "TLS_KEYSTORE_PASSWORD_FILE", "missing.txt").key());
        assertEquals("TLS_KEYSTORE", failure("TLS_KEYSTORE", "missing.p12", "TLS_KEYSTORE_PASSWORD_FILE", "password.txt").key());
        assertEquals("TLS_KEYSTORE", failure("TLS_KEYSTORE", "ca.pem", "TLS_KEYSTORE_PASSWORD_FILE", "password.txt").key(),
                "a PEM file is no PKCS#12 keystore");
        assertEquals("TLS_CLIENT_CA", failure("TLS_KEYSTORE", "server.p12", "TLS_KEYSTORE_PASSWORD_FILE", "password.txt",
                "TLS_CLIENT_CA", "server.p12").key(), "a keystore is no PEM file");
        assertEquals("TLS_CLIENT_CA", failure("TLS_KEYSTORE", "server.p12", "TLS_KEYSTORE_PASSWORD_FILE", "password.txt",
                "TLS_CLIENT_CA", "missing.pem").key());
        assertEquals("TLS_CLIENT_CA", failure("TLS_CLIENT_CA", "ca.pem").key(), "mutual TLS needs TLS on");
        assertEquals("TLS_KEYSTORE_PASSWORD_FILE", failure("TLS_KEYSTORE_PASSWORD_FILE", "password.txt").key());
    }

    @Test
    void theKeysAreListedForHelpAndNotWarnedAboutInConfigIni() throws Exception {
        IniFile ini = IniFile.parse(List.of("[DEFAULT]", "TLS_KEYSTORE = server.p12",
                "TLS_KEYSTORE_PASSWORD_FILE = password.txt", "TLS_CLIENT_CA = ca.pem"), "config.ini");
        assertEquals(List.of(), ServerSettings.unknownKeys(ini));
        assertEquals("mutual", ServerSettings.load(ini, Map.of(), certs.dir()).tls().describe());
    }
}
