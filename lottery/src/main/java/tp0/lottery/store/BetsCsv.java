package tp0.lottery.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import tp0.protocol.BetVisitor;
import tp0.protocol.Message;

/**
 * The course's storage semantics: {@code store_bets} rows of agency, first name, last name,
 * document, birthdate, number — written like Python's {@code csv.writer} (minimal quoting,
 * CRLF) — and {@code has_won}. The draw and the count at start read the rows back through
 * {@link BetsCsvScanner} ({@code load_bets} without an object per row). The tests hold both
 * to a plain String-per-row writer and a Commons CSV reader (test sources' ReferenceBetsCsv).
 */
public final class BetsCsv {
    /** The winning number of the course's {@code has_won}. */
    public static final int WINNING_NUMBER = 7574;

    private BetsCsv() {}

    /** {@code has_won} for a bet of this number. */
    public static boolean hasWon(int number) {
        return number == WINNING_NUMBER;
    }

    /**
     * Encodes rows straight into UTF-8 bytes in one growable array that is reused batch after
     * batch, so storing a bet makes no garbage: no per-row String, no per-batch copy. The store
     * appends a decoded batch's wire bytes ({@link #append(int, Message.BetBatch)}: the UTF-8
     * is copied as it is). Not thread-safe: one per owner (the store).
     */
    public static final class RowBuffer {
        private byte[] bytes;
        private int length;
        /** "<agency>," of the batch {@link #wireRow} is writing. */
        private final byte[] prefix = new byte[16];
        private int prefixLength;
        /** Made once: appending a batch allocates nothing. */
        private final BetVisitor wireRow = this::wireRow;

        public RowBuffer(int initialCapacity) {
            bytes = new byte[Math.max(64, initialCapacity)];
        }

        /** Forgets the rows held; keeps the array. */
        public void clear() {
            length = 0;
        }

        /**
         * Appends the rows {@code store_bets} would write for {@code batch}, straight from its
         * validated wire bytes: UTF-8 copied as it is, no String, LocalDate or Bet per bet.
         */
        public void append(int agency, Message.BetBatch batch) {
            // The row's start, "<agency>,", is the same for the whole batch: encoded once.
            int mark = length;
            ensure(16);
            integer(agency);
            put(',');
            prefixLength = length - mark;
            System.arraycopy(bytes, mark, prefix, 0, prefixLength);
            length = mark;
            batch.forEach(wireRow);
        }

        private void wireRow(byte[] buf, int firstOff, int firstLen, int lastOff, int lastLen, int docOff, int docLen,
                             int year, int month, int day, int number) {
            // Quoting at most doubles a field and adds 2 quotes; the numbers and separators fit in 64.
            ensure(2 * (firstLen + lastLen + docLen) + 64);
            byte[] out = bytes;
            System.arraycopy(prefix, 0, out, length, prefixLength);
            length += prefixLength;
            field(buf, firstOff, firstLen);
            put(',');
            field(buf, lastOff, lastLen);
            put(',');
            field(buf, docOff, docLen);
            int at = length;
            out[at] = ',';
            twoDigits(out, at + 1, year / 100); // 1..9999: validated
            twoDigits(out, at + 3, year % 100);
            out[at + 5] = '-';
            twoDigits(out, at + 6, month);
            out[at + 8] = '-';
            twoDigits(out, at + 9, day);
            out[at + 11] = ',';
            length = at + 12;
            integer(number);
            put('\r');
            put('\n');
        }

        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
        private static final long COMMAS = 0x2C2C2C2C2C2C2C2CL;
        private static final long QUOTES = 0x2222222222222222L;
        private static final long CRS = 0x0D0D0D0D0D0D0D0DL;
        private static final long LFS = 0x0A0A0A0A0A0A0A0AL;

        /** Some byte of {@code w} equals the byte {@code pattern} repeats (the exact zero-byte test). */
        private static boolean hasByte(long w, long pattern) {
            long v = w ^ pattern;
            return ((v - 0x0101010101010101L) & ~v & 0x8080808080808080L) != 0;
        }

        /** "00".."99", two bytes each. */
        private static final byte[] TWO_DIGITS = new byte[200];

        static {
            for (int i = 0; i < 100; i++) {
                TWO_DIGITS[2 * i] = (byte) ('0' + i / 10);
                TWO_DIGITS[2 * i + 1] = (byte) ('0' + i % 10);
            }
        }

        private static void twoDigits(byte[] out, int at, int value) {
            out[at] = TWO_DIGITS[2 * value];
            out[at + 1] = TWO_DIGITS[2 * value + 1];
        }

        /**
         * A UTF-8 field as Python's QUOTE_MINIMAL writes it. The bytes of ',', '"', CR and LF
         * never occur inside a multi-byte sequence, so looking for them byte by byte is exact.
         */
        private void field(byte[] buf, int off, int len) {
            // One pass: copy while looking; a field that needs quotes (rare) is written again.
            byte[] out = bytes;
            int at = length;
            int end = off + len;
            int i = off;
            while (end - i >= 8) { // eight bytes at a time while none needs quoting
                long w = (long) LONGS.get(buf, i);
                if (hasByte(w, COMMAS) || hasByte(w, QUOTES) || hasByte(w, CRS) || hasByte(w, LFS)) {
                    break;
                }
                LONGS.set(out, at, w);
                at += 8;
                i += 8;
            }
            for (; i < end; i++) {
                byte b = buf[i];
                if (b == ',' || b == '"' || b == '\r' || b == '\n') {
                    break;
                }
                out[at++] = b;
            }
            if (i == end) {
                length = at;
                return;
            }
            put('"');
            for (int k = off; k < end; k++) {
                byte b = buf[k];
                if (b == '"') {
                    bytes[length++] = '"';
                }
                bytes[length++] = b;
            }
            put('"');
        }

        /** The array holding the rows in {@code [0, length())}; valid until the next append or clear. */
        public byte[] array() {
            return bytes;
        }

        public int length() {
            return length;
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        private void put(char ascii) {
            bytes[length++] = (byte) ascii;
        }

        private void integer(int value) {
            if (value < 0) {
                ascii(Integer.toString(value)); // never for stored bets; kept exact anyway
                return;
            }
            int width = value < 10 ? 1 : value < 100 ? 2 : value < 1_000 ? 3 : value < 10_000 ? 4
                    : value < 100_000 ? 5 : value < 1_000_000 ? 6 : value < 10_000_000 ? 7
                    : value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10;
            int at = length + width;
            while (value >= 100) { // two digits at a time, from the right
                int q = value / 100;
                at -= 2;
                twoDigits(bytes, at, value - q * 100);
                value = q;
            }
            if (value >= 10) {
                twoDigits(bytes, at - 2, value);
            } else {
                bytes[at - 1] = (byte) ('0' + value);
            }
            length += width;
        }

        private void ascii(String text) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                put(text.charAt(i));
            }
        }
    }
}
