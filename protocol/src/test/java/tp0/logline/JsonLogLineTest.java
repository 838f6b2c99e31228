package tp0.logline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A contract line as JSON: the same fields in the same order, every value a string, escaped as
 * RFC 8259 says. (A real parser reads these lines back in the server's {@code ContractLayoutTest}
 * and the end-to-end {@code JsonLogsIT}; this module has none on its test class path.)
 */
class JsonLogLineTest {

    @Test
    void aLogLineKeepsItsFieldsInOrderAsStrings() {
        assertEquals("{\"time\":\"2026-12-06 03:10:00\",\"level\":\"INFO\",\"action\":\"apuesta_almacenada\","
                        + "\"result\":\"success\",\"dni\":\"00012345\",\"numero\":\"7574\"}",
                JsonLogLine.of("2026-12-06 03:10:00", "INFO",
                        LogLine.success("apuesta_almacenada", "dni", "00012345", "numero", 7574)));
    }

    @Test
    void everyResultAndNoKeys() {
        assertEquals("{\"time\":\"t\",\"level\":\"ERROR\",\"action\":\"exit\",\"result\":\"fail\"}",
                JsonLogLine.of("t", "ERROR", LogLine.fail("exit")));
        assertEquals("{\"time\":\"t\",\"level\":\"INFO\",\"action\":\"sorteo\",\"result\":\"in_progress\",\"agencias\":\"3\"}",
                JsonLogLine.of("t", "INFO", LogLine.inProgress("sorteo", "agencias", 3)));
    }

    @Test
    void valuesOfEveryKindStayAsTheTextLineShowsThem() {
        String message = LogLine.success("config", "empty", "", "spaces", " a  b ", "colon", "host: x:1",
                "pipe", "a|b", "newline", "a\nb", "number", -1.5, "null", null, "path", "/tmp/a b/c.csv");
        assertEquals("{\"time\":\"t\",\"level\":\"INFO\",\"action\":\"config\",\"result\":\"success\",\"empty\":\"\","
                        + "\"spaces\":\" a  b \",\"colon\":\"host: x:1\",\"pipe\":\"a/b\",\"newline\":\"a b\","
                        + "\"number\":\"-1.5\",\"null\":\"null\",\"path\":\"/tmp/a b/c.csv\"}",
                JsonLogLine.of("t", "INFO", message));
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        String value = "say \"hi\" C:\\dir\ttab\rret\bbs\fff\u0000nul\u001fus\u007fdel";
        assertEquals("{\"time\":\"t\",\"level\":\"WARN\",\"action\":\"a\",\"result\":\"fail\",\"error\":"
                        + "\"say \\\"hi\\\" C:\\\\dir\\ttab ret\\bbs\\fff\\u0000nul\\u001fus\u007fdel\"}",
                JsonLogLine.of("t", "WARN", LogLine.fail("a", "error", value)));
    }

    @Test
    void nonAsciiStaysAsItIsAndALoneSurrogateIsEscaped() {
        assertEquals("{\"time\":\"t\",\"level\":\"INFO\",\"action\":\"a\",\"result\":\"success\","
                        + "\"nombre\":\"Nicolás Saldaña \uD83C\uDFB2 \u2028\",\"bad\":\"x\\ud800y\\udc00\"}",
                JsonLogLine.of("t", "INFO", LogLine.success("a", "nombre", "Nicolás Saldaña \uD83C\uDFB2 \u2028",
                        "bad", "x\uD800y\uDC00")));
    }

    @Test
    void aMessageThatIsNoLogLineBecomesMessage() {
        assertEquals("{\"time\":\"t\",\"level\":\"WARN\",\"message\":\"Flyway says \\\"hi\\\"\"}",
                JsonLogLine.of("t", "WARN", "Flyway says \"hi\""));
        assertEquals("{\"time\":\"t\",\"level\":\"WARN\",\"message\":\"action: x\"}",
                JsonLogLine.of("t", "WARN", "action: x"));
        // Shaped like one until a field without "key: ": kept whole, nothing half-written.
        assertEquals("{\"time\":\"t\",\"level\":\"WARN\",\"message\":\"action: x | result: fail | oops\"}",
                JsonLogLine.of("t", "WARN", "action: x | result: fail | oops"));
        assertEquals("{\"time\":\"t\",\"level\":\"INFO\",\"message\":\"\"}", JsonLogLine.of("t", "INFO", ""));
    }

    @Test
    void aWholeTextLineAsTheServersPatternWritesIt() {
        assertEquals("{\"time\":\"2026-12-06 03:10:00\",\"level\":\"INFO\",\"action\":\"listen\",\"result\":\"success\","
                        + "\"port\":\"12345\"}",
                JsonLogLine.ofTextLine("2026-12-06 03:10:00 INFO     action: listen | result: success | port: 12345\n"));
        assertEquals("{\"time\":\"2026-12-06 03:10:00\",\"level\":\"WARNING\",\"action\":\"a\",\"result\":\"fail\"}",
                JsonLogLine.ofTextLine("2026-12-06 03:10:00 WARNING  action: a | result: fail\r\n"));
        // A message's own leading spaces are the message's, not the padding's.
        assertEquals("{\"time\":\"2026-12-06 03:10:00\",\"level\":\"ERROR\",\"message\":\"  indented\"}",
                JsonLogLine.ofTextLine("2026-12-06 03:10:00 ERROR      indented"));
        // A level longer than the padding (none of logback's is) still ends at its space.
        assertEquals("{\"time\":\"2026-12-06 03:10:00\",\"level\":\"VERYLONGLEVEL\",\"message\":\"m\"}",
                JsonLogLine.ofTextLine("2026-12-06 03:10:00 VERYLONGLEVEL m"));
    }

    @Test
    void aTextLineOfAnotherShapeIsKeptWholeAsMessage() {
        // No time, a cut-off time, a time with no level, nothing at all: each kept whole, line break off.
        for (String line : List.of("not a log line", "2026-12-06 03:10", "2026-12-06 03:10:00 INFO", "")) {
            assertEquals("{\"message\":\"" + line + "\"}", JsonLogLine.ofTextLine(line + "\n"), line);
        }
    }

    @Test
    void formatsParseCaseInsensitivelyAndNameTheValuesOtherwise() {
        assertEquals(LogFormat.TEXT, LogFormat.parse("text"));
        assertEquals(LogFormat.JSON, LogFormat.parse(" JSON "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFormat.parse("xml"));
        assertEquals("'xml' is not text or json", e.getMessage());
    }
}
