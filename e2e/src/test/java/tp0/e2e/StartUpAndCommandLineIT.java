package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.tools.ChildProcess;
import tp0.tools.StartScript;

/**
 * The first five minutes of a user with the real programs (through their start scripts): {@code --help} and {@code --version}
 * answer and change nothing, an unknown argument is one line and status 2, and SIGTERM at any
 * point of start-up — while the settings are read, the files repaired, the actor system
 * started, the port bound — ends with the shutdown lines and status 0. Replay the delays with
 * -Dtp0.startup.seed=N.
 */
class StartUpAndCommandLineIT {
    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final long SEED = Long.getLong("tp0.startup.seed", System.nanoTime());

    @RegisterExtension
    final RunDir runDir = new RunDir("e2e");

    @Test
    void helpAndVersionAnswerWithoutSideEffects() throws IOException {
        for (String module : List.of("lottery", "agency")) {
            Path dir = runDir.path().resolve(module);
            List<String> help = run(module, dir, 0, "--help");
            assertTrue(help.get(0).startsWith("Usage: " + module + " [--help | --version]"), help.toString());
            assertTrue(help.stream().anyMatch(line -> line.startsWith("Exit status:")), "exit codes: " + help);
            List<String> keys = module.equals("lottery")
                    ? List.of("SERVER_PORT", "SERVER_IP", "SERVER_LISTEN_BACKLOG", "LOGGING_LEVEL", "NUM_AGENCIES",
                            "FRAME_TIMEOUT", "MAX_CONNECTIONS", "AGENCY_SECRETS_FILE", "STORE_GROUP_COMMIT",
                            "SESSION_PIPELINE", "HEARTBEAT_TIMEOUT", "HTTP_PORT", "HTTP_IP")
                    : List.of("CLI_ID", "CLI_SERVER_ADDRESS", "CLI_SERVER_CONNECTTIMEOUT", "CLI_SERVER_READTIMEOUT", "CLI_SECRET", "CLI_LOG_LEVEL",
                            "CLI_BATCH_MAXAMOUNT", "CLI_BATCH_WINDOW", "CLI_DATA_FILE");
            for (String key : keys) {
                assertTrue(help.stream().anyMatch(line -> line.matches("\\s+.*\\b" + key + "\\b.*")), key + " in " + help);
            }
            List<String> version = run(module, dir, 0, "--version");
            assertEquals(1, version.size(), version.toString());
            assertTrue(version.get(0).matches(module + " \\d+\\.\\d+\\.\\d+\\S* \\(Java .*"), version.get(0));

            List<String> unknown = run(module, dir, 2, "--frobnicate");
            assertEquals(1, unknown.size(), unknown.toString());
            assertTrue(unknown.get(0).startsWith(module + ": unknown argument '--frobnicate'"), unknown.get(0));

            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(List.of(module + ".log"), left.map(p -> p.getFileName().toString()).toList(),
                        "nothing but the test's own log is created: no bets.csv, no marks");
            }
        }
    }

    @Test
    void serverStoppedAtAnyPointOfStartUpExitsZero() throws IOException {
        System.out.println("StartUpAndCommandLineIT seed: " + SEED + " (replay with -Dtp0.startup.seed=" + SEED + ")");
        Random random = new Random(SEED);
        // Some rows, so that repairing and counting the file takes a moment too.
        Path bets = runDir.path().resolve("bets.csv");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            rows.append(1 + i % 5).append(",Ana,Paz,").append(i).append(",2000-01-01,").append(i).append("\r\n");
        }
        Files.writeString(bets, rows);
        List<String> points = new ArrayList<>();
        // Right after each start-up line, then at random moments of the actor system's start and bind.
        for (String line : List.of("action: config ", "action: bets_file ")) {
            points.add(line);
        }
        for (int i = 0; i < 6; i++) {
            points.add("action: bets_file +" + random.nextInt(1500) + "ms");
        }
        for (String point : points) {
            Path dir = runDir.path().resolve("server-" + points.indexOf(point));
            ChildProcess.copy(bets, dir.resolve("bets.csv"));
            ChildProcess.copy(ROOT.resolve("lottery/config.ini"), dir.resolve("config.ini"));
            try (ChildProcess server = ChildProcess.startScript("server", StartScript.of(ROOT, "lottery"),
                    dir, Map.of("SERVER_IP", "127.0.0.1", "SERVER_PORT", "0", "HTTP_PORT", "0"),
                    line -> { })) {
                String[] at = point.split(" \\+", -1);
                server.awaitLine(at[0].replace("|", "\\|"), EXIT);
                if (at.length > 1) {
                    // The moment of the signal is this test's input, not a wait for something.
                    pause(Long.parseLong(at[1].replace("ms", "")));
                }
                server.terminate();
                assertEquals(0, server.awaitExit(EXIT).orElseThrow(), point + ": exit status; log:\n"
                        + String.join("\n", server.lines()));
                List<String> lines = server.lines();
                assertTrue(lines.get(lines.size() - 1).matches(
                                ".*action: shutdown \\| result: success \\| resource: actor_system \\| exit_code: 0.*"),
                        point + ": the last line: " + lines);
                assertEquals(0, server.linesContaining("result: fail").size(), point + ": " + lines);
                System.out.println("signal " + point + " -> exit 0 after: "
                        + lines.get(lines.size() - 2).replaceAll("^.*action: ", "action: "));
            }
        }
    }

    /** An actor system that cannot start is one fail line and status 1, not a JVM left running. */
    @Test
    void serverWhoseActorSystemCannotStartExitsOne() throws IOException {
        Path dir = runDir.path().resolve("server");
        ChildProcess.copy(ROOT.resolve("lottery/config.ini"), dir.resolve("config.ini"));
        try (ChildProcess server = ChildProcess.startScript("server", StartScript.of(ROOT, "lottery"), dir,
                Map.of("SERVER_IP", "127.0.0.1", "SERVER_PORT", "0", "HTTP_PORT", "0",
                        "JAVA_OPTS", "-Dpekko.actor.provider=tp0.NoSuchActorRefProvider"),
                line -> { })) {
            assertEquals(1, server.awaitExit(EXIT).orElseThrow(), "exit status; log:\n" + String.join("\n", server.lines()));
            List<String> failures = server.linesContaining("action: start | result: fail | error: ");
            assertEquals(1, failures.size(), server.lines().toString());
            assertTrue(failures.get(0).contains("NoSuchActorRefProvider"), failures.get(0));
        }
    }

    @Test
    void agencyStoppedRightAfterItsFirstLineExitsZero() throws IOException {
        for (String address : List.of("127.0.0.1:1", "unresolvable.invalid:12345")) {
            Path dir = runDir.path().resolve("agency-" + address.replaceAll("[^a-z0-9]", "_"));
            ChildProcess.copy(ROOT.resolve("agency/config.yaml"), dir.resolve("config.yaml"));
            Files.createDirectories(dir.resolve(".data"));
            Files.writeString(dir.resolve(".data/agency-1.csv"), "Ana,Paz,00123,2000-02-29,7574\n");
            try (ChildProcess agency = ChildProcess.startScript("agency", StartScript.of(ROOT, "agency"),
                    dir, Map.of("CLI_ID", "1", "CLI_SERVER_ADDRESS", address),
                    line -> { })) {
                agency.awaitLine("action: config \\| result: success", EXIT);
                agency.terminate();
                assertEquals(0, agency.awaitExit(EXIT).orElseThrow(), address + ": " + agency.lines());
                assertFalse(agency.lines().stream().anyMatch(line -> line.contains("result: fail")), agency.lines().toString());
            }
        }
    }

    /** Runs {@code module}'s start script with {@code args} in {@code dir}; checks the status, returns the output. */
    private static List<String> run(String module, Path dir, int status, String... args) throws IOException {
        try (ChildProcess process = ChildProcess.startScript(module, StartScript.of(ROOT, module), List.of(args), dir,
                Map.of(), line -> { })) {
            assertEquals(status, process.awaitExit(EXIT).orElseThrow(), String.join(" ", args) + ": " + process.lines());
            return process.lines();
        }
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
