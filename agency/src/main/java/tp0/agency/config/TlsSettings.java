package tp0.agency.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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
        Path file = ca.path();
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new ConfigException(ca.key(), "no such file: " + file);
        } catch (IOException | CertificateException e) {
            throw new ConfigException(ca.key(), "cannot read " + file + " as PEM certificates: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new ConfigException(ca.key(), file + " holds no certificate");
        }
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("ca-" + i++, (X509Certificate) certificate);
            }
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(ca.key(), "cannot use " + file + ": " + e.getMessage());
        }
    }

    /** Never quoted in an error. A trailing newline is not part of the password. */
    private static char[] readPassword(Setting passwordFile) throws ConfigException {
        Path file = passwordFile.path();
        try {
            return Files.readString(file).strip().toCharArray();
        } catch (NoSuchFileException e) {
            throw new ConfigException(passwordFile.key(), "no such file: " + file);
        } catch (IOException e) {
            throw new ConfigException(passwordFile.key(), "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static KeyStore readKeystore(Setting keystore, char[] password, Setting passwordFile)
            throws ConfigException {
        Path file = keystore.path();
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new ConfigException(keystore.key(), "no such file: " + file);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(passwordFile.key(), "wrong password for the keystore " + file);
            }
            throw new ConfigException(keystore.key(), "cannot read " + file + " as a PKCS#12 keystore: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new ConfigException(keystore.key(), "cannot read " + file + " as a PKCS#12 keystore: " + e.getMessage());
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return store;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException(keystore.key(), "cannot list " + file + ": " + e.getMessage());
        }
        throw new ConfigException(keystore.key(), file + " holds no private key (only certificates)");
    }
}
