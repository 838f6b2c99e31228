package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tp0.testkit.ChaosProxy;
import tp0.testkit.TestCertificates;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;

/**
 * TLS on the agency link with the real jars and certificates made at test time by
 * {@code tls/make-test-certs.sh}: a whole lottery over TLS (the course's dataset when present),
 * the refusals — a wrong CA, an expired certificate, a certificate for another host, a plaintext
 * agency on a TLS server and a TLS agency on a plaintext one — each a clear {@code fail} line
 * and exit 1 well within the connect timeout (no retrying a certificate), mutual TLS that
 * refuses agency 2's certificate used as agency 1 (and the heartbeat across TLS while an agency
 * waits for the draw), and the echo check still answered in plaintext on a TLS port.
 */
class TlsIT {
    private static final Duration LONG = Duration.ofMinutes(3);
    /** Far above how long a refusal may take: a refused agency that retried would wait it out. */
    private static final String CONNECT_TIMEOUT = "30s";
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(15);

    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws IOException {
        certs = TestCertificates.make(ROOT, ROOT.resolve("e2e/target/e2e/tls-certs"), 5);
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(key, value);
        return copy;
    }

    @Test
    void theWholeLotteryRunsOverTls() throws IOException {
        Path runDir = RunDirs.fresh("e2e", "tls-lottery");
        Path zip = ROOT.resolve("../shared/datasets/dataset.zip").normalize();
        Map<Integer, Path> files;
        if (Files.isRegularFile(zip)) {
            files = E2eData.unzip(zip, runDir.resolve("data"));
        } else {
            System.out.println("no course dataset at " + zip + ": generated data with the same winners");
            files = DatasetGenerator.generate(runDir.resolve("data"), new int[] {3_000, 3_000, 3_000, 3_000, 3_000},
                    new int[] {2, 3, 3, 2, 0}, 41).files();
        }
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 5, certs.serverEnv(certs.serverKeystore()), line -> { })) {
            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, files.get(k), certs.agencyEnv(certs.ca()), line -> { });
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);
            List<Integer> winners = Outcomes.winnerCounts(outcomes);
            assertEquals(List.of(2, 3, 3, 2, 0), winners, "winners per agency");
            long rows = files.values().stream().mapToLong(TlsIT::lines).sum();
            assertEquals(rows, StoredBets.rows(run.betsFile()).size(), "every bet stored once");
            List<String> config = run.server().linesContaining("action: config | result: success");
            assertEquals(1, config.size());
            assertTrue(config.get(0).endsWith("| tls: on"), config.get(0));
            assertEquals(0, LogLines.count(run.server().lines(), "result: fail"), String.join("\n", run.server().tail(20)));
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    private static long lines(Path file) {
        try (var stream = Files.lines(file)) {
            return stream.filter(line -> !line.isBlank()).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starts agency 1 against {@code run} and expects it refused: exit 1, soon, with this fail line. */
    private static ChildProcess assertRefused(LotteryRun run, Map<String, String> env, String failLine)
            throws IOException {
        long start = System.nanoTime();
        ChildProcess agency = run.startAgency(1, null, with(env, "CLI_SERVER_CONNECTTIMEOUT", CONNECT_TIMEOUT),
                line -> { });
        int exit = agency.awaitExit(LONG).orElseThrow();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String tail = String.join("\n", agency.tail(10));
        assertEquals(1, exit, tail);
        assertEquals(1, LogLines.count(agency.lines(), failLine), "expected '" + failLine + "' in:\n" + tail);
        assertEquals(0, LogLines.count(agency.lines(), "action: connect | result: in_progress"),
                "a certificate problem is not retried:\n" + tail);
        assertTrue(took.compareTo(REFUSED_WITHIN) < 0, "refused after " + took + ", not within " + REFUSED_WITHIN);
        return agency;
    }

    /** Agency 1 in single-bet mode (no data file): a refusal comes before any bet anyway. */
    private static Map<String, String> singleBet(Map<String, String> env) {
        Map<String, String> copy = new HashMap<>(env);
        copy.putAll(Map.of("NOMBRE", "Ana", "APELLIDO", "Perez", "DOCUMENTO", "30904465",
                "NACIMIENTO", "1999-03-17", "NUMERO", "7574"));
        return copy;
    }

    @Test
    void aCertificateTheAgencyCannotTrustIsRefusedAtOnceNamingTheCause() throws IOException {
        Path runDir = RunDirs.fresh("e2e", "tls-untrusted");
        try (LotteryRun good = LotteryRun.start(ROOT, runDir.resolve("good"), 1,
                certs.serverEnv(certs.serverKeystore()), line -> { })) {
            assertRefused(good, singleBet(certs.agencyEnv(certs.otherCa())),
                    "action: tls | result: fail | server: 127.0.0.1:" + good.port()
                            + " | error: the server's certificate is not signed by the CA of server.tls.ca");
            good.server().awaitLine("action: tls \\| result: fail \\| ip: 127\\.0\\.0\\.1 \\| error: Received fatal alert: "
                    + "certificate_unknown", Duration.ofSeconds(10));
            assertEquals(0, good.stopServer(Duration.ofSeconds(30)));
        }
        try (LotteryRun expired = LotteryRun.start(ROOT, runDir.resolve("expired"), 1,
                certs.serverEnv(certs.expiredServerKeystore()), line -> { })) {
            assertRefused(expired, singleBet(certs.agencyEnv(certs.ca())),
                    "action: tls | result: fail | server: 127.0.0.1:" + expired.port()
                            + " | error: the server's certificate has expired: NotAfter: ");
            assertEquals(0, expired.stopServer(Duration.ofSeconds(30)));
        }
        try (LotteryRun elsewhere = LotteryRun.start(ROOT, runDir.resolve("wrong-name"), 1,
                certs.serverEnv(certs.wrongNameServerKeystore()), line -> { })) {
            assertRefused(elsewhere, singleBet(certs.agencyEnv(certs.ca())),
                    "action: tls | result: fail | server: 127.0.0.1:" + elsewhere.port()
                            + " | error: the server's certificate is for another host (host name mismatch): "
                            + "No subject alternative names matching IP address 127.0.0.1 found");
            assertEquals(0, elsewhere.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void plaintextAndTlsPeersThatDoNotMatchTheServerAreRefusedWithAClearLine() throws IOException {
        Path runDir = RunDirs.fresh("e2e", "tls-mismatch");
        try (LotteryRun tls = LotteryRun.start(ROOT, runDir.resolve("tls"), 1,
                certs.serverEnv(certs.serverKeystore()), line -> { })) {
            assertRefused(tls, singleBet(Map.of()), "action: conectado | result: fail | code: TLS_REQUIRED"
                    + " | error: this server takes frames only inside TLS");
            tls.server().awaitLine("action: mensaje_invalido \\| result: fail \\| ip: 127\\.0\\.0\\.1 \\| code: TLS_REQUIRED",
                    Duration.ofSeconds(10));
            assertEquals(List.of(), StoredBets.rows(tls.betsFile()), "nothing stored from the plaintext agency");
            assertEquals(0, tls.stopServer(Duration.ofSeconds(30)));
        }
        try (LotteryRun plain = LotteryRun.start(ROOT, runDir.resolve("plain"), 1, Map.of(), line -> { })) {
            assertRefused(plain, singleBet(certs.agencyEnv(certs.ca())),
                    "action: tls | result: fail | server: 127.0.0.1:" + plain.port()
                            + " | error: the server does not speak TLS (a plaintext server?)");
            assertEquals(0, plain.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void mutualTlsBindsTheAgencyIdToItsCertificate() throws IOException {
        Path runDir = RunDirs.fresh("e2e", "tls-mutual");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {2_000, 2_000}, new int[] {1, 2}, 43);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 2, certs.mutualServerEnv(), line -> { })) {
            assertRefused(run, singleBet(certs.agencyEnv(certs.ca(), certs.agencyKeystore(2))),
                    "action: conectado | result: fail | code: AUTH_FAILED"
                            + " | error: the client certificate names agency-2, not agency-1");
            run.server().awaitLine("action: conexion_rechazada \\| result: fail \\| ip: 127\\.0\\.0\\.1 \\| agencia: 1"
                    + " \\| code: AUTH_FAILED \\| error: the client certificate names agency-2, not agency-1",
                    Duration.ofSeconds(10));
            assertRefused(run, singleBet(certs.agencyEnv(certs.ca())),
                    "action: tls | result: fail | server: 127.0.0.1:" + run.port()
                            + " | error: the server refused the TLS handshake");
            run.server().awaitLine("action: tls \\| result: fail \\| ip: 127\\.0\\.0\\.1 \\| error: Empty client certificate chain",
                    Duration.ofSeconds(10));

            // Each with its own certificate: the lottery runs, no secrets needed. Agency 1 first, with a
            // 1 s read timeout: it waits for the draw well past it, so Ping and Pong must cross TLS.
            ChildProcess one = run.startAgency(1, data.files().get(1), with(certs.agencyEnv(certs.ca(),
                    certs.agencyKeystore(1)), "CLI_SERVER_READTIMEOUT", "1s"), line -> { });
            one.awaitLine("action: apuestas_enviadas \\| result: success", LONG);
            assertThrows(IllegalStateException.class, () -> one.awaitLine("connection_lost|result: fail", Duration.ofSeconds(4)),
                    "4 read timeouts waiting for the draw without a loss: the heartbeat works over TLS");
            assertTrue(one.isAlive(), String.join("\n", one.tail(10)));
            run.startAgency(2, data.files().get(2), certs.agencyEnv(certs.ca(), certs.agencyKeystore(2)), line -> { });
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);
            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void theEchoCheckStillWorksInPlaintextOnATlsPort() throws IOException {
        Path runDir = RunDirs.fresh("e2e", "tls-echo");
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 1, certs.mutualServerEnv(), line -> { });
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), run.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("hola, lotería\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("hola, lotería", in.readLine());
            assertEquals(null, in.readLine(), "one line per connection, then closed");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aLinkThatGoesDarkUnderTlsIsLeftWithinTheReadTimeoutAndResumedExactlyOnce() throws IOException {
        Path runDir = RunDirs.fresh("e2e", "tls-black-hole");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {60_000, 20_000}, new int[] {2, 1}, 47);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 2, certs.serverEnv(certs.serverKeystore()), line -> { });
             ChaosProxy proxy = new ChaosProxy(run.port(), 1, 0).darkenFirstAfter(400_000)) {
            Map<String, String> env = new HashMap<>(certs.agencyEnv(certs.ca()));
            env.putAll(Map.of("CLI_SERVER_ADDRESS", "127.0.0.1:" + proxy.port(), "CLI_SERVER_READTIMEOUT", "2s",
                    "CLI_BATCH_WINDOW", "1", "CLI_BATCH_MAXAMOUNT", "50"));
            ChildProcess one = run.startAgency(1, data.files().get(1), env, line -> { });
            run.startAgency(2, data.files().get(2), certs.agencyEnv(certs.ca()), line -> { });
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);

            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            Duration recovered = proxy.darkToReconnect();
            assertTrue(recovered != null && recovered.compareTo(Duration.ofSeconds(4)) < 0,
                    "back within the read timeout + backoff: " + recovered);
            assertEquals(1, LogLines.count(one.lines(), "action: connection_lost | result: in_progress"),
                    String.join("\n", one.tail(20)));
            assertEquals(0, LogLines.count(one.lines(), "result: fail"), String.join("\n", one.tail(20)));
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }
}
