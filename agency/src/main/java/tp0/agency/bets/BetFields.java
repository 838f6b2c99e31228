package tp0.agency.bets;

import java.time.DateTimeException;
import java.time.LocalDate;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.Frame;

/**
 * Turns the five text fields of a bet (a CSV row, or the single-bet env vars) into a
 * {@link Bet}, rejecting anything the server would reject — checked here so a bad row
 * stops the agency before its batch is sent, with a message that names the field.
 */
public final class BetFields {
    public static final String FIRST_NAME = "first_name";
    public static final String LAST_NAME = "last_name";
    public static final String DOCUMENT = "document";
    public static final String BIRTHDATE = "birthdate";
    public static final String NUMBER = "number";
    /** The bet as a whole: wrong field count, too large, unreadable bytes. */
    public static final String ROW = "row";

    /** Fields per bet, in CSV column order. */
    public static final int COUNT = 5;

    /** What every bet takes in a frame besides its text: the size of one with empty text. */
    private static final int BYTES_BESIDES_TEXT = Codec.encodedSize(new Bet("", "", "", LocalDate.EPOCH, 0));

    private BetFields() {}

    /**
     * The date and number are read as any CharSequence, so a CSV row's can be read in place
     * (they are not kept; the three text fields are).
     */
    public static Bet parse(String firstName, String lastName, String document, CharSequence birthdate,
            CharSequence number) throws InvalidBetField {
        Bet bet = new Bet(firstName, lastName, document, parseBirthdate(birthdate), parseNumber(number));
        // The rules the server's decoder enforces too (names, digits-only document).
        Bet.Violation violation = bet.check();
        if (violation != null) {
            throw new InvalidBetField(violation.field().replace(' ', '_'), violation.code().description);
        }
        // A UTF-16 char never takes more than 3 UTF-8 bytes, so a short bet (nearly all)
        // passes on its length alone, without a pass over its text to count bytes.
        long textChars = (long) firstName.length() + lastName.length() + document.length();
        if (Codec.BET_BATCH_OVERHEAD + BYTES_BESIDES_TEXT + 3 * textChars <= Frame.MAX_FRAME_BYTES) {
            return bet;
        }
        int frameBytes = Codec.BET_BATCH_OVERHEAD + Codec.encodedSize(bet);
        if (frameBytes > Frame.MAX_FRAME_BYTES) {
            // A batch of one must fit in a frame, or the bet can never be sent.
            throw new InvalidBetField(ROW, "bet too large: a batch of it alone is " + frameBytes
                    + " bytes, more than the " + Frame.MAX_FRAME_BYTES + "-byte frame limit");
        }
        return bet;
    }

    /** Strictly {@code YYYY-MM-DD}, and a day that exists. */
    static LocalDate parseBirthdate(CharSequence text) throws InvalidBetField {
        if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || !allDigits(text, 0, 4) || !allDigits(text, 5, 7) || !allDigits(text, 8, 10)) {
            throw new InvalidBetField(BIRTHDATE, "'" + text + "' is not a date in YYYY-MM-DD form");
        }
        try {
            // Digits already checked: summed in place, no substring per part.
            return LocalDate.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10));
        } catch (DateTimeException e) {
            throw new InvalidBetField(BIRTHDATE, "'" + text + "' is not a valid date");
        }
    }

    /** Digits only (no sign), within the wire's non-negative i32. */
    static int parseNumber(CharSequence text) throws InvalidBetField {
        if (text.length() == 0 || !allDigits(text, 0, text.length())) {
            throw new InvalidBetField(NUMBER, "'" + text + "' is not a non-negative integer");
        }
        try {
            return Integer.parseInt(text, 0, text.length(), 10);
        } catch (NumberFormatException e) {
            throw new InvalidBetField(NUMBER, "'" + text + "' is larger than " + Integer.MAX_VALUE);
        }
    }

    private static int digits(CharSequence s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (s.charAt(i) - '0');
        }
        return value;
    }

    private static boolean allDigits(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
