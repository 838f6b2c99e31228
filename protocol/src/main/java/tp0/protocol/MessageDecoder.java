package tp0.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Reads each message's payload from a frame body; {@link Codec#decodeBody} is its entry point. */
final class MessageDecoder {
    /**
     * Smallest encoding of one bet: three empty strings, the date and the number. Empty
     * strings must still reach the field checks, which give the precise error.
     */
    private static final int MIN_BET_BYTES = 3 * 2 + 4 + 4;

    private MessageDecoder() {}

    /** Decodes a frame body: the type byte and the payload, consuming all of {@code body}. */
    static Message decodeBody(ByteBuffer body) throws DecodeException {
        body.order(ByteOrder.BIG_ENDIAN);
        if (!body.hasRemaining()) {
            throw new DecodeException(ErrorCode.TRUNCATED_PAYLOAD, "empty frame: no message type");
        }
        int typeByte = body.get() & 0xFF;
        MessageType type = MessageType.of(typeByte);
        if (type == null) {
            throw new DecodeException(ErrorCode.UNKNOWN_MESSAGE_TYPE, String.format("type byte 0x%02X", typeByte));
        }
        BodyReader in = new BodyReader(body, type);
        Message message;
        try {
            message = switch (type) {
                case HELLO -> new Message.Hello(in.u16(), in.i32(), in.string("secret"));
                case WELCOME -> new Message.Welcome(in.u16(), in.i64());
                case BET_BATCH -> decodeBetBatch(in);
                case BATCH_ACK -> new Message.BatchAck(in.u16(), in.i64());
                case BATCH_REJECTED -> new Message.BatchRejected(in.errorCode(), in.u16());
                case ALL_BETS_SENT -> Message.AllBetsSent.INSTANCE;
                case ALL_BETS_SENT_ACK -> Message.AllBetsSentAck.INSTANCE;
                case WINNERS_QUERY -> Message.WinnersQuery.INSTANCE;
                case WINNERS -> decodeWinners(in);
                case ERROR -> new Message.Error(in.errorCode(), in.string("text"));
                case PING -> Message.Ping.INSTANCE;
                case PONG -> Message.Pong.INSTANCE;
            };
        } catch (BufferUnderflowException e) {
            throw in.fail(ErrorCode.TRUNCATED_PAYLOAD, "payload ends inside a field");
        }
        if (body.hasRemaining()) {
            throw in.fail(ErrorCode.TRAILING_BYTES, body.remaining() + " bytes after the last field");
        }
        return message;
    }

    /**
     * Copies the bets' bytes once and checks every rule on them in place (see
     * {@link BetBatchValidation}); the batch adopts the copy.
     */
    private static Message.BetBatch decodeBetBatch(BodyReader in) throws DecodeException {
        int count = in.u16();
        in.declaredCount = count;
        int size = in.buf.remaining();
        if ((long) count * MIN_BET_BYTES > size) {
            throw in.fail(ErrorCode.TRUNCATED_PAYLOAD, count + " bets cannot fit in " + size + " bytes");
        }
        byte[] bets = new byte[size];
        ByteBuffer buf = in.buf;
        if (buf.hasArray()) {
            System.arraycopy(buf.array(), buf.arrayOffset() + buf.position(), bets, 0, size);
            buf.position(buf.limit());
        } else {
            buf.get(bets); // read-only or direct
        }
        int end = BetBatchValidation.validate(in, bets, count);
        in.betIndex = -1;
        if (end != size) {
            throw in.fail(ErrorCode.TRAILING_BYTES, (size - end) + " bytes after the last field");
        }
        return new Message.BetBatch(bets, count);
    }

    private static Message.Winners decodeWinners(BodyReader in) throws DecodeException {
        int count = in.u16();
        List<String> docs = new ArrayList<>(Math.min(count, in.buf.remaining() / 2));
        for (int i = 0; i < count; i++) {
            docs.add(in.string("document"));
        }
        int last = in.u8();
        if (last > 1) {
            throw in.fail(ErrorCode.INVALID_FIELD, "last flag must be 0 or 1, was " + last);
        }
        return new Message.Winners(docs, last == 1);
    }

}
