package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static tp0.e2e.RunDirs.ROOT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.StartScript;

/**
 * Logs as data: the real server jar with {@code LOG_FORMAT = json} in its config.ini, one agency
 * with {@code log.format: json} in its config.yaml and one with {@code CLI_LOG_FORMAT=json}. Every
 * line either writes, from the first config line to the last shutdown line, is one JSON object
 * a real parser reads, with the text line's fields in its order: time, level, action, result,
 * then the keys, every value a string.
 */
class JsonLogsIT {
    private static final Duration LONG = Duration.ofMinutes(3);
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
    private static final Pattern ACTION = Pattern.compile("[a-z_]+");
    private static final Pattern KEY = Pattern.compile("[a-z0-9_]+");
    private static final List<String> RESULTS = List.of("success", "fail", "in_progress");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final RunDir runDir = new RunDir("e2e");

    @Test
    void theServerAndTheAgenciesWriteEveryLineAsOneJsonObject() throws IOException {
        long seed = Seeds.of("tp0.e2e.json.seed", "JsonLogsIT");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"),
                new int[] {400, 250}, new int[] {2, 1}, seed);

        Path serverDir = runDir.path().resolve("server");
        Files.createDirectories(serverDir);
        String shippedIni = Files.readString(ROOT.resolve("lottery/config.ini"), StandardCharsets.UTF_8);
        assertTrue(shippedIni.contains("\nLOG_FORMAT = text\n"), "config.ini ships LOG_FORMAT = text");
        Files.writeString(serverDir.resolve("config.ini"), shippedIni.replace("\nLOG_FORMAT = text\n",
                "\nLOG_FORMAT = json\n"), StandardCharsets.UTF_8);
        Map<String, String> serverEnv = Map.of("SERVER_IP", "127.0.0.1", "SERVER_PORT", "0", "NUM_AGENCIES", "2",
                "HTTP_PORT", "0", "LOGGING_LEVEL", "DEBUG");
        try (ChildProcess server = ChildProcess.startScript("server", StartScript.of(ROOT, "lottery"), serverDir,
                serverEnv, line -> { })) {
            String port = server.awaitLine("^\\{.*\"action\":\"listen\",\"result\":\"success\",.*\"port\":\"(\\d+)\"",
                    Duration.ofSeconds(60)).group(1);

            List<ChildProcess> agencies = new ArrayList<>();
            try {
                for (int k = 1; k <= 2; k++) {
                    Path dir = runDir.path().resolve("agency-" + k);
                    Files.createDirectories(dir);
                    String yaml = Files.readString(ROOT.resolve("agency/config.yaml"), StandardCharsets.UTF_8);
                    Map<String, String> env = new HashMap<>(Map.of("CLI_ID", Integer.toString(k),
                            "CLI_SERVER_ADDRESS", "127.0.0.1:" + port,
                            "CLI_DATA_FILE", data.files().get(k).toAbsolutePath().toString()));
                    if (k == 1) {
                        assertTrue(yaml.contains("\n  format: text\n"), "config.yaml ships log.format: text");
                        yaml = yaml.replace("\n  format: text\n", "\n  format: json\n");
                    } else {
                        env.put("CLI_LOG_FORMAT", "json");
                    }
                    Files.writeString(dir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
                    agencies.add(ChildProcess.startScript("agency-" + k, StartScript.of(ROOT, "agency"), dir, env,
                            line -> { }));
                }
                for (int k = 1; k <= 2; k++) {
                    ChildProcess agency = agencies.get(k - 1);
                    assertEquals(0, agency.awaitExit(LONG).orElseThrow(), agency.name() + " exit status");
                    List<JsonNode> lines = parseEveryLine(agency);
                    assertEquals(1, count(lines, "config", "success"), "agency config line");
                    assertEquals(Integer.toString(k), first(lines, "config").get("client_id").textValue());
                    List<String> winners = lines.stream().filter(l -> l.get("action").textValue().equals("ganador"))
                            .map(l -> l.get("dni").textValue()).toList();
                    assertEquals(data.winnersPerAgency().get(k), winners, "agency " + k + "'s winners, as strings");
                    assertEquals(Integer.toString(winners.size()),
                            first(lines, "consulta_ganadores").get("cant_ganadores").textValue());
                    assertEquals(0, lines.stream().filter(l -> l.get("result").textValue().equals("fail")).count(),
                            "no failure in agency " + k);
                }
            } finally {
                agencies.forEach(ChildProcess::close);
            }

            server.awaitLine("\"action\":\"sorteo\",\"result\":\"success\"", LONG);
            server.terminate();
            assertEquals(0, server.awaitExit(Duration.ofSeconds(30)).orElseThrow(), "server exit status after SIGTERM");

            List<JsonNode> lines = parseEveryLine(server);
            JsonNode config = first(lines, "config");
            assertEquals(List.of("time", "level", "action", "result", "port", "listen_backlog", "logging_level",
                    "num_agencies"), names(config).subList(0, 8), "the exercise's keys first, as in the text line");
            assertEquals("DEBUG", config.get("logging_level").textValue());
            assertEquals(data.totalBets(), count(lines, "apuesta_almacenada", "success"), "one line per stored bet");
            assertEquals(1, count(lines, "sorteo", "success"), "one draw");
            JsonNode last = lines.get(lines.size() - 1);
            assertEquals(List.of("shutdown", "actor_system", "0"), List.of(last.get("action").textValue(),
                    last.get("resource").textValue(), last.get("exit_code").textValue()), last.toString());
        }
    }

    @Test
    void theFormatHoldsFromTheServersFirstLineAndAnUnknownOneIsAConfigError() throws IOException {
        Path dir = runDir.path().resolve("bad-setting");
        Map<String, String> env = Map.of("LOG_FORMAT", "json", "NUM_AGENCIES", "0", "HTTP_PORT", "0");
        try (ChildProcess server = ChildProcess.startScript("server", StartScript.of(ROOT, "lottery"), dir, env,
                line -> { })) {
            assertEquals(1, server.awaitExit(Duration.ofSeconds(60)).orElseThrow(), "exit status of a bad setting");
            List<JsonNode> lines = parseEveryLine(server);
            // No config.ini here: its line comes first, already JSON; then the setting's error.
            assertEquals(List.of("config_file", "config"), lines.stream().map(l -> l.get("action").textValue()).toList());
            assertEquals("NUM_AGENCIES", lines.get(1).get("key").textValue());
            assertEquals("fail", lines.get(1).get("result").textValue());
        }

        Path other = runDir.path().resolve("unknown-format");
        try (ChildProcess server = ChildProcess.startScript("server", StartScript.of(ROOT, "lottery"), other,
                Map.of("LOG_FORMAT", "xml", "HTTP_PORT", "0"), line -> { })) {
            assertEquals(1, server.awaitExit(Duration.ofSeconds(60)).orElseThrow(), "exit status of a bad LOG_FORMAT");
            // The format asked for is unknown: the error is told in the default, the text contract.
            assertEquals(1, server.linesContaining(
                    " ERROR    action: config | result: fail | key: LOG_FORMAT | error: 'xml' is not text or json").size(),
                    String.join("\n", server.lines()));
            LogLines.assertKeepTheContract(server.lines());
        }
    }

    /** Every line of {@code process} as JSON, each checked to hold the contract's fields; fails naming a bad one. */
    private static List<JsonNode> parseEveryLine(ChildProcess process) {
        List<JsonNode> parsed = new ArrayList<>();
        List<String> lines = process.lines();
        assertTrue(!lines.isEmpty(), process.name() + " logged nothing");
        for (String line : lines) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new AssertionError(process.name() + ": not JSON: " + line, e);
            }
            if (node == null || !node.isObject()) {
                fail(process.name() + ": not one JSON object: " + line);
            }
            List<String> names = names(node);
            assertTrue(names.size() >= 4 && names.subList(0, 4).equals(List.of("time", "level", "action", "result")),
                    process.name() + ": fields out of the text line's order: " + line);
            node.fields().forEachRemaining(field -> assertTrue(field.getValue().isTextual(),
                    process.name() + ": " + field.getKey() + " is no string: " + line));
            assertTrue(TIME.matcher(node.get("time").textValue()).matches(), line);
            assertTrue(List.of("DEBUG", "INFO", "WARN", "WARNING", "ERROR").contains(node.get("level").textValue()), line);
            assertTrue(ACTION.matcher(node.get("action").textValue()).matches(), line);
            assertTrue(RESULTS.contains(node.get("result").textValue()), line);
            names.subList(4, names.size()).forEach(key -> assertTrue(KEY.matcher(key).matches(), "key " + key + ": " + line));
            parsed.add(node);
        }
        return parsed;
    }

    private static long count(List<JsonNode> lines, String action, String result) {
        return lines.stream().filter(l -> l.get("action").textValue().equals(action)
                && l.get("result").textValue().equals(result)).count();
    }

    private static JsonNode first(List<JsonNode> lines, String action) {
        return lines.stream().filter(l -> l.get("action").textValue().equals(action)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " line"));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
