package tp0.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes messages to frames and decodes frames to messages. Pure functions over byte
 * buffers: no I/O, no state. Integers are big-endian; a string is a u16 byte count followed
 * by that many bytes of UTF-8.
 *
 * <pre>
 * type  message          payload
 * 0x01  Hello            u16 version | u32 agency id | string secret ("" = none)
 * 0x02  Welcome          u16 version | u64 stored bets of this agency
 * 0x03  BetBatch         u16 count | count x bet
 * 0x04  BatchAck         u16 count | u64 stored bets of this agency after the batch
 * 0x05  BatchRejected    u16 error code | u16 count
 * 0x06  AllBetsSent      (empty)
 * 0x07  AllBetsSentAck   (empty)
 * 0x08  WinnersQuery     (empty)
 * 0x09  Winners          u16 count | count x string document | u8 last (0 or 1)
 * 0x0A  Error            u16 error code | string text
 * 0x0B  Ping             (empty)   version 2: agency to server, answered by Pong
 * 0x0C  Pong             (empty)   version 2: server to agency
 *
 * bet = string first name | string last name | string document
 *       | u16 birth year | u8 birth month | u8 birth day | i32 number (must be >= 0)
 * </pre>
 *
 * <p>This class is the entry point and the frame header; {@link MessageEncoder} writes each
 * message's payload, {@link MessageDecoder} reads it back, {@link BetBatchValidation} checks a
 * BetBatch's bets on the wire bytes, and {@link WireBets} reads the validated bets out.
 */
public final class Codec {

    /** Frame bytes of a BetBatch besides its bets: length field, type, count. */
    public static final int BET_BATCH_OVERHEAD = Frame.LENGTH_FIELD_BYTES + 1 + 2;
    /** Frame bytes of a Winners besides its documents: length field, type, count, last flag. */
    static final int WINNERS_OVERHEAD = Frame.LENGTH_FIELD_BYTES + 1 + 2 + 1;
    /** The largest u16: counts, string lengths and versions on the wire. */
    static final int MAX_U16 = 0xFFFF;

    private Codec() {}

    // ------------------------------------------------------------------ sizes

    /** Bytes {@code bet} takes inside a BetBatch. */
    public static int encodedSize(Bet bet) {
        return 2 + utf8Length(bet.firstName()) + 2 + utf8Length(bet.lastName())
                + 2 + utf8Length(bet.document()) + 4 + 4;
    }

    /** UTF-8 byte length of {@code s}, without encoding it. */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1; // a lone surrogate: getBytes(UTF_8) writes '?' (Bet.check refuses such text anyway)
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * Splits {@code documents} into Winners frames that each fit in {@link Frame#MAX_FRAME_BYTES};
     * always at least one (an agency with no winners gets one empty, last frame).
     */
    public static List<Message.Winners> winnersFrames(List<String> documents) {
        List<Message.Winners> frames = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int size = WINNERS_OVERHEAD;
        for (String doc : documents) {
            int docSize = 2 + utf8Length(doc);
            if (!current.isEmpty() && (size + docSize > Frame.MAX_FRAME_BYTES || current.size() == MAX_U16)) {
                frames.add(new Message.Winners(current, false));
                current = new ArrayList<>();
                size = WINNERS_OVERHEAD;
            }
            current.add(doc);
            size += docSize;
        }
        frames.add(new Message.Winners(current, true));
        return frames;
    }

    // ------------------------------------------------------------------ frames

    /**
     * The whole frame for {@code message}, header included.
     *
     * @throws IllegalArgumentException if it would exceed {@link Frame#MAX_FRAME_BYTES}
     */
    public static byte[] encode(Message message) {
        return MessageEncoder.encode(message);
    }

    /**
     * Decodes one whole frame, header included (as a length-field framing stage emits it).
     * The length field must match the bytes present exactly.
     */
    public static Message decodeFrame(ByteBuffer frame) throws DecodeException {
        frame.order(ByteOrder.BIG_ENDIAN);
        if (frame.remaining() < Frame.LENGTH_FIELD_BYTES) {
            throw new DecodeException(ErrorCode.TRUNCATED_PAYLOAD, "frame shorter than its length field");
        }
        long declared = Integer.toUnsignedLong(frame.getInt());
        if (declared > Frame.MAX_BODY_BYTES) {
            throw new DecodeException(ErrorCode.FRAME_TOO_LARGE, "declared length " + declared);
        }
        if (declared != frame.remaining()) {
            throw new DecodeException(ErrorCode.TRUNCATED_PAYLOAD,
                    "declared length " + declared + " but " + frame.remaining() + " bytes follow");
        }
        return MessageDecoder.decodeBody(frame);
    }

    /** Decodes a frame body: the type byte and the payload, consuming all of {@code body}. */
    public static Message decodeBody(ByteBuffer body) throws DecodeException {
        return MessageDecoder.decodeBody(body);
    }
}
