package tp0.protocol;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One bet as the agency sends it. The document stays text ("00123" is not 123).
 * {@link #check()} holds the rules both sides enforce: the agency before sending, the
 * server's decoder on arrival.
 */
public record Bet(String firstName, String lastName, String document, LocalDate birthdate, int number) {

    public Bet {
        Objects.requireNonNull(firstName, "firstName");
        Objects.requireNonNull(lastName, "lastName");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(birthdate, "birthdate");
    }

    /** A rule this bet breaks, or null when it is valid. */
    public Violation check() {
        Violation v = checkText("first name", firstName);
        if (v == null) v = checkText("last name", lastName);
        if (v != null) return v;
        if (document.isEmpty()) return new Violation(ErrorCode.EMPTY_FIELD, "document");
        for (int i = 0; i < document.length(); i++) {
            char c = document.charAt(i);
            if (c < '0' || c > '9') return new Violation(ErrorCode.BAD_DOCUMENT, "document");
        }
        if (birthdate.getYear() < 1 || birthdate.getYear() > 9999) return new Violation(ErrorCode.BAD_DATE, "birthdate");
        if (number < 0) return new Violation(ErrorCode.NEGATIVE_NUMBER, "number");
        return null;
    }

    private static Violation checkText(String field, String value) {
        if (value.isBlank()) return new Violation(ErrorCode.EMPTY_FIELD, field);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) return new Violation(ErrorCode.BAD_TEXT, field);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return new Violation(ErrorCode.BAD_TEXT, field); // not encodable as UTF-8
            }
        }
        return null;
    }

    /** Which field breaks which rule. */
    public record Violation(ErrorCode code, String field) {
        public String describe() {
            return field + ": " + code.description;
        }
    }
}
