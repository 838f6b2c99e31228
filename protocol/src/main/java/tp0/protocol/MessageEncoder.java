package tp0.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes each message's payload behind the frame header; {@link Codec#encode} is its entry point. */
final class MessageEncoder {

    private MessageEncoder() {}

    /**
     * The whole frame for {@code message}, header included.
     *
     * @throws IllegalArgumentException if it would exceed {@link Frame#MAX_FRAME_BYTES}
     */
    static byte[] encode(Message message) {
        FrameBuilder out = new FrameBuilder();
        out.u32(0); // length, patched below
        out.u8(message.type().code);
        switch (message.type()) {
            case HELLO -> {
                Message.Hello m = (Message.Hello) message;
                out.u16(checkedU16(m.version(), "version"));
                out.u32(m.agencyId());
                out.string(m.secret());
            }
            case WELCOME -> {
                Message.Welcome m = (Message.Welcome) message;
                out.u16(checkedU16(m.version(), "version"));
                out.u64(m.storedBets());
            }
            case BET_BATCH -> {
                Message.BetBatch m = (Message.BetBatch) message;
                out.u16(checkedCount(m.count()));
                out.bytes(m.validatedWire()); // what it was decoded from: the canonical encoding
            }
            case BATCH_ACK -> {
                Message.BatchAck m = (Message.BatchAck) message;
                out.u16(checkedCount(m.count()));
                out.u64(m.storedBets());
            }
            case BATCH_REJECTED -> {
                Message.BatchRejected m = (Message.BatchRejected) message;
                out.u16(m.code().code);
                out.u16(checkedCount(m.count()));
            }
            case ALL_BETS_SENT, ALL_BETS_SENT_ACK, WINNERS_QUERY, PING, PONG -> { }
            case WINNERS -> {
                Message.Winners m = (Message.Winners) message;
                out.u16(checkedCount(m.documents().size()));
                for (String doc : m.documents()) {
                    out.string(doc);
                }
                out.u8(m.last() ? 1 : 0);
            }
            case ERROR -> {
                Message.Error m = (Message.Error) message;
                out.u16(m.code().code);
                out.string(m.text());
            }
        }
        if (out.size > Frame.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException(message.type() + " frame of " + out.size
                    + " bytes exceeds " + Frame.MAX_FRAME_BYTES);
        }
        out.patchU32(0, out.size - Frame.LENGTH_FIELD_BYTES);
        return out.toArray();
    }

    private static int checkedCount(int count) {
        return checkedU16(count, "count");
    }

    private static int checkedU16(int value, String field) {
        if (value < 0 || value > Codec.MAX_U16) {
            throw new IllegalArgumentException(field + " out of range 0.." + Codec.MAX_U16 + ": " + value);
        }
        return value;
    }

    /** A growable big-endian byte sink for one frame. */
    private static final class FrameBuilder {
        private byte[] buf = new byte[256];
        private int size;

        void ensure(int extra) {
            if (size + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
            }
        }

        void u8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void u16(int v) {
            ensure(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void u32(int v) {
            ensure(4);
            putU32(size, v);
            size += 4;
        }

        void u64(long v) {
            u32((int) (v >>> 32));
            u32((int) v);
        }

        void patchU32(int at, int v) {
            putU32(at, v);
        }

        private void putU32(int at, int v) {
            buf[at] = (byte) (v >>> 24);
            buf[at + 1] = (byte) (v >>> 16);
            buf[at + 2] = (byte) (v >>> 8);
            buf[at + 3] = (byte) v;
        }

        void bytes(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > Codec.MAX_U16) {
                throw new IllegalArgumentException("string of " + bytes.length + " bytes is too long");
            }
            u16(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }
    }
}
