package tp0.lottery.store.pg;

import java.util.Arrays;
import tp0.protocol.BetVisitor;
import tp0.protocol.Message;

/**
 * The rows of {@code COPY bets FROM STDIN (FORMAT csv)} — agency, ordinal, first name, last
 * name, document, birthdate, number — encoded straight from a decoded batch's validated wire
 * bytes into one reused array: no String, LocalDate or Bet per bet, as the file store does.
 * Names are always quoted (quotes doubled), so no name can read as NULL or break a row; a
 * document is ASCII digits (validated) and needs no quoting. Not thread-safe: one per store.
 */
final class CopyRows {
    static final String COLUMNS = "agency, ordinal, first_name, last_name, document, birthdate, number";

    private byte[] bytes = new byte[64 * 1024];
    private int length;
    private int agency;
    private long ordinal;
    /** Made once: appending a batch allocates nothing. */
    private final BetVisitor row = this::row;

    void clear() {
        length = 0;
    }

    int length() {
        return length;
    }

    byte[] array() {
        return bytes;
    }

    /** Cuts back to {@code length}: undoes a batch that broke a rule halfway. */
    void truncate(int length) {
        this.length = length;
    }

    /** Appends {@code batch}'s rows for {@code agency}, the first at {@code firstOrdinal}. */
    void append(int agency, long firstOrdinal, Message.BetBatch batch) {
        this.agency = agency;
        this.ordinal = firstOrdinal;
        batch.forEach(row);
    }

    private void row(byte[] buf, int firstOff, int firstLen, int lastOff, int lastLen, int docOff, int docLen,
                     int year, int month, int day, int number) {
        ensure(2 * (firstLen + lastLen) + docLen + 80);
        integer(agency);
        put(',');
        integer(ordinal++);
        put(',');
        quoted(buf, firstOff, firstLen);
        put(',');
        quoted(buf, lastOff, lastLen);
        put(',');
        System.arraycopy(buf, docOff, bytes, length, docLen);
        length += docLen;
        put(',');
        digits(year, 4);
        put('-');
        digits(month, 2);
        put('-');
        digits(day, 2);
        put(',');
        integer(number);
        put('\n');
    }

    private void quoted(byte[] buf, int off, int len) {
        put('"');
        for (int i = off, end = off + len; i < end; i++) {
            byte b = buf[i];
            if (b == '"') {
                bytes[length++] = '"';
            }
            bytes[length++] = b;
        }
        put('"');
    }

    private void integer(long value) {
        if (value < 10) {
            put((char) ('0' + value));
            return;
        }
        int start = length;
        while (value > 0) {
            bytes[length++] = (byte) ('0' + value % 10);
            value /= 10;
        }
        for (int i = start, j = length - 1; i < j; i++, j--) {
            byte t = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = t;
        }
    }

    private void digits(int value, int width) {
        for (int i = length + width - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += width;
    }

    private void put(char ascii) {
        bytes[length++] = (byte) ascii;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
