package tp0.agency.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import tp0.logline.LogFormat;

class LogTest {
    private static final LocalDateTime T = LocalDateTime.of(2026, 11, 28, 18, 0, 5);

    @Test
    void formatsLikePythonsAsctimeLevelnameMessage() {
        assertEquals("2026-11-28 18:00:05 INFO     action: x | result: success",
                Log.format(T, LogLevel.INFO, "action: x | result: success"));
        assertEquals("2026-11-28 18:00:05 WARNING  m", Log.format(T, LogLevel.WARNING, "m"));
        assertEquals("2026-11-28 18:00:05 DEBUG    m", Log.format(T, LogLevel.DEBUG, "m"));
        assertEquals("2026-11-28 18:00:05 ERROR    m", Log.format(T, LogLevel.ERROR, "m"));
        assertEquals("0987-01-02 03:04:05 INFO     m",
                Log.format(LocalDateTime.of(987, 1, 2, 3, 4, 5), LogLevel.INFO, "m"));
    }

    @Test
    void inJsonEachLineIsOneObjectWithTheTextLinesFields() {
        assertEquals("{\"time\":\"2026-11-28 18:00:05\",\"level\":\"WARNING\",\"action\":\"x\",\"result\":\"fail\","
                + "\"error\":\"a \\\"quoted\\\" \\\\ path\"}",
                Log.format(LogFormat.JSON, T, LogLevel.WARNING, "action: x | result: fail | error: a \"quoted\" \\ path"));
        assertEquals(Log.format(T, LogLevel.INFO, "m"), Log.format(LogFormat.TEXT, T, LogLevel.INFO, "m"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(bytes, false, StandardCharsets.UTF_8), LogLevel.INFO, () -> T);
        log.info("action: a | result: success | nombre: Nicolás");
        log.setFormat(LogFormat.JSON);
        log.debug("below the threshold");
        log.info("action: a | result: success | nombre: Nicolás");
        assertEquals("2026-11-28 18:00:05 INFO     action: a | result: success | nombre: Nicolás\n"
                + "{\"time\":\"2026-11-28 18:00:05\",\"level\":\"INFO\",\"action\":\"a\",\"result\":\"success\","
                + "\"nombre\":\"Nicolás\"}\n", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsOnlyTheThresholdAndAbove() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(bytes, false, StandardCharsets.UTF_8), LogLevel.WARNING, () -> T);
        log.debug("d");
        log.info("i");
        log.warning("w");
        log.error("e");
        log.setThreshold(LogLevel.DEBUG);
        log.debug("d2");
        assertEquals("2026-11-28 18:00:05 WARNING  w\n2026-11-28 18:00:05 ERROR    e\n"
                + "2026-11-28 18:00:05 DEBUG    d2\n", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDefaultClockIsTheLocalTimeOfNow() {
        TimeZone saved = TimeZone.getDefault();
        try {
            for (String zone : new String[] {"UTC", "America/Argentina/Buenos_Aires", "Europe/Madrid", "Asia/Kolkata",
                "Pacific/Chatham"}) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                LocalDateTime before = LocalDateTime.now(ZoneId.of(zone)).withNano(0);
                LocalDateTime cheap = Log.localNow();
                LocalDateTime after = LocalDateTime.now(ZoneId.of(zone));
                assertTrue(!cheap.isBefore(before) && !cheap.isAfter(after), zone + ": " + cheap + " not in ["
                        + before + ", " + after + "]");
            }
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void parsesLevelsCaseInsensitivelyWithWarnAsAlias() {
        assertEquals(LogLevel.DEBUG, LogLevel.parse("debug"));
        assertEquals(LogLevel.INFO, LogLevel.parse(" INFO "));
        assertEquals(LogLevel.WARNING, LogLevel.parse("WARN"));
        assertEquals(LogLevel.WARNING, LogLevel.parse("warning"));
        assertEquals(LogLevel.ERROR, LogLevel.parse("Error"));
        assertThrows(IllegalArgumentException.class, () -> LogLevel.parse("TRACE"));
    }
}
