package tp0.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Big-endian reads over one frame body, remembering where a failure happened. */
final class BodyReader {
    final ByteBuffer buf;
    final MessageType type;
    int declaredCount = -1;
    int betIndex = -1;
    private CharsetDecoder utf8;

    BodyReader(ByteBuffer buf, MessageType type) {
        this.buf = buf;
        this.type = type;
    }

    int u8() {
        return buf.get() & 0xFF;
    }

    int u16() {
        return buf.getShort() & 0xFFFF;
    }

    int i32() {
        return buf.getInt();
    }

    long i64() {
        return buf.getLong();
    }

    ErrorCode errorCode() throws DecodeException {
        int raw = u16();
        ErrorCode code = ErrorCode.of(raw);
        if (code == null) {
            throw fail(ErrorCode.INVALID_FIELD, "unknown error code " + raw);
        }
        return code;
    }

    /** Set by {@link #text}: the flags ({@link WireText}) and byte length of the string just read. */
    int textFlags;
    int textLength;

    /**
     * Reads the string field at {@code b[p]} without building it: checks its length and its
     * UTF-8, sets {@link #textFlags} and {@link #textLength}; returns where it ends.
     */
    int text(byte[] b, int p, String field) throws DecodeException {
        if (b.length - p < 2) {
            throw fail(ErrorCode.TRUNCATED_PAYLOAD, "payload ends inside a field");
        }
        int len = WireBets.u16(b, p);
        p += 2;
        if (len > b.length - p) {
            throw fail(ErrorCode.TRUNCATED_PAYLOAD, field + " declares " + len + " bytes but " + (b.length - p) + " remain");
        }
        int flags = WireText.scan(b, p, len);
        if ((flags & WireText.INVALID) != 0) {
            throw fail(ErrorCode.INVALID_UTF8, field + " is not valid UTF-8");
        }
        textFlags = flags;
        textLength = len;
        return p + len;
    }

    /** A rule of {@link Bet#check()} broken, described as it describes it. */
    DecodeException violation(ErrorCode code, String field) {
        return fail(code, new Bet.Violation(code, field).describe());
    }

    String string(String field) throws DecodeException {
        int len = u16();
        if (len > buf.remaining()) {
            throw fail(ErrorCode.TRUNCATED_PAYLOAD, field + " declares " + len + " bytes but " + buf.remaining() + " remain");
        }
        byte[] bytes = new byte[len];
        buf.get(bytes);
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            CharBuffer chars = utf8.decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw fail(ErrorCode.INVALID_UTF8, field + " is not valid UTF-8");
        }
    }

    DecodeException fail(ErrorCode code, String detail) {
        String where = betIndex >= 0 ? "bet " + (betIndex + 1) + ": " : "";
        return new DecodeException(code, type + ": " + where + detail, type, declaredCount);
    }
}
