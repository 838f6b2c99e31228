package tp0.lottery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tp0.logline.LogFormat;
import tp0.logline.LogLine;

/**
 * The server's real logback.xml, in a logger context of its own: each line its appenders would
 * write, as text (the contract) and as JSON read back by a real parser (Jackson, on the class
 * path through Pekko's serialization).
 */
class ContractLayoutTest {
    private static final long SEED = Long.getLong("tp0.log.seed", System.nanoTime());
    private static final Pattern CONTRACT = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} (DEBUG|INFO|WARN|ERROR)\\s+"
                    + "action: [a-z_]+ \\| result: (success|fail|in_progress)( \\| [a-z0-9_]+: [^|]*)*\n$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoggerContext context;

    @BeforeEach
    void configureFromTheShippedLogbackXml() throws Exception {
        context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL shipped = Main.class.getResource("/logback.xml");
        configurator.doConfigure(shipped);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void textStaysTheContractByDefault() {
        String line = write("tp0.lottery.Main", Level.INFO,
                LogLine.success("listen", "address", "0.0.0.0", "port", 12345), null);
        assertTrue(CONTRACT.matcher(line).matches(), line);
        assertTrue(line.endsWith(" INFO     action: listen | result: success | address: 0.0.0.0 | port: 12345\n"), line);
    }

    @Test
    void jsonHasTheTextLinesFieldsInItsOrderEveryValueAString() throws Exception {
        String message = LogLine.success("apuesta_almacenada", "dni", "00012345", "numero", 7574);
        String text = write("tp0.lottery.store.BetStore", Level.DEBUG, message, null);
        ContractLayout.useEverywhere(context, LogFormat.JSON);
        String json = write("tp0.lottery.store.BetStore", Level.DEBUG, message, null);

        assertTrue(json.endsWith("}\n") && json.indexOf('\n') == json.length() - 1, json);
        JsonNode node = JSON.readTree(json);
        assertEquals(List.of("time", "level", "action", "result", "dni", "numero"), names(node));
        assertEquals(text.substring(0, 19), node.get("time").textValue());
        assertEquals("DEBUG", node.get("level").textValue());
        assertEquals("apuesta_almacenada", node.get("action").textValue());
        assertEquals("success", node.get("result").textValue());
        assertEquals("00012345", node.get("dni").textValue());
        assertEquals("7574", node.get("numero").textValue());

        ContractLayout.useEverywhere(context, LogFormat.TEXT);
        assertTrue(CONTRACT.matcher(write("tp0.lottery.Main", Level.INFO, message, null)).matches(), "back to text");
    }

    @Test
    void anyValueSurvivesTheRoundTripThroughARealParser() throws Exception {
        System.out.println("ContractLayoutTest seed: " + SEED + " (replay with -Dtp0.log.seed=" + SEED + ")");
        Random random = new Random(SEED);
        ContractLayout.useEverywhere(context, LogFormat.JSON);
        for (int i = 0; i < 500; i++) {
            Map<String, String> fields = new LinkedHashMap<>();
            List<Object> keyValues = new ArrayList<>();
            int keys = random.nextInt(5);
            for (int k = 0; k < keys; k++) {
                String value = randomText(random);
                fields.put("k" + k, value);
                keyValues.add("k" + k);
                keyValues.add(value);
            }
            String line = write("tp0.lottery.session.AgencySession", Level.WARN,
                    LogLine.fail("a", keyValues.toArray()), null);
            JsonNode node = JSON.readTree(line);
            for (Map.Entry<String, String> field : fields.entrySet()) {
                // As the text line has it: '|' and line breaks are the LogLine's to replace.
                String expected = field.getValue().replace('|', '/').replace('\n', ' ').replace('\r', ' ');
                assertEquals(expected, node.get(field.getKey()).textValue(), "seed " + SEED + ": " + line);
            }
            assertEquals(fields.size() + 4, node.size(), line);
        }
    }

    @Test
    void quotesBackslashesControlCharactersAndNonAsciiReadBackExactly() throws Exception {
        ContractLayout.useEverywhere(context, LogFormat.JSON);
        String value = "\"quoted\" C:\\dir\ttab\u0000\u001f\u007f Nicolás Saldaña \uD83C\uDFB2";
        String line = write("tp0.lottery.Main", Level.ERROR, LogLine.fail("config", "error", value), null);
        assertFalse(line.contains("\t") || line.contains("\u0000"), "control characters are escaped: " + line);
        assertTrue(line.contains("Nicolás Saldaña \uD83C\uDFB2"), "non-ASCII is kept as UTF-8: " + line);
        assertEquals(value, JSON.readTree(line).get("error").textValue());
    }

    @Test
    void aLibrarysLineBecomesMessageAndPekkosKeepsItsFields() throws Exception {
        ContractLayout.useEverywhere(context, LogFormat.JSON);
        JsonNode flyway = JSON.readTree(write("org.flywaydb.core.Flyway", Level.WARN, "Schema \"x\" | is\nnewer", null));
        assertEquals(List.of("time", "level", "message"), names(flyway));
        assertEquals("Schema \"x\" | is\nnewer", flyway.get("message").textValue());

        JsonNode pekko = JSON.readTree(write("org.apache.pekko.cluster.Cluster", Level.WARN, "peer | gone\nnow", null));
        assertEquals(List.of("time", "level", "action", "result", "source", "message"), names(pekko));
        assertEquals("pekko", pekko.get("action").textValue());
        assertEquals("in_progress", pekko.get("result").textValue());
        assertEquals("Cluster", pekko.get("source").textValue());
        assertEquals("peer / gone now", pekko.get("message").textValue());
    }

    @Test
    void aThrowableNeverBecomesAStackTraceInJson() throws Exception {
        ContractLayout.useEverywhere(context, LogFormat.JSON);
        Exception failure = new java.net.BindException("Address already in use");
        for (String logger : List.of("tp0.lottery.Main", "org.apache.pekko.actor.ActorSystem")) {
            String line = write(logger, Level.ERROR, LogLine.fail("http_listen", "port", 8080), failure);
            assertEquals(line.length() - 1, line.indexOf('\n'), "one line: " + line);
            assertFalse(line.contains("BindException") || line.contains("\\tat "), line);
            JSON.readTree(line);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** What the appender {@code logger}'s events go to would write for this event. */
    private String write(String loggerName, Level level, String message, Throwable failure) {
        Logger logger = context.getLogger(loggerName);
        ILoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, failure, null);
        for (Logger l = logger; l != null; l = parent(l)) {
            Iterator<ch.qos.logback.core.Appender<ILoggingEvent>> appenders = l.iteratorForAppenders();
            if (appenders.hasNext() && appenders.next() instanceof OutputStreamAppender<ILoggingEvent> out) {
                return new String(out.getEncoder().encode(event), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no appender for " + loggerName);
    }

    /** The nearest configured ancestor: Pekko's logger for Pekko's classes, else the root. */
    private Logger parent(Logger logger) {
        String name = logger.getName();
        int dot = name.lastIndexOf('.');
        if (name.equals(Logger.ROOT_LOGGER_NAME)) {
            return null;
        }
        return context.getLogger(dot < 0 ? Logger.ROOT_LOGGER_NAME : name.substring(0, dot));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String randomText(Random random) {
        String alphabet = "aZ09 |:\"\\\n\r\t\b\f\u0000\u001f\u007f\u00e9\u00f1\u2028\uFEFF{}[],";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(10) == 0) {
                text.append("\uD83C\uDFB2"); // a pair, whole
            } else {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return text.toString();
    }
}
