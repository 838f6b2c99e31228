package tp0.agency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tp0.agency.log.LogCapture;
import tp0.agency.log.LogLevel;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

@Timeout(30)
class MainTest {
    @TempDir
    Path dir;

    @Test
    void withoutClientIdItLogsOneConfigFailLineAndReturnsOne() {
        LogCapture capture = new LogCapture(LogLevel.INFO);
        assertEquals(ExitCodes.FAILURE, Main.run(Map.of(), dir.resolve("config.yaml"), capture.log, new StopSignal()));
        assertEquals(1, capture.lines().size());
        assertTrue(capture.lines().get(0).contains(
                " ERROR    action: config | result: fail | key: CLI_ID | error: "), capture.toString());
    }

    @Test
    void withJsonLogsEvenTheConfigErrorIsAJsonLine() throws Exception {
        LogCapture capture = new LogCapture(LogLevel.INFO);
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "log:\n  format: json\n", StandardCharsets.UTF_8);
        assertEquals(ExitCodes.FAILURE, Main.run(Map.of(), config, capture.log, new StopSignal()));
        assertEquals(1, capture.lines().size(), capture.toString());
        assertTrue(capture.lines().get(0).matches("\\{\"time\":\"[-0-9 :]{19}\",\"level\":\"ERROR\",\"action\":\"config\","
                + "\"result\":\"fail\",\"key\":\"CLI_ID\",\"error\":\"[^\"]+\"}"), capture.toString());

        LogCapture wrong = new LogCapture(LogLevel.INFO);
        assertEquals(ExitCodes.FAILURE, Main.run(Map.of("CLI_ID", "1", "CLI_LOG_FORMAT", "xml"), config, wrong.log,
                new StopSignal()));
        assertTrue(wrong.lines().get(0).endsWith(" ERROR    action: config | result: fail | key: CLI_LOG_FORMAT"
                + " | error: 'xml' is not text or json"), "an unknown format is told in text: " + wrong);
    }

    @Test
    void runsTheWholeSessionFromEnvAndConfigFile() throws Exception {
        try (FakeLotteryServer server = FakeLotteryServer.start(FakeLotteryServer.lottery("30904465"))) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, "server:\n  address: \"127.0.0.1:" + server.port() + "\"\nlog:\n  level: INFO\n"
                    + "loop:\n  amount: 5\n  period: 50ms\n", StandardCharsets.UTF_8);
            Path data = dir.resolve("bets.csv");
            Files.writeString(data, "Santiago Lionel,Lorca,30904465,1999-03-17,7574\n", StandardCharsets.UTF_8);

            LogCapture capture = new LogCapture(LogLevel.ERROR); // Main switches to the configured level
            int status = Main.run(Map.of("CLI_ID", "1", "CLI_DATA_FILE", data.toString()), config, capture.log,
                    new StopSignal());
            server.awaitDone(Duration.ofSeconds(10));

            assertEquals(ExitCodes.SUCCESS, status, capture.toString());
            List<String> messages = capture.messages();
            assertEquals(4, messages.size(), capture.toString());
            assertEquals("action: config | result: success | client_id: 1 | server_address: 127.0.0.1:" + server.port()
                    + " | batch_max_amount: 500 | log_level: INFO | data_file: " + data + " | secret: none"
                    + " | batch_window: 32 | read_timeout: 15s | loop_period: 50ms", messages.get(0));
            assertTrue(messages.get(1).matches(AgencyClientTest.allSent(1)), messages.get(1));
            assertEquals(List.of(
                    "action: ganador | result: success | dni: 30904465",
                    "action: consulta_ganadores | result: success | cant_ganadores: 1"), messages.subList(2, 4));
        }
    }

    @Test
    void withALaunchTimeTheAllSentLineSaysWhenTheFirstBatchLeft() throws Exception {
        try (FakeLotteryServer server = FakeLotteryServer.start(FakeLotteryServer.lottery())) {
            Path data = dir.resolve("bets.csv");
            Files.writeString(data, "Santiago Lionel,Lorca,30904465,1999-03-17,1\n", StandardCharsets.UTF_8);
            LogCapture capture = new LogCapture(LogLevel.INFO);
            long launched = System.currentTimeMillis() - 5_000; // as if the JVM took 5 s to get here
            int status = Main.run(Map.of("CLI_ID", "1", "CLI_DATA_FILE", data.toString(),
                    "CLI_SERVER_ADDRESS", "127.0.0.1:" + server.port()), dir.resolve("absent.yaml"), capture.log,
                    new StopSignal(), java.util.OptionalLong.of(launched));
            server.awaitDone(Duration.ofSeconds(10));

            assertEquals(ExitCodes.SUCCESS, status, capture.toString());
            String allSent = capture.messages().get(1);
            assertTrue(allSent.matches(AgencyClientTest.allSent(1).replace("$", "") + " \\| first_batch_ms: \\d+"), allSent);
            long firstBatchMs = Long.parseLong(allSent.substring(allSent.lastIndexOf(' ') + 1));
            assertTrue(firstBatchMs >= 5_000 && firstBatchMs < 15_000, allSent);
        }
    }

    @Test
    void theSecretFromTheEnvironmentReachesHelloAndNeverTheLog() throws Exception {
        String secret = "s3cr3t-Agency-1";
        try (FakeLotteryServer server = FakeLotteryServer.start(FakeLotteryServer.lottery())) {
            Path data = dir.resolve("bets.csv");
            Files.writeString(data, "Santiago Lionel,Lorca,30904465,1999-03-17,7574\n", StandardCharsets.UTF_8);
            LogCapture capture = new LogCapture(LogLevel.DEBUG);
            int status = Main.run(Map.of("CLI_ID", "1", "CLI_DATA_FILE", data.toString(), "CLI_LOG_LEVEL", "DEBUG",
                    "CLI_SERVER_ADDRESS", "127.0.0.1:" + server.port(), "CLI_SECRET", secret),
                    dir.resolve("absent.yaml"), capture.log, new StopSignal());
            server.awaitDone(Duration.ofSeconds(10));

            assertEquals(ExitCodes.SUCCESS, status, capture.toString());
            assertEquals(new Message.Hello(Protocol.VERSION, 1, secret), server.received().get(0));
            assertTrue(capture.lines().get(0).endsWith(" | data_file: " + data + " | secret: set | batch_window: 32 | read_timeout: 15s"),
                    capture.toString());
            assertFalse(capture.contains(secret), capture.toString());
            assertFalse(capture.contains("s3cr3t"), capture.toString());
        }
    }
}
