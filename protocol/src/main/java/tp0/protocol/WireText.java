package tp0.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One pass over a string field's UTF-8 bytes that both validates them strictly and collects
 * what {@link Bet#check()}'s rules need, so the decoder never builds the String. The verdicts
 * are those of the String path: strict UTF-8 as the JDK's decoder with REPORT (no overlong
 * forms, no encoded surrogates, nothing above U+10FFFF, no truncated sequence), blank as
 * {@link String#isBlank()} ({@link Character#isWhitespace(int)} over every code point), control
 * as {@link Character#isISOControl(int)}, digits as '0'..'9'.
 */
final class WireText {
    /** The bytes are not valid UTF-8. */
    static final int INVALID = 1;
    /** Some code point is not whitespace: the text is not blank. */
    static final int NOT_BLANK = 2;
    /** Some code point is an ISO control character. */
    static final int CONTROL = 4;
    /** Some code point is not an ASCII digit. */
    static final int NOT_DIGITS = 8;

    /** The flags of each ASCII byte. */
    private static final byte[] ASCII = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII[c] = (byte) flagsOf(c);
        }
    }

    private WireText() {}

    private static int flagsOf(int codePoint) {
        int flags = 0;
        if (codePoint < '0' || codePoint > '9') {
            flags |= NOT_DIGITS;
        }
        if (!Character.isWhitespace(codePoint)) {
            flags |= NOT_BLANK;
        }
        if (Character.isISOControl(codePoint)) {
            flags |= CONTROL;
        }
        return flags;
    }

    /**
     * Flags of {@code b[off, off + len)}: {@link #INVALID} (the others are then partial), or
     * any of {@link #NOT_BLANK}, {@link #CONTROL}, {@link #NOT_DIGITS}. Empty text has none.
     */
    static int scan(byte[] b, int off, int len) {
        int flags = 0;
        int i = off;
        int end = off + len;
        while (i < end) {
            if (end - i >= 8) { // eight ASCII bytes at a time, the common case
                long w = (long) LONGS.get(b, i);
                if ((w & HIGHS) == 0) {
                    flags |= asciiFlags(w);
                    i += 8;
                    continue;
                }
            }
            int c = b[i];
            if (c >= 0) {
                flags |= ASCII[c];
                i++;
                continue;
            }
            int b0 = c & 0xFF;
            int cp;
            if (b0 < 0xC2) {
                return flags | INVALID; // a continuation byte, or C0/C1: always overlong
            } else if (b0 < 0xE0) {
                if (end - i < 2 || !continuation(b[i + 1])) {
                    return flags | INVALID;
                }
                cp = (b0 & 0x1F) << 6 | (b[i + 1] & 0x3F);
                i += 2;
            } else if (b0 < 0xF0) {
                if (end - i < 3 || !continuation(b[i + 1]) || !continuation(b[i + 2])) {
                    return flags | INVALID;
                }
                int b1 = b[i + 1] & 0xFF;
                if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F)) {
                    return flags | INVALID; // overlong, or a UTF-16 surrogate
                }
                cp = (b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b[i + 2] & 0x3F);
                i += 3;
            } else if (b0 < 0xF5) {
                if (end - i < 4 || !continuation(b[i + 1]) || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
                    return flags | INVALID;
                }
                int b1 = b[i + 1] & 0xFF;
                if ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 > 0x8F)) {
                    return flags | INVALID; // overlong, or above U+10FFFF
                }
                cp = (b0 & 0x07) << 18 | (b1 & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6 | (b[i + 3] & 0x3F);
                i += 4;
            } else {
                return flags | INVALID;
            }
            flags |= flagsOf(cp);
        }
        return flags;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The flags of eight ASCII bytes, found with word arithmetic (exact for bytes below 0x80):
     * "some byte &lt; n" and "some byte &gt; n" as in the well-known bit-twiddling tests.
     */
    private static int asciiFlags(long w) {
        if (!hasMore(w, ' ')) {
            // only whitespace and controls: rare, so byte by byte
            int flags = 0;
            for (int k = 0; k < 8; k++) {
                flags |= ASCII[(int) (w >>> (8 * k)) & 0x7F];
            }
            return flags;
        }
        int flags = NOT_BLANK; // a byte above ' ' is never whitespace
        if (hasLess(w, 0x20) || hasLess(w ^ 0x7F7F7F7F7F7F7F7FL, 1)) {
            flags |= CONTROL;
        }
        if (hasLess(w, '0') || hasMore(w, '9')) {
            flags |= NOT_DIGITS;
        }
        return flags;
    }

    /** Some byte of {@code w} (all below 0x80) is less than {@code n} (0..128). */
    private static boolean hasLess(long w, int n) {
        return ((w - ONES * n) & ~w & HIGHS) != 0;
    }

    /** Some byte of {@code w} (all below 0x80) is greater than {@code n} (0..127). */
    private static boolean hasMore(long w, int n) {
        return ((w + ONES * (127 - n) | w) & HIGHS) != 0;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /** What {@link Bet#check()} says of a first or last name with these flags, or null. */
    static ErrorCode nameRule(int flags) {
        if ((flags & NOT_BLANK) == 0) {
            return ErrorCode.EMPTY_FIELD;
        }
        if ((flags & CONTROL) != 0) {
            return ErrorCode.BAD_TEXT;
        }
        return null;
    }

    /** What {@link Bet#check()} says of a document of {@code len} bytes with these flags, or null. */
    static ErrorCode documentRule(int len, int flags) {
        if (len == 0) {
            return ErrorCode.EMPTY_FIELD;
        }
        if ((flags & NOT_DIGITS) != 0) {
            return ErrorCode.BAD_DOCUMENT;
        }
        return null;
    }
}
