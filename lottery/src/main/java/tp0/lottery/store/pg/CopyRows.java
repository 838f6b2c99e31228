package tp0.lottery.store.pg;

import java.util.Arrays;
import tp0.protocol.BetVisitor;
import tp0.protocol.Message;

/**
 * The rows of {@code COPY bets FROM STDIN (FORMAT binary)} — agency, ordinal, first name, last
 * name, document, birthdate, number — encoded straight from a decoded batch's validated wire
 * bytes into one reused array: no String, LocalDate or Bet per bet, as the file store does.
 * Binary, because PostgreSQL then parses nothing (no quoting, no number or date text): its COPY
 * is the store's bottleneck. Text goes as the wire's UTF-8 (the database is UTF8); a date as
 * days since 2000-01-01. Not thread-safe: one per store.
 */
final class CopyRows {
    static final String COLUMNS = "agency, ordinal, first_name, last_name, document, birthdate, number";

    /** The binary COPY header: signature, flags, no extension. */
    static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** The trailer: a tuple of -1 fields. */
    static final byte[] TRAILER = {(byte) 0xFF, (byte) 0xFF};

    private static final int FIELDS = 7;
    /** 2000-01-01, PostgreSQL's date epoch, in days since 1970-01-01. */
    private static final int PG_EPOCH_DAYS = 10_957;

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

    /** Appends {@code batch}'s rows for {@code agency}, the first at {@code firstOrdinal}. */
    void append(int agency, long firstOrdinal, Message.BetBatch batch) {
        this.agency = agency;
        this.ordinal = firstOrdinal;
        batch.forEach(row);
    }

    private void row(byte[] buf, int firstOff, int firstLen, int lastOff, int lastLen, int docOff, int docLen,
                     int year, int month, int day, int number) {
        ensure(firstLen + lastLen + docLen + 2 + FIELDS * 4 + 4 + 8 + 4 + 4 + 4);
        short16(FIELDS);
        int32(4);
        int32(agency);
        int32(8);
        int64(ordinal++);
        text(buf, firstOff, firstLen);
        text(buf, lastOff, lastLen);
        text(buf, docOff, docLen);
        int32(4);
        int32(daysSinceEpoch(year, month, day) - PG_EPOCH_DAYS);
        int32(4);
        int32(number);
    }

    /** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static int daysSinceEpoch(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    private void text(byte[] buf, int off, int len) {
        int32(len);
        System.arraycopy(buf, off, bytes, length, len);
        length += len;
    }

    private void short16(int v) {
        bytes[length++] = (byte) (v >>> 8);
        bytes[length++] = (byte) v;
    }

    private void int32(int v) {
        bytes[length++] = (byte) (v >>> 24);
        bytes[length++] = (byte) (v >>> 16);
        bytes[length++] = (byte) (v >>> 8);
        bytes[length++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
