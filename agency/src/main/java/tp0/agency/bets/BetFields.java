package tp0.agency.bets;

import java.time.LocalDate;
import java.util.Objects;
import tp0.protocol.Bet;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.ErrorCode;
import tp0.protocol.Frame;

/**
 * The five text fields of one bet (a CSV row, or the single-bet env vars), checked in place
 * against everything the server would reject — checked here so a bad row stops the agency
 * before its batch is sent, with a message that names the field.
 *
 * <p>An instance is reused for row after row: each field is a reusable char buffer read as
 * a {@link CharSequence}, so reading, checking and encoding a bet makes no object. The
 * rules are {@link Bet}'s own ({@link Bet#textRule} and the others), in the same order as
 * {@link Bet#check()}, after the date and the number have been parsed.
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

    /** The most a bet may take in a frame: a batch of it alone must fit. */
    private static final int MAX_BET_BYTES = Frame.MAX_FRAME_BYTES - BetBatchWriter.OVERHEAD;

    /** One field's text, in a char buffer reused from row to row. */
    public static final class Text implements CharSequence {
        private char[] chars = new char[32];
        private int length;

        /** Takes {@code buf[from..to)} without the characters up to U+0020 at either end, as {@link String#trim()}. */
        void setTrimmed(char[] buf, int from, int to) {
            while (from < to && buf[from] <= ' ') {
                from++;
            }
            while (to > from && buf[to - 1] <= ' ') {
                to--;
            }
            int n = to - from;
            if (n > chars.length) {
                chars = new char[Math.max(n, 2 * chars.length)];
            }
            System.arraycopy(buf, from, chars, 0, n);
            length = n;
        }

        void set(String s) {
            int n = s.length();
            if (n > chars.length) {
                chars = new char[Math.max(n, 2 * chars.length)];
            }
            s.getChars(0, n, chars, 0);
            length = n;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return chars[Objects.checkIndex(index, length)];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            Objects.checkFromToIndex(start, end, length);
            return new String(chars, start, end - start);
        }

        @Override
        public String toString() {
            return new String(chars, 0, length);
        }
    }

    final Text firstName = new Text();
    final Text lastName = new Text();
    final Text document = new Text();
    final Text birthdate = new Text();
    final Text number = new Text();
    /** The fields in CSV column order. */
    private final Text[] columns = {firstName, lastName, document, birthdate, number};
    // Parsed by check().
    private int year;
    private int month;
    private int day;
    private int numberValue;

    /** The field at CSV column {@code index} (0..4). */
    Text field(int index) {
        return columns[index];
    }

    /**
     * The bet of the five text fields (the date and number are read as any CharSequence).
     *
     * @throws InvalidBetField naming the first field that breaks a rule
     */
    public static Bet parse(String firstName, String lastName, String document, CharSequence birthdate,
            CharSequence number) throws InvalidBetField {
        BetFields fields = new BetFields();
        fields.firstName.set(firstName);
        fields.lastName.set(lastName);
        fields.document.set(document);
        fields.birthdate.set(birthdate.toString());
        fields.number.set(number.toString());
        fields.check();
        return fields.toBet();
    }

    /** Holds {@code bet}, already valid (single-bet mode checked it when reading the env). */
    void set(Bet bet) {
        firstName.set(bet.firstName());
        lastName.set(bet.lastName());
        document.set(bet.document());
        birthdate.set(bet.birthdate().toString());
        number.set(Integer.toString(bet.number()));
        year = bet.birthdate().getYear();
        month = bet.birthdate().getMonthValue();
        day = bet.birthdate().getDayOfMonth();
        numberValue = bet.number();
    }

    /**
     * Parses the date and the number and checks every rule, in the order the first broken
     * one is reported: birthdate form and day, number, then {@link Bet#check()}'s order
     * (names, document, birth year, number sign), then the size of a batch of it alone.
     */
    public void check() throws InvalidBetField {
        parseBirthdate();
        parseNumber();
        ErrorCode code = Bet.textRule(firstName);
        if (code != null) throw new InvalidBetField(FIRST_NAME, code.description);
        code = Bet.textRule(lastName);
        if (code != null) throw new InvalidBetField(LAST_NAME, code.description);
        code = Bet.documentRule(document);
        if (code != null) throw new InvalidBetField(DOCUMENT, code.description);
        code = Bet.birthYearRule(year);
        if (code != null) throw new InvalidBetField(BIRTHDATE, code.description);
        code = Bet.numberRule(numberValue);
        if (code != null) throw new InvalidBetField(NUMBER, code.description);
        // A UTF-16 char never takes more than 3 UTF-8 bytes, so a short bet (nearly all)
        // passes on its length alone, without a pass over its text to count bytes.
        long textChars = (long) firstName.length() + lastName.length() + document.length();
        if (BetBatchWriter.BET_BYTES_BESIDES_TEXT + 3 * textChars <= MAX_BET_BYTES) {
            return;
        }
        int frameBytes = BetBatchWriter.OVERHEAD + BetBatchWriter.encodedSize(firstName, lastName, document);
        if (frameBytes > Frame.MAX_FRAME_BYTES) {
            // A batch of one must fit in a frame, or the bet can never be sent.
            throw new InvalidBetField(ROW, "bet too large: a batch of it alone is " + frameBytes
                    + " bytes, more than the " + Frame.MAX_FRAME_BYTES + "-byte frame limit");
        }
    }

    /** Appends the (checked) bet to {@code batch}; false when it does not fit there. */
    public boolean writeTo(BetBatchWriter batch) {
        return batch.add(firstName, lastName, document, year, month, day, numberValue);
    }

    /** The bytes this (checked) bet takes in a frame. */
    int encodedSize() {
        return BetBatchWriter.encodedSize(firstName, lastName, document);
    }

    /** The checked bet as a {@link Bet} (an object per call: for single-bet mode and tests, not the hot path). */
    public Bet toBet() {
        return new Bet(firstName.toString(), lastName.toString(), document.toString(), LocalDate.of(year, month, day),
                numberValue);
    }

    /** Strictly {@code YYYY-MM-DD}, and a day that exists. */
    private void parseBirthdate() throws InvalidBetField {
        Text text = birthdate;
        if (text.length != 10 || text.chars[4] != '-' || text.chars[7] != '-'
                || !allDigits(text, 0, 4) || !allDigits(text, 5, 7) || !allDigits(text, 8, 10)) {
            throw new InvalidBetField(BIRTHDATE, "'" + text + "' is not a date in YYYY-MM-DD form");
        }
        int y = digits(text, 0, 4);
        int m = digits(text, 5, 7);
        int d = digits(text, 8, 10);
        if (!Bet.isValidDate(y, m, d)) {
            throw new InvalidBetField(BIRTHDATE, "'" + text + "' is not a valid date");
        }
        year = y;
        month = m;
        day = d;
    }

    /** Digits only (no sign), within the wire's non-negative i32; leading zeros allowed. */
    private void parseNumber() throws InvalidBetField {
        Text text = number;
        if (text.length == 0 || !allDigits(text, 0, text.length)) {
            throw new InvalidBetField(NUMBER, "'" + text + "' is not a non-negative integer");
        }
        long value = 0;
        for (int i = 0; i < text.length; i++) {
            value = value * 10 + (text.chars[i] - '0');
            if (value > Integer.MAX_VALUE) {
                throw new InvalidBetField(NUMBER, "'" + text + "' is larger than " + Integer.MAX_VALUE);
            }
        }
        numberValue = (int) value;
    }

    private static int digits(Text s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (s.chars[i] - '0');
        }
        return value;
    }

    private static boolean allDigits(Text s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.chars[i];
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
