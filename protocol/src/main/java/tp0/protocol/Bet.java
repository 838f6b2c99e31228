package tp0.protocol;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One bet as the agency sends it. The document stays text ("00123" is not 123).
 * {@link #check()} holds the rules both sides enforce: the agency before sending, the
 * server's decoder on arrival. Each rule is also a static method over any
 * {@link CharSequence}, so the agency can check a row's fields in place, before (and
 * without) making a Bet of them.
 */
public record Bet(String firstName, String lastName, String document, LocalDate birthdate, int number) {

    /** Field names as {@link Violation#field()} gives them. */
    public static final String FIRST_NAME = "first name";
    public static final String LAST_NAME = "last name";
    public static final String DOCUMENT = "document";
    public static final String BIRTHDATE = "birthdate";
    public static final String NUMBER = "number";

    /** The birth years a bet may have. */
    public static final int MIN_YEAR = 1;
    public static final int MAX_YEAR = 9999;

    public Bet {
        Objects.requireNonNull(firstName, "firstName");
        Objects.requireNonNull(lastName, "lastName");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(birthdate, "birthdate");
    }

    /** A rule this bet breaks, or null when it is valid. */
    public Violation check() {
        ErrorCode code = textRule(firstName);
        if (code != null) return new Violation(code, FIRST_NAME);
        code = textRule(lastName);
        if (code != null) return new Violation(code, LAST_NAME);
        code = documentRule(document);
        if (code != null) return new Violation(code, DOCUMENT);
        code = birthYearRule(birthdate.getYear());
        if (code != null) return new Violation(code, BIRTHDATE);
        code = numberRule(number);
        if (code != null) return new Violation(code, NUMBER);
        return null;
    }

    /**
     * A name: not blank, no control characters, no lone surrogates (not encodable as UTF-8).
     * Returns the broken rule's code, or null.
     */
    public static ErrorCode textRule(CharSequence value) {
        if (isBlank(value)) return ErrorCode.EMPTY_FIELD;
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) return ErrorCode.BAD_TEXT;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return ErrorCode.BAD_TEXT; // not encodable as UTF-8
            }
        }
        return null;
    }

    /** A document: not empty, ASCII digits only. Returns the broken rule's code, or null. */
    public static ErrorCode documentRule(CharSequence document) {
        int n = document.length();
        if (n == 0) return ErrorCode.EMPTY_FIELD;
        for (int i = 0; i < n; i++) {
            char c = document.charAt(i);
            if (c < '0' || c > '9') return ErrorCode.BAD_DOCUMENT;
        }
        return null;
    }

    /** A birth year within {@link #MIN_YEAR}..{@link #MAX_YEAR}; BAD_DATE or null. */
    public static ErrorCode birthYearRule(int year) {
        return year < MIN_YEAR || year > MAX_YEAR ? ErrorCode.BAD_DATE : null;
    }

    /** A bet number is never negative; NEGATIVE_NUMBER or null. */
    public static ErrorCode numberRule(int number) {
        return number < 0 ? ErrorCode.NEGATIVE_NUMBER : null;
    }

    /**
     * Whether year-month-day is a day of the proleptic ISO calendar (what {@code LocalDate.of}
     * accepts, for any year it accepts), computed without making a LocalDate.
     */
    public static boolean isValidDate(int year, int month, int day) {
        return month >= 1 && month <= 12 && day >= 1 && day <= lengthOfMonth(year, month);
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> isLeapYear(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static boolean isLeapYear(int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /** {@link String#isBlank()} for any CharSequence (every whitespace code point is in the BMP). */
    private static boolean isBlank(CharSequence value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            if (!Character.isWhitespace(value.charAt(i))) return false;
        }
        return true;
    }

    /** Which field breaks which rule. */
    public record Violation(ErrorCode code, String field) {
        public String describe() {
            return field + ": " + code.description;
        }
    }
}
