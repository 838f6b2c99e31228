package tp0.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A throwaway test PKI made by {@code tls/make-test-certs.sh} (the JDK's keytool only), for the
 * TLS end-to-end tests and the TLS benchmark: generated at run time under {@code target/},
 * never committed.
 */
public record TestCertificates(Path dir) {

    /** Runs the script into {@code dir} (replacing what was there) for agencies 1..{@code agencies}. */
    public static TestCertificates make(Path root, Path dir, int agencies) throws IOException {
        Path script = root.resolve("tls/make-test-certs.sh");
        Process process = new ProcessBuilder(List.of("bash", script.toString(), dir.toString(), Integer.toString(agencies)))
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(script + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making test certificates", e);
        }
        TestCertificates certificates = new TestCertificates(dir.toAbsolutePath());
        if (!Files.isRegularFile(certificates.ca()) || !Files.isRegularFile(certificates.serverKeystore())) {
            throw new IOException(script + " made no certificates in " + dir + ":\n" + output);
        }
        return certificates;
    }

    /**
     * A module's unit-test PKI under its {@code target/tls-unit}, for agency 1: Surefire runs in
     * the module's directory, whose parent is the repository.
     */
    public static TestCertificates forUnitTests() throws IOException {
        return make(Path.of(".."), Path.of("target/tls-unit"), 1);
    }

    /** The keystores' password as the password file holds it, to check that no message quotes it. */
    public String passwordText() {
        try {
            return Files.readString(password()).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path otherCa() {
        return dir.resolve("other-ca.pem");
    }

    public Path password() {
        return dir.resolve("password.txt");
    }

    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    public Path expiredServerKeystore() {
        return dir.resolve("server-expired.p12");
    }

    public Path wrongNameServerKeystore() {
        return dir.resolve("server-wrong-name.p12");
    }

    public Path agencyKeystore(int agency) {
        return dir.resolve("agency-" + agency + ".p12");
    }

    /** The server's keys for TLS with {@code keystore}. */
    public Map<String, String> serverEnv(Path keystore) {
        Map<String, String> env = new HashMap<>();
        env.put("TLS_KEYSTORE", keystore.toString());
        env.put("TLS_KEYSTORE_PASSWORD_FILE", password().toString());
        return env;
    }

    /** As {@link #serverEnv}, demanding agency certificates of the test CA (mutual TLS). */
    public Map<String, String> mutualServerEnv() {
        Map<String, String> env = serverEnv(serverKeystore());
        env.put("TLS_CLIENT_CA", ca().toString());
        return env;
    }

    /** An agency's keys for TLS trusting {@code ca}. */
    public Map<String, String> agencyEnv(Path ca) {
        Map<String, String> env = new HashMap<>();
        env.put("CLI_SERVER_TLS_CA", ca.toString());
        return env;
    }

    /** As {@link #agencyEnv}, presenting {@code keystore}'s certificate. */
    public Map<String, String> agencyEnv(Path ca, Path keystore) {
        Map<String, String> env = agencyEnv(ca);
        env.put("CLI_SERVER_TLS_KEYSTORE", keystore.toString());
        env.put("CLI_SERVER_TLS_KEYSTOREPASSWORDFILE", password().toString());
        return env;
    }
}
