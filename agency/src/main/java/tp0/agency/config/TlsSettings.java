package tp0.agency.config;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import tp0.tls.TlsContexts;
import tp0.tls.TlsFiles;

/**
 * TLS to the server ({@code server.tls.ca}): off by default. When on, the server's certificate
 * must chain to the CA of that PEM file and name the host of {@code server.address}; with
 * {@code server.tls.keystore} (PKCS#12, password in {@code server.tls.keystorePasswordFile}) the
 * agency also presents its own certificate, for a server with mutual TLS. Files are read and
 * checked when the configuration is loaded: a bad one is one config error naming its key.
 */
public sealed interface TlsSettings {

    /** The only version offered. */
    String PROTOCOL = TlsContexts.PROTOCOL;

    /** What the config line says: off, on, or mutual (a client certificate too). */
    String describe();

    /** TLS off, the default: plaintext. */
    record Off() implements TlsSettings {
        @Override
        public String describe() { return "off"; }
    }

    TlsSettings OFF = new Off();

    /** @param context trusts only the configured CA; holds the agency's key when {@code clientCertificate} */
    record On(SSLContext context, boolean clientCertificate) implements TlsSettings {
        @Override
        public String describe() {
            return clientCertificate ? "mutual" : "on";
        }

        @Override
        public String toString() {
            return "TlsSettings.On[" + describe() + "]";
        }
    }

    /**
     * @param ca           {@code server.tls.ca}: unset = TLS off (then the keystore keys must be unset too)
     * @param keystore     {@code server.tls.keystore}: the agency's key and certificate (PKCS#12)
     * @param passwordFile {@code server.tls.keystorePasswordFile}
     */
    static TlsSettings load(Optional<Setting> ca, Optional<Setting> keystore, Optional<Setting> passwordFile)
            throws ConfigException {
        if (ca.isEmpty()) {
            Optional<Setting> stray = keystore.or(() -> passwordFile);
            if (stray.isPresent()) {
                throw new ConfigException(stray.get().key(), "is set but server.tls.ca is not (TLS is off)");
            }
            return OFF;
        }
        if (keystore.isPresent() != passwordFile.isPresent()) {
            Setting given = keystore.or(() -> passwordFile).get();
            throw new ConfigException(given.key(), "server.tls.keystore and server.tls.keystorePasswordFile go together");
        }
        Path caFile = ca.get().path();
        KeyStore trustAnchors = orConfigError(() -> TlsFiles.trustStore(caFile, ca.get().key()));
        if (keystore.isEmpty()) {
            return new On(context(null, null, trustAnchors, ca.get(), null), false);
        }
        Path passwordPath = passwordFile.get().path();
        char[] password = orConfigError(() -> TlsFiles.readPassword(passwordPath, passwordFile.get().key()));
        try {
            Path keystorePath = keystore.get().path();
            KeyStore ownKey = orConfigError(() -> TlsFiles.readKeystore(keystorePath, password,
                    keystore.get().key(), passwordFile.get().key()));
            return new On(context(ownKey, password, trustAnchors, ca.get(), passwordFile.get()), true);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** {@code passwordFile}: null without {@code ownKey}. */
    private static SSLContext context(KeyStore ownKey, char[] password, KeyStore trustAnchors, Setting ca,
                                      Setting passwordFile) throws ConfigException {
        try {
            TrustManager[] trust = TlsContexts.trustManagers(trustAnchors);
            return TlsContexts.create(ownKey == null ? null : TlsContexts.keyManagers(ownKey, password), trust);
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException(passwordFile.key(), "the key has another password than the keystore");
        } catch (GeneralSecurityException e) {
            throw new ConfigException(ca.key(), "cannot set up TLS: " + e.getMessage());
        }
    }

    /** A setting's text and the key (env var or YAML path) it came from. */
    record Setting(String key, String value) {
        /** Relative to the agency's working folder, as {@code Path.of} takes it. */
        Path path() throws ConfigException {
            return TlsFiles.path(value, key, Path.of(""), ConfigException::new);
        }
    }

    /** A TLS file that cannot serve is a config error naming its key. */
    private static <T> T orConfigError(TlsFiles.Read<T> read) throws ConfigException {
        return TlsFiles.read(read, ConfigException::new);
    }
}
