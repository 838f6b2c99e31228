package tp0.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds frames by hand, byte by byte, independently of {@link Codec}'s encoder, so tests can
 * craft exactly the malformed input they mean to send. Integers are big-endian, a string is a
 * u16 byte count followed by its bytes.
 *
 * <pre>
 *   byte[] frame = WireBytes.body(0x03).u16(1).bet("Ana", "Paz", "123", 1990, 5, 17, 42).frame();
 * </pre>
 */
final class WireBytes {
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

    private WireBytes() {}

    /** A body starting with the given type byte. */
    static WireBytes body(int typeByte) {
        return new WireBytes().u8(typeByte);
    }

    /** A body starting with the type byte of {@code type}. */
    static WireBytes body(MessageType type) {
        return body(type.code);
    }

    /** Nothing yet: not even a type byte. */
    static WireBytes empty() {
        return new WireBytes();
    }

    WireBytes u8(int v) {
        buf.put((byte) v);
        return this;
    }

    WireBytes u16(int v) {
        buf.putShort((short) v);
        return this;
    }

    WireBytes u32(int v) {
        buf.putInt(v);
        return this;
    }

    WireBytes u64(long v) {
        buf.putLong(v);
        return this;
    }

    /** Raw bytes, no length prefix. */
    WireBytes raw(int... bytes) {
        for (int b : bytes) {
            buf.put((byte) b);
        }
        return this;
    }

    WireBytes raw(byte[] bytes) {
        buf.put(bytes);
        return this;
    }

    /** A well-formed string: u16 UTF-8 byte count, then the bytes. */
    WireBytes str(String s) {
        return strBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A string whose bytes are given as is (possibly invalid UTF-8). */
    WireBytes strBytes(int... bytes) {
        u16(bytes.length);
        return raw(bytes);
    }

    WireBytes strBytes(byte[] bytes) {
        u16(bytes.length);
        return raw(bytes);
    }

    /** A bet with every field spelled out; the date parts need not form a valid date. */
    WireBytes bet(String first, String last, String document, int year, int month, int day, int number) {
        return str(first).str(last).str(document).u16(year).u8(month).u8(day).u32(number);
    }

    /** A valid bet. */
    WireBytes bet(String first, String last, String document) {
        return bet(first, last, document, 1990, 5, 17, 7574);
    }

    /** The bytes written so far: a frame body (type byte and payload). */
    byte[] bodyBytes() {
        return Arrays.copyOf(buf.array(), buf.position());
    }

    /** The body with a correct length field in front. */
    byte[] frame() {
        return frameOf(bodyBytes());
    }

    /** The body with an arbitrary (possibly lying) length field in front. */
    byte[] frameDeclaring(int declaredLength) {
        byte[] body = bodyBytes();
        return ByteBuffer.allocate(Frame.LENGTH_FIELD_BYTES + body.length).putInt(declaredLength).put(body).array();
    }

    /** {@code body} with a correct length field in front. */
    static byte[] frameOf(byte[] body) {
        return ByteBuffer.allocate(Frame.LENGTH_FIELD_BYTES + body.length).putInt(body.length).put(body).array();
    }

    /** The body of an encoded frame: everything after the length field. */
    static byte[] bodyOf(byte[] frame) {
        return Arrays.copyOfRange(frame, Frame.LENGTH_FIELD_BYTES, frame.length);
    }

    static byte[] concat(Iterable<byte[]> parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            all.put(p);
        }
        return all.array();
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }
}
