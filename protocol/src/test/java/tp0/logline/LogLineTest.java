package tp0.logline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The contract log line grammar: {@code action: <name> | result: <r> | key: value | ...}. */
class LogLineTest {

    @Test
    void successWithKeyValues() {
        assertEquals("action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574",
                LogLine.success("apuesta_enviada", "dni", "30904465", "numero", 7574));
    }

    @Test
    void failWithKeyValues() {
        assertEquals("action: apuesta_recibida | result: fail | cantidad: 5 | code: BAD_DATE",
                LogLine.fail("apuesta_recibida", "cantidad", 5, "code", "BAD_DATE"));
    }

    @Test
    void inProgress() {
        assertEquals("action: sorteo | result: in_progress | agencias: 3",
                LogLine.inProgress("sorteo", "agencias", 3));
    }

    @Test
    void noKeyValues() {
        assertEquals("action: exit | result: success", LogLine.success("exit"));
        assertEquals("action: exit | result: fail", LogLine.fail("exit"));
        assertEquals("action: exit | result: in_progress", LogLine.inProgress("exit"));
    }

    @Test
    void ofWithExplicitResult() {
        assertEquals("action: consulta_ganadores | result: success | cant_ganadores: 0",
                LogLine.of("consulta_ganadores", LogLine.Result.SUCCESS, "cant_ganadores", 0));
        assertEquals("success", LogLine.Result.SUCCESS.text);
        assertEquals("fail", LogLine.Result.FAIL.text);
        assertEquals("in_progress", LogLine.Result.IN_PROGRESS.text);
    }

    @Test
    void valuesOfAnyTypeUseToString() {
        assertEquals("action: a | result: success | n: null | l: 5000000000 | b: true | d: 2000-02-29",
                LogLine.success("a", "n", null, "l", 5_000_000_000L, "b", true, "d", java.time.LocalDate.of(2000, 2, 29)));
    }

    @Test
    void accentsPassThroughUnchanged() {
        assertEquals("action: a | result: success | nombre: Nicolás Saldaña Muñoz",
                LogLine.success("a", "nombre", "Nicolás Saldaña Muñoz"));
    }

    @Test
    void pipesInValuesBecomeSlashes() {
        assertEquals("action: a | result: fail | error: a/b/c", LogLine.fail("a", "error", "a|b|c"));
        assertEquals("action: a | result: fail | error: /", LogLine.fail("a", "error", "|"));
    }

    @Test
    void lineBreaksInValuesBecomeSpaces() {
        assertEquals("action: a | result: fail | error: one two  three ", LogLine.fail("a", "error", "one\ntwo\r\nthree\r"));
    }

    @Test
    void cleanedValueCannotForgeAField() {
        String line = LogLine.fail("a", "error", "x | result: success\naction: fake");
        assertEquals("action: a | result: fail | error: x / result: success action: fake", line);
        assertEquals(3, line.split(" \\| ").length);
        assertFalse(line.contains("\n"));
    }

    @Test
    void valueFromAnObjectWhoseToStringHasSeparators() {
        Object tricky = new Object() {
            @Override
            public String toString() {
                return "p|q\nr";
            }
        };
        assertEquals("action: a | result: success | v: p/q r", LogLine.success("a", "v", tricky));
    }

    @Test
    void oddNumberOfKeyValuesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LogLine.success("a", "lonely"));
        assertThrows(IllegalArgumentException.class, () -> LogLine.fail("a", "k", 1, "k2"));
        assertThrows(IllegalArgumentException.class, () -> LogLine.inProgress("a", "k", 1, "k2"));
        assertThrows(IllegalArgumentException.class, () -> LogLine.of("a", LogLine.Result.FAIL, "k"));
    }
}
