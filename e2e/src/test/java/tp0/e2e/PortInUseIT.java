package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tp0.tools.ChildProcess;
import tp0.tools.StartScript;

/**
 * Ports on a shared host: the real server (start script, real jar) told to bind a port another
 * process holds, the agencies' port ({@code SERVER_PORT}) or the HTTP port ({@code HTTP_PORT}).
 * It exits 1 with exactly one {@code fail} line naming the port and the setting, and every line
 * it prints is a contract log line: no stack trace (Pekko's own report of the failed bind came
 * with a multi-line {@code java.net.BindException}).
 */
class PortInUseIT {
    private static final Duration EXIT = Duration.ofSeconds(60);

    @RegisterExtension
    final RunDir runDir = RunDir.perInvocation("e2e");

    @ParameterizedTest(name = "{0} in use")
    @CsvSource({"SERVER_PORT, listen", "HTTP_PORT, http_listen"})
    void aPortInUseIsOneFailLineNamingPortAndKeyThenExitOne(String key, String action) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            Map<String, String> env = key.equals("SERVER_PORT")
                    ? Map.of("SERVER_IP", "127.0.0.1", "SERVER_PORT", port, "HTTP_PORT", "0")
                    : Map.of("SERVER_IP", "127.0.0.1", "SERVER_PORT", "0", "HTTP_IP", "127.0.0.1", "HTTP_PORT", port);
            Path dir = runDir.path().resolve("server");
            ChildProcess.copy(ROOT.resolve("lottery/config.ini"), dir.resolve("config.ini"));
            try (ChildProcess server = ChildProcess.startScript("server", StartScript.of(ROOT, "lottery"), dir, env,
                    line -> { })) {
                assertEquals(1, server.awaitExit(EXIT).orElseThrow(), "exit status; log:\n"
                        + String.join("\n", server.lines()));
                List<String> lines = server.lines();
                LogLines.assertKeepTheContract(lines);
                List<String> failures = server.linesContaining("result: fail");
                assertEquals(1, failures.size(), "fail lines: " + lines);
                String failure = failures.get(0);
                assertTrue(failure.contains("ERROR    action: " + action + " | result: fail | ip: 127.0.0.1 | port: "
                        + port + " | error: "), failure);
                assertTrue(failure.endsWith(" | key: " + key), failure);
                assertTrue(failure.contains("Address already in use"), failure);
            }
        }
    }
}
