package tp0.agency.bets;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 * <p>Fast and garbage-free: the JDK's decoder (with its ASCII fast path) works over a large
 * byte buffer straight into the caller's char array, through one reused CharBuffer view of
 * it.
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
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BYTE_BUFFER_SIZE).flip(); // undecoded; starts empty, in read mode
    private long streamOffsetOfBuffer; // stream offset of bytes[0], to report where a bad byte is
    private boolean endOfStream;       // the stream said so; the decoder may still hold a partial sequence
    private boolean started;           // the byte order mark has been looked for
    // A view of the caller's array, re-made only when the caller passes another array.
    private char[] viewArray;
    private CharBuffer view;
    // Decoded but not handed out: what prime() decoded, or one char of a pair asked for one char at a time.
    private final CharBuffer pending = CharBuffer.allocate(2).flip();

    StrictUtf8Reader(InputStream in) {
        this.in = in;
    }

    /**
     * Decodes the first character now, so a file that is not UTF-8 from its first byte is
     * refused when opened. Optional; reads go on from where it left.
     */
    void prime() throws IOException {
        if (pending.hasRemaining()) {
            return;
        }
        pending.clear();
        try {
            decodeInto(pending);
        } finally {
            pending.flip();
        }
    }

    /**
     * The next character without taking it, or -1 at the end of the input, or -2 when the
     * next bytes are not UTF-8 (the next read reports them).
     */
    int peek() throws IOException {
        try {
            prime();
        } catch (InvalidUtf8Exception e) {
            return -2;
        }
        return pending.hasRemaining() ? pending.get(pending.position()) : -1;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, cbuf.length);
        if (len == 0) {
            return 0;
        }
        if (pending.hasRemaining()) {
            int n = Math.min(len, pending.remaining());
            pending.get(cbuf, off, n);
            return n;
        }
        int n = decodeInto(view(cbuf, off, len));
        if (n == 0) { // room for one char only, and the next is a surrogate pair
            prime();
            pending.get(cbuf, off, 1);
            return 1;
        }
        return n;
    }

    private CharBuffer view(char[] cbuf, int off, int len) {
        if (cbuf != viewArray) {
            view = CharBuffer.wrap(cbuf);
            viewArray = cbuf;
        }
        view.clear();
        view.limit(off + len);
        view.position(off);
        return view;
    }

    /**
     * Decodes into {@code out} as much as it takes and the input has; returns the chars
     * decoded, 0 when {@code out} has no room for the next character, -1 at the end of the
     * input.
     */
    private int decodeInto(CharBuffer out) throws IOException {
        int start = out.position();
        while (true) {
            CoderResult result = decoder.decode(bytes, out, endOfStream);
            int decoded = out.position() - start;
            if (result.isError()) {
                if (decoded > 0) {
                    return decoded; // hand out the good part; the next call meets the bad bytes again
                }
                throw new InvalidUtf8Exception(streamOffsetOfBuffer + bytes.position());
            }
            if (result.isOverflow()) {
                return decoded;
            }
            // Underflow: every whole sequence in the buffer is decoded.
            if (endOfStream) {
                return decoded > 0 ? decoded : -1; // decode(…, true) has reported any dangling partial sequence
            }
            if (decoded > 0 && bytes.hasRemaining()) {
                return decoded; // a partial sequence waits for more bytes: hand out what is here first
            }
            refill();
        }
    }

    private void refill() throws IOException {
        streamOffsetOfBuffer += bytes.position();
        bytes.compact(); // keeps a partial sequence at the end, now at the start
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            endOfStream = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
        if (!started) {
            // Only while nothing has been decoded, and once the mark's 3 bytes (or the end) are here.
            if (streamOffsetOfBuffer > 0) {
                started = true;
            } else if (bytes.remaining() >= 3 || endOfStream) {
                started = true;
                skipByteOrderMark();
            }
        }
    }

    /** Spreadsheet exports often start with a BOM (EF BB BF); it is not part of the first name. */
    private void skipByteOrderMark() {
        if (bytes.remaining() >= 3 && bytes.get(0) == (byte) 0xEF && bytes.get(1) == (byte) 0xBB
                && bytes.get(2) == (byte) 0xBF) {
            bytes.position(3);
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
