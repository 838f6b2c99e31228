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

/**
 * Decodes UTF-8 and fails on any invalid byte sequence instead of inventing U+FFFD.
 *
 * <p>Why not an {@code InputStreamReader} with a REPORT decoder: it throws as soon as its
 * 8 KiB read-ahead meets the bad bytes, lines before the row that has them, and cannot say
 * where they are. This reader first hands over every character before the bad sequence and
 * throws only when asked for the bad one, so the CSV parser is on the right row, and the
 * exception carries the line (LF-counted) and byte offset.
 */
final class StrictUtf8Reader extends Reader {

    /** Invalid UTF-8 at a known place. */
    static final class InvalidUtf8Exception extends IOException {
        private final long line;
        private final long byteOffset;

        InvalidUtf8Exception(long line, long byteOffset) {
            super("invalid UTF-8 at line " + line + " (byte offset " + byteOffset + ")");
            this.line = line;
            this.byteOffset = byteOffset;
        }

        long line() {
            return line;
        }

        long byteOffset() {
            return byteOffset;
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(8192).flip(); // undecoded; starts empty, in read mode
    // Decoded but not yet handed out. Own buffer, so a caller asking for one char still
    // gets one when the next character is a surrogate pair.
    private final CharBuffer chars = CharBuffer.allocate(8192).flip();
    private long streamOffsetOfBuffer; // stream offset of bytes[0], to report where a bad byte is
    private long line = 1;              // line of the next character handed out
    private boolean endOfStream;

    StrictUtf8Reader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!chars.hasRemaining() && !decodeMore()) {
            return -1;
        }
        int n = Math.min(len, chars.remaining());
        chars.get(cbuf, off, n);
        for (int i = off; i < off + n; i++) {
            if (cbuf[i] == '\n') {
                line++;
            }
        }
        return n;
    }

    /** Decodes at least one character into {@code chars}; false at the end of the stream. */
    private boolean decodeMore() throws IOException {
        chars.clear();
        try {
            while (true) {
                CoderResult result = decoder.decode(bytes, chars, endOfStream);
                if (result.isError()) {
                    if (chars.position() > 0) {
                        return true; // hand out the good part; the next call meets the bad bytes again
                    }
                    // Everything before the bad bytes was handed out, so `line` is theirs.
                    throw new InvalidUtf8Exception(line, streamOffsetOfBuffer + bytes.position());
                }
                if (result.isOverflow() || chars.position() > 0) {
                    return true;
                }
                if (endOfStream) {
                    return false; // decode(…, true) has reported any dangling partial sequence
                }
                refill();
            }
        } finally {
            chars.flip();
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
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
