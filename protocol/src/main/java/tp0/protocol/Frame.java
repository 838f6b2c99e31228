package tp0.protocol;

/**
 * Frame layout shared by both directions.
 *
 * <pre>
 *   offset  size  field
 *   0       4     length: bytes that follow this field (type + payload), big-endian, unsigned
 *   4       1     message type ({@link MessageType})
 *   5       n     payload (length - 1 bytes)
 * </pre>
 *
 * A whole frame, header included, never exceeds {@link #MAX_FRAME_BYTES}. Since that is far
 * below 16 MiB, the first byte of every frame is 0x00 — which is what lets the server tell a
 * protocol peer from a plain-text line on the same port.
 */
public final class Frame {
    /** Size of the length prefix. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** 8 KiB: the largest frame, header included, either direction. */
    public static final int MAX_FRAME_BYTES = 8192;
    /** The largest value the length field may carry. */
    public static final int MAX_BODY_BYTES = MAX_FRAME_BYTES - LENGTH_FIELD_BYTES;

    private Frame() {}
}
