package tp0.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.function.BiFunction;

/**
 * The TLS files both programs read at start — a password file, a PKCS#12 keystore, a PEM file
 * of CA certificates — each checked so that a bad one is one message naming the config key
 * to fix (each program turns {@link Unusable} into its own config error). Never quotes a password.
 */
public final class TlsFiles {

    private TlsFiles() {}

    /** A file that cannot serve, and the config key that names it. */
    public static final class Unusable extends Exception {
        private final String key;

        Unusable(String key, String message) {
            super(message);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** One read of {@link TlsFiles}, for a program to turn {@link Unusable} into its config error in one place. */
    @FunctionalInterface
    public interface Read<T> {
        T read() throws Unusable;
    }

    /** Runs {@code read}, turning {@link Unusable} into the program's own config error (key, message). */
    public static <T, E extends Exception> T read(Read<T> read, BiFunction<String, String, E> configError) throws E {
        try {
            return read.read();
        } catch (Unusable e) {
            throw configError.apply(e.key(), e.getMessage());
        }
    }

    /**
     * A setting's value as a file, resolved against {@code base} (the program's working folder);
     * a value that is no path is the program's config error naming {@code key}.
     */
    public static <E extends Exception> Path path(String value, String key, Path base,
                                                  BiFunction<String, String, E> configError) throws E {
        try {
            return base.resolve(value);
        } catch (InvalidPathException e) {
            throw configError.apply(key, "'" + value + "' is not a path: " + e.getReason());
        }
    }

    /** Docker secrets end in a newline that is not part of the password. Never quoted in an error. */
    public static char[] readPassword(Path file, String key) throws Unusable {
        try {
            return Files.readString(file).strip().toCharArray();
        } catch (NoSuchFileException e) {
            throw new Unusable(key, "no such file: " + file);
        } catch (IOException e) {
            throw new Unusable(key, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** A PKCS#12 keystore with at least one private key entry; a wrong password names {@code passwordKey}. */
    public static KeyStore readKeystore(Path file, char[] password, String key, String passwordKey) throws Unusable {
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new Unusable(key, "no such file: " + file);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new Unusable(passwordKey, "wrong password for the keystore " + file);
            }
            throw new Unusable(key, "cannot read " + file + " as a PKCS#12 keystore: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new Unusable(key, "cannot read " + file + " as a PKCS#12 keystore: " + e.getMessage());
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return store;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new Unusable(key, "cannot list " + file + ": " + e.getMessage());
        }
        throw new Unusable(key, file + " holds no private key (only certificates)");
    }

    /** The certificates of a PEM file as the only trust anchors. */
    public static KeyStore trustStore(Path pemFile, String key) throws Unusable {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new Unusable(key, "no such file: " + pemFile);
        } catch (IOException | CertificateException e) {
            throw new Unusable(key, "cannot read " + pemFile + " as PEM certificates: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new Unusable(key, pemFile + " holds no certificate");
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
            throw new Unusable(key, "cannot use " + pemFile + ": " + e.getMessage());
        }
    }
}
