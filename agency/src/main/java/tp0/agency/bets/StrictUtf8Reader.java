package tp0.agency.bets;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.Objects;

/**
 * Decodes UTF-8 and fails on any invalid byte sequence instead of inventing U+FFFD; skips a
 * byte order mark at the start.
 *
 * <p>Why not an {@code InputStreamReader} with a REPORT decoder: it throws as soon as its
 * read-ahead meets the bad bytes, rows before the one that has them, and cannot say where
 * they are. This reader first hands over every character before the bad sequence and throws
 * only when asked for the bad one, so the CSV parser has delivered every row before it, and
 * the exception carries the byte offset ({@link #lineAt} turns that into a line, on that
 * rare path only).
 *
 * <p>Why its own decoding loop rather than the JDK's {@code CharsetDecoder} (set to REPORT):
 * speed. Past the first non-ASCII byte of a buffer the JDK's loop takes every byte through
 * its general path, and names with accents are in nearly every row; this loop copies each
 * run of ASCII in a tight loop and decodes the rest in place. It accepts exactly what the
 * JDK's strict decoder accepts (well-formed UTF-8: no overlong forms, no surrogates, nothing
 * past U+10FFFF, no truncated sequence at the end), and reports the offset of the first byte
 * of the first ill-formed sequence, as the JDK's does (a test compares the two). It decodes
 * from a 64 KiB byte buffer straight into the caller's array and makes no garbage.
 *
 * <p>For the CSV reader it can also hand out a CR not followed by LF as LF
 * ({@code loneCarriageReturnsAsLineFeeds}; see {@link CsvBetReader.Input} for why): done here,
 * where every byte is looked at anyway, rather than in a second pass over the chars.
 */
final class StrictUtf8Reader extends Reader {

    /** Invalid UTF-8 at a known byte offset of the stream. */
    static final class InvalidUtf8Exception extends IOException {
        private final long byteOffset;

        InvalidUtf8Exception(long byteOffset) {
            super("invalid UTF-8 at byte offset " + byteOffset);
            this.byteOffset = byteOffset;
        }

        long byteOffset() {
            return byteOffset;
        }
    }

    static final int BYTE_BUFFER_SIZE = 64 * 1024;

    private final InputStream in;
    private final boolean loneCarriageReturnsAsLineFeeds;
    private final byte[] buf = new byte[BYTE_BUFFER_SIZE];
    private int pos;                   // next undecoded byte of buf
    private int lim;                   // end of the bytes read into buf
    private long bufOffset;            // stream offset of buf[0], to report where a bad byte is
    private boolean endOfStream;       // the stream said so; buf may still hold bytes
    private boolean started;           // the byte order mark has been looked for
    // Decoded but not handed out: what prime() decoded, or one char of a pair asked for one char at a time.
    private final char[] pending = new char[2];
    private int pendingPos;
    private int pendingLim;

    StrictUtf8Reader(InputStream in) {
        this(in, false);
    }

    StrictUtf8Reader(InputStream in, boolean loneCarriageReturnsAsLineFeeds) {
        this.in = in;
        this.loneCarriageReturnsAsLineFeeds = loneCarriageReturnsAsLineFeeds;
    }

    /**
     * Decodes the first character now, so a file that is not UTF-8 from its first byte is
     * refused when opened. Optional; reads go on from where it left.
     */
    void prime() throws IOException {
        if (pendingPos < pendingLim) {
            return;
        }
        pendingPos = 0;
        pendingLim = 0;
        pendingLim = Math.max(0, decode(pending, 0, pending.length));
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, cbuf.length);
        if (len == 0) {
            return 0;
        }
        if (pendingPos < pendingLim) {
            int n = Math.min(len, pendingLim - pendingPos);
            System.arraycopy(pending, pendingPos, cbuf, off, n);
            pendingPos += n;
            return n;
        }
        int n = decode(cbuf, off, off + len);
        if (n == 0) { // room for one char only, and the next is a surrogate pair
            prime();
            cbuf[off] = pending[pendingPos++];
            return 1;
        }
        return n;
    }

    /**
     * Decodes into {@code da[dp..dl)} as much as fits and the input has; returns the chars
     * decoded, 0 when not even the next character fits (a surrogate pair into one char), -1
     * at the end of the input. Invalid bytes end the decoding before them; they are thrown
     * as {@link InvalidUtf8Exception} once nothing decoded is left to hand out.
     */
    private int decode(char[] da, int dp, int dl) throws IOException {
        int start = dp;
        byte[] sa = buf;
        while (true) {
            int sp = pos;
            int sl = lim;
            boolean needBytes = false;
            while (dp < dl) {
                // A run of ASCII but CR, the common case: copied in a tight loop.
                int end = sp + Math.min(sl - sp, dl - dp);
                while (sp < end) {
                    int b = sa[sp];
                    if (b < 0 || b == '\r') {
                        break;
                    }
                    da[dp++] = (char) b;
                    sp++;
                }
                if (sp == sl) {
                    needBytes = true;
                    break;
                }
                if (dp == dl) {
                    break;
                }
                if (sa[sp] == '\r') {
                    if (!loneCarriageReturnsAsLineFeeds) {
                        da[dp++] = '\r';
                    } else if (sp + 1 < sl) {
                        da[dp++] = sa[sp + 1] == '\n' ? '\r' : '\n';
                    } else if (endOfStream) {
                        da[dp++] = '\n';
                    } else {
                        needBytes = true; // whether it is lone depends on the next byte, not read yet
                        break;
                    }
                    sp++;
                    continue;
                }
                // sa[sp] starts a multi-byte sequence (or is not UTF-8).
                int b1 = sa[sp];
                int need = b1 >= (byte) 0xC2 && b1 <= (byte) 0xDF ? 2
                        : b1 >= (byte) 0xE0 && b1 <= (byte) 0xEF ? 3
                        : b1 >= (byte) 0xF0 && b1 <= (byte) 0xF4 ? 4 : 0;
                if (need == 0) {
                    return malformed(sp, dp - start); // a continuation byte, C0, C1 or F5..FF
                }
                if (sl - sp < need) {
                    if (!endOfStream) {
                        needBytes = true; // the rest of the sequence is not read yet
                        break;
                    }
                    return malformed(sp, dp - start); // cut short by the end of the input
                }
                int b2 = sa[sp + 1];
                if ((b2 & 0xC0) != 0x80) {
                    return malformed(sp, dp - start);
                }
                if (need == 2) {
                    da[dp++] = (char) ((b1 & 0x1F) << 6 | (b2 & 0x3F));
                    sp += 2;
                    continue;
                }
                int b3 = sa[sp + 2];
                if ((b3 & 0xC0) != 0x80) {
                    return malformed(sp, dp - start);
                }
                if (need == 3) {
                    // E0 needs A0..BF next (no overlong forms); ED needs 80..9F (no surrogates).
                    if ((b1 == (byte) 0xE0 && (b2 & 0xFF) < 0xA0) || (b1 == (byte) 0xED && (b2 & 0xFF) >= 0xA0)) {
                        return malformed(sp, dp - start);
                    }
                    da[dp++] = (char) ((b1 & 0x0F) << 12 | (b2 & 0x3F) << 6 | (b3 & 0x3F));
                    sp += 3;
                    continue;
                }
                int b4 = sa[sp + 3];
                // F0 needs 90..BF next (no overlong forms); F4 needs 80..8F (nothing past U+10FFFF).
                if ((b4 & 0xC0) != 0x80 || (b1 == (byte) 0xF0 && (b2 & 0xFF) < 0x90)
                        || (b1 == (byte) 0xF4 && (b2 & 0xFF) >= 0x90)) {
                    return malformed(sp, dp - start);
                }
                if (dl - dp < 2) {
                    break; // a surrogate pair does not fit
                }
                int cp = (b1 & 0x07) << 18 | (b2 & 0x3F) << 12 | (b3 & 0x3F) << 6 | (b4 & 0x3F);
                da[dp++] = Character.highSurrogate(cp);
                da[dp++] = Character.lowSurrogate(cp);
                sp += 4;
            }
            pos = sp;
            if (!needBytes || dp == dl) {
                return dp - start;
            }
            if (endOfStream) {
                return dp > start ? dp - start : -1; // a sequence cut short was reported above
            }
            refill();
        }
    }

    /** Hands out what was decoded before the bad bytes; throws once there is nothing before them. */
    private int malformed(int sp, int decoded) throws InvalidUtf8Exception {
        if (decoded > 0) {
            pos = sp; // the next call meets the bad bytes again
            return decoded;
        }
        pos = sp;
        throw new InvalidUtf8Exception(bufOffset + sp);
    }

    private void refill() throws IOException {
        int keep = lim - pos; // a sequence cut by the end of the buffer, if any
        System.arraycopy(buf, pos, buf, 0, keep);
        bufOffset += pos;
        pos = 0;
        lim = keep;
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            endOfStream = true;
        } else {
            lim += n;
        }
        if (!started) {
            // Only while nothing has been decoded, and once the mark's 3 bytes (or the end) are here.
            if (bufOffset > 0) {
                started = true;
            } else if (lim >= 3 || endOfStream) {
                started = true;
                skipByteOrderMark();
            }
        }
    }

    /** Spreadsheet exports often start with a BOM (EF BB BF); it is not part of the first name. */
    private void skipByteOrderMark() {
        if (lim >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
            pos = 3;
        }
    }

    /**
     * The 1-based line (LF-counted) that the byte at {@code byteOffset} of {@code in} is on:
     * one more than the LF bytes before it. Reads {@code in} up to there.
     */
    static long lineAt(InputStream in, long byteOffset) throws IOException {
        byte[] buf = new byte[BYTE_BUFFER_SIZE];
        long line = 1;
        long offset = 0;
        while (offset < byteOffset) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, byteOffset - offset));
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line++;
                }
            }
            offset += n;
        }
        return line;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
