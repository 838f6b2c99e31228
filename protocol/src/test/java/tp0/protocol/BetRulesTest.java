package tp0.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.DateTimeException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bet's rules as static methods over any CharSequence say what {@link Bet#check()} says. */
class BetRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"Ana", "", " ", "\t \u2003", "\u00A0", "Ana María", "A\nB", "\u0000", "\u007F", "\u0085",
            "Zoë " + Samples.EMOJI, "\uD83D", "a\uDE00", "\uDE00\uD83D", Samples.EMOJI + "\uD800"})
    @SuppressWarnings("UnnecessaryStringBuilder") // a CharSequence that is not a String, on purpose
    void textRuleIsWhatCheckSaysOfAName(String text) {
        Bet.Violation violation = new Bet(text, "Paz", "1", LocalDate.of(1990, 1, 1), 1).check();
        ErrorCode expected = violation == null ? null : violation.code();
        assertEquals(expected, Bet.textRule(text));
        assertEquals(expected, Bet.textRule(new StringBuilder(text)));
        if (violation != null) {
            assertEquals(Bet.FIRST_NAME, violation.field());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "00012345", "", " 1", "12a", "١٢", "-1", "123456789012345678901234567890"})
    @SuppressWarnings("UnnecessaryStringBuilder") // a CharSequence that is not a String, on purpose
    void documentRuleIsWhatCheckSaysOfADocument(String document) {
        Bet.Violation violation = new Bet("Ana", "Paz", document, LocalDate.of(1990, 1, 1), 1).check();
        assertEquals(violation == null ? null : violation.code(), Bet.documentRule(new StringBuilder(document)));
    }

    @Test
    void checkNamesFieldsInOrder() {
        assertEquals(new Bet.Violation(ErrorCode.EMPTY_FIELD, "first name"), new Bet(" ", "", "", LocalDate.of(0, 1, 1), -1).check());
        assertEquals(new Bet.Violation(ErrorCode.BAD_TEXT, "last name"), new Bet("A", "B\nC", "", LocalDate.of(0, 1, 1), -1).check());
        assertEquals(new Bet.Violation(ErrorCode.EMPTY_FIELD, "document"), new Bet("A", "B", "", LocalDate.of(0, 1, 1), -1).check());
        assertEquals(new Bet.Violation(ErrorCode.BAD_DATE, "birthdate"), new Bet("A", "B", "1", LocalDate.of(0, 1, 1), -1).check());
        assertEquals(new Bet.Violation(ErrorCode.BAD_DATE, "birthdate"), new Bet("A", "B", "1", LocalDate.of(10_000, 1, 1), 1).check());
        assertEquals(new Bet.Violation(ErrorCode.NEGATIVE_NUMBER, "number"), new Bet("A", "B", "1", LocalDate.of(1, 1, 1), -1).check());
        assertNull(new Bet("A", "B", "1", LocalDate.of(9999, 12, 31), 0).check());
    }

    @Test
    void isValidDateAgreesWithLocalDate() {
        int[] years = {0, 1, 4, 100, 200, 300, 400, 1582, 1899, 1900, 1996, 1999, 2000, 2001, 2004, 2023, 2024, 2100, 2400, 9996, 9999};
        for (int year : years) {
            for (int month = -1; month <= 14; month++) {
                for (int day = -1; day <= 33; day++) {
                    boolean valid;
                    try {
                        LocalDate.of(year, month, day);
                        valid = true;
                    } catch (DateTimeException e) {
                        valid = false;
                    }
                    assertEquals(valid, Bet.isValidDate(year, month, day), year + "-" + month + "-" + day);
                }
            }
        }
    }
}
