package tp0.agency.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
    String PROTOCOL = "TLSv1.3";

    /** What the config line says: off, on, or mutual (a client certificate too). */
    String describe();

    record Off() implements TlsSettings {
        @Override
        public String describe() {
            return "off";
        }
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
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore(ca.get()));
            KeyManagerFactory keys = null;
            if (keystore.isPresent()) {
                char[] password = readPassword(passwordFile.get());
                try {
                    keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    keys.init(readKeystore(keystore.get(), password, passwordFile.get()), password);
                } catch (UnrecoverableKeyException e) {
                    throw new ConfigException(passwordFile.get().key(), "the key has another password than the keystore");
                } finally {
                    Arrays.fill(password, '\0');
                }
            }
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return new On(context, keystore.isPresent());
        } catch (GeneralSecurityException e) {
            throw new ConfigException(ca.get().key(), "cannot set up TLS: " + e.getMessage());
        }
    }

    /** A setting's text and the key (env var or YAML path) it came from. */
    record Setting(String key, String value) {
        Path path() throws ConfigException {
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new ConfigException(key, "'" + value + "' is not a path: " + e.getReason());
            }
        }
    }

    private static KeyStore trustStore(Setting ca) throws ConfigException {
        try {
            return TlsFiles.trustStore(ca.path(), ca.key());
        } catch (TlsFiles.Unusable e) {
            throw new ConfigException(e.key(), e.getMessage());
        }
    }

    private static char[] readPassword(Setting passwordFile) throws ConfigException {
        try {
            return TlsFiles.readPassword(passwordFile.path(), passwordFile.key());
        } catch (TlsFiles.Unusable e) {
            throw new ConfigException(e.key(), e.getMessage());
        }
    }

    private static KeyStore readKeystore(Setting keystore, char[] password, Setting passwordFile)
            throws ConfigException {
        try {
            return TlsFiles.readKeystore(keystore.path(), password, keystore.key(), passwordFile.key());
        } catch (TlsFiles.Unusable e) {
            throw new ConfigException(e.key(), e.getMessage());
        }
    }
}
