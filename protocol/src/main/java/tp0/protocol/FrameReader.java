package tp0.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Reads whole frames from a blocking stream, however the bytes arrive (one at a time, or
 * several frames per read). The declared length is checked before anything of that size is
 * allocated.
 */
public final class FrameReader {
    private final InputStream in;
    private final byte[] header = new byte[Frame.LENGTH_FIELD_BYTES];

    public FrameReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next message, or null when the peer closed the stream cleanly between frames.
     *
     * @throws EOFException    if the stream ends inside a frame
     * @throws DecodeException if the frame breaks the protocol (FRAME_TOO_LARGE leaves the
     *                         stream out of step; any other code leaves it at the next frame)
     */
    public Message read() throws IOException, DecodeException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        readFully(header, 1, Frame.LENGTH_FIELD_BYTES - 1);
        long declared = Integer.toUnsignedLong(ByteBuffer.wrap(header).getInt());
        if (declared > Frame.MAX_BODY_BYTES) {
            throw new DecodeException(ErrorCode.FRAME_TOO_LARGE, "declared length " + declared);
        }
        byte[] body = new byte[(int) declared];
        readFully(body, 0, body.length);
        return Codec.decodeBody(ByteBuffer.wrap(body));
    }

    private void readFully(byte[] buf, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(buf, off, len);
            if (n < 0) {
                throw new EOFException("stream ended inside a frame");
            }
            off += n;
            len -= n;
        }
    }
}
