package tp0.lottery.config;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import tp0.tls.TlsContexts;
import tp0.tls.TlsFiles;

/**
 * TLS on the agency port ({@code TLS_KEYSTORE}): off by default, the exercise's plaintext link.
 * When on, the server presents the key and certificate chain of a PKCS#12 keystore, and with
 * {@code TLS_CLIENT_CA} it also demands a client certificate issued by that CA (mutual TLS).
 * Everything is read and checked at start, so a wrong file or password is one error line
 * naming its key, not a failure at the first connection.
 */
public sealed interface TlsSettings {

    /** The only protocol version offered: TLS 1.3 (no renegotiation, no legacy ciphers). */
    String PROTOCOL = TlsContexts.PROTOCOL;

    /**
     * TLS 1.3's standard suites, in the server's order of preference (it chooses). ChaCha20-Poly1305
     * first: both JVMs run only the C1 JIT (jvm.options: a faster start), which has no AES-GCM
     * intrinsics, and in plain Java it costs a third of AES-GCM's CPU (measured: 100 MB both ways,
     * 1.2 s against 3.5 s for AES-128-GCM). An agency that offers none of it still gets AES-GCM.
     */
    List<String> CIPHER_SUITES = List.of("TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");

    /** What the {@code config} line says: off, on, or mutual. Never a path's contents or a password. */
    String describe();

    /** Plaintext only (the exercise). */
    record Off() implements TlsSettings {
        @Override
        public String describe() {
            return "off";
        }
    }

    TlsSettings OFF = new Off();

    /**
     * @param context       holds the server's key and, for mutual TLS, the client CA as its only trust anchor
     * @param verifyClients mutual TLS: every TLS peer must present a certificate from {@code TLS_CLIENT_CA}
     */
    record On(SSLContext context, boolean verifyClients) implements TlsSettings {
        @Override
        public String describe() {
            return verifyClients ? "mutual" : "on";
        }

        /** A server-side engine for one connection: TLS 1.3 only, our suite order, client certificate required when mutual. */
        public SSLEngine newEngine() {
            SSLEngine engine = context.createSSLEngine();
            engine.setUseClientMode(false);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setProtocols(new String[] {PROTOCOL});
            parameters.setCipherSuites(CIPHER_SUITES.toArray(String[]::new));
            parameters.setUseCipherSuitesOrder(true);
            parameters.setNeedClientAuth(verifyClients);
            engine.setSSLParameters(parameters);
            return engine;
        }

        @Override
        public String toString() {
            return "TlsSettings.On[" + describe() + "]";
        }
    }

    /**
     * @param keystore     {@code TLS_KEYSTORE}; empty = TLS off (then the other keys must be unset too)
     * @param passwordFile {@code TLS_KEYSTORE_PASSWORD_FILE}: the keystore's password (trailing newline dropped)
     * @param clientCa     {@code TLS_CLIENT_CA}: PEM file of the CA that issues agency certificates
     */
    static TlsSettings load(Optional<String> keystore, Optional<String> passwordFile, Optional<String> clientCa,
                            Path workDir) throws ConfigException {
        if (keystore.isEmpty()) {
            // The first stray key, in this order, is the one named.
            if (passwordFile.isPresent()) {
                throw strayWithoutKeystore(ServerKey.TLS_KEYSTORE_PASSWORD_FILE);
            }
            if (clientCa.isPresent()) {
                throw strayWithoutKeystore(ServerKey.TLS_CLIENT_CA);
            }
            return OFF;
        }
        String keystoreKey = ServerKey.TLS_KEYSTORE.name();
        String passwordKey = ServerKey.TLS_KEYSTORE_PASSWORD_FILE.name();
        if (passwordFile.isEmpty()) {
            throw new ConfigException(passwordKey, "missing: TLS_KEYSTORE needs the file holding its password");
        }
        Path passwordPath = path(passwordFile.get(), passwordKey, workDir);
        char[] password = orConfigError(() -> TlsFiles.readPassword(passwordPath, passwordKey));
        try {
            Path keystorePath = path(keystore.get(), keystoreKey, workDir);
            KeyStore store = orConfigError(() -> TlsFiles.readKeystore(keystorePath, password, keystoreKey, passwordKey));
            KeyManager[] keys = TlsContexts.keyManagers(store, password);
            TrustManager[] trust = null;
            if (clientCa.isPresent()) {
                String clientCaKey = ServerKey.TLS_CLIENT_CA.name();
                Path clientCaPath = path(clientCa.get(), clientCaKey, workDir);
                trust = TlsContexts.trustManagers(orConfigError(() -> TlsFiles.trustStore(clientCaPath, clientCaKey)));
            }
            return new On(TlsContexts.create(keys, trust), clientCa.isPresent());
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException(passwordKey, "the key in the keystore has another password than the keystore");
        } catch (GeneralSecurityException e) {
            throw new ConfigException(keystoreKey, "cannot set up TLS: " + e.getMessage());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static ConfigException strayWithoutKeystore(ServerKey key) {
        return new ConfigException(key.name(), "is set but TLS_KEYSTORE is not (TLS is off)");
    }

    private static Path path(String value, String key, Path workDir) throws ConfigException {
        return TlsFiles.path(value, key, workDir, ConfigException::new);
    }

    /** A TLS file that cannot serve is a config error naming its key. */
    private static <T> T orConfigError(TlsFiles.Read<T> read) throws ConfigException {
        return TlsFiles.read(read, ConfigException::new);
    }
}
