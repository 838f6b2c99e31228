package tp0.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
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
 */
public final class Codec {

    /** Frame bytes of a BetBatch besides its bets: length field, type, count. */
    public static final int BET_BATCH_OVERHEAD = Frame.LENGTH_FIELD_BYTES + 1 + 2;
    /** Frame bytes of a Winners besides its documents: length field, type, count, last flag. */
    static final int WINNERS_OVERHEAD = Frame.LENGTH_FIELD_BYTES + 1 + 2 + 1;
    /**
     * Smallest encoding of one bet: three empty strings, the date and the number. Empty
     * strings must still reach the field checks, which give the precise error.
     */
    private static final int MIN_BET_BYTES = 3 * 2 + 4 + 4;
    private static final int MAX_U16 = 0xFFFF;

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

    // ------------------------------------------------------------------ encoding

    /**
     * The whole frame for {@code message}, header included.
     *
     * @throws IllegalArgumentException if it would exceed {@link Frame#MAX_FRAME_BYTES}
     */
    public static byte[] encode(Message message) {
        Out out = new Out();
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
        if (value < 0 || value > MAX_U16) {
            throw new IllegalArgumentException(field + " out of range 0.." + MAX_U16 + ": " + value);
        }
        return value;
    }

    /** A growable big-endian byte sink; only the encoder uses it. */
    private static final class Out {
        private byte[] buf = new byte[256];
        private int size;

        void ensure(int extra) {
            if (size + extra > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
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
            if (bytes.length > MAX_U16) {
                throw new IllegalArgumentException("string of " + bytes.length + " bytes is too long");
            }
            u16(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(buf, size);
        }
    }

    // ------------------------------------------------------------------ decoding

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
        return decodeBody(frame);
    }

    /** Decodes a frame body: the type byte and the payload, consuming all of {@code body}. */
    public static Message decodeBody(ByteBuffer body) throws DecodeException {
        body.order(ByteOrder.BIG_ENDIAN);
        if (!body.hasRemaining()) {
            throw new DecodeException(ErrorCode.TRUNCATED_PAYLOAD, "empty frame: no message type");
        }
        int typeByte = body.get() & 0xFF;
        MessageType type = MessageType.of(typeByte);
        if (type == null) {
            throw new DecodeException(ErrorCode.UNKNOWN_MESSAGE_TYPE, String.format("type byte 0x%02X", typeByte));
        }
        In in = new In(body, type);
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
     * Copies the bets' bytes once and checks every rule on them in place — strict UTF-8, the
     * field rules of {@link Bet#check()}, real dates — with the same error codes and details,
     * in the same order, as decoding each bet to a {@link Bet} and checking it would give.
     */
    private static Message.BetBatch decodeBetBatch(In in) throws DecodeException {
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
        int end = validateBets(in, bets, count);
        in.betIndex = -1;
        if (end != size) {
            throw in.fail(ErrorCode.TRAILING_BYTES, (size - end) + " bytes after the last field");
        }
        return new Message.BetBatch(bets, count);
    }

    /** Checks {@code count} bets from the start of {@code b}; returns where the last one ends. */
    private static int validateBets(In in, byte[] b, int count) throws DecodeException {
        int p = 0;
        for (int i = 0; i < count; i++) {
            in.betIndex = i;
            p = in.text(b, p, "first name");
            int first = in.textFlags;
            p = in.text(b, p, "last name");
            int last = in.textFlags;
            p = in.text(b, p, "document");
            int document = in.textFlags;
            int documentLength = in.textLength;
            if (b.length - p < 8) {
                throw in.fail(ErrorCode.TRUNCATED_PAYLOAD, "payload ends inside a field");
            }
            int year = u16(b, p);
            int month = b[p + 2] & 0xFF;
            int day = b[p + 3] & 0xFF;
            int number = i32(b, p + 4);
            p += 8;
            if (!Bet.isValidDate(year, month, day)) {
                throw in.fail(ErrorCode.BAD_DATE, "birthdate " + year + "-" + month + "-" + day);
            }
            // Bet.check()'s order: first name, last name, document, year, number.
            ErrorCode code;
            if ((code = WireText.nameRule(first)) != null) {
                throw in.violation(code, "first name");
            }
            if ((code = WireText.nameRule(last)) != null) {
                throw in.violation(code, "last name");
            }
            if ((code = WireText.documentRule(documentLength, document)) != null) {
                throw in.violation(code, "document");
            }
            if (year < 1 || year > 9999) {
                throw in.violation(ErrorCode.BAD_DATE, "birthdate");
            }
            if (number < 0) {
                throw in.violation(ErrorCode.NEGATIVE_NUMBER, "number");
            }
        }
        return p;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static int i32(byte[] b, int at) {
        return b[at] << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    /** Hands the {@code count} validated bets in {@code b} to {@code visitor}; allocates nothing. */
    static void visit(byte[] b, int count, BetVisitor visitor) {
        int p = 0;
        for (int i = 0; i < count; i++) {
            int firstLen = u16(b, p);
            int firstOff = p + 2;
            p = firstOff + firstLen;
            int lastLen = u16(b, p);
            int lastOff = p + 2;
            p = lastOff + lastLen;
            int docLen = u16(b, p);
            int docOff = p + 2;
            p = docOff + docLen;
            visitor.bet(b, firstOff, firstLen, lastOff, lastLen, docOff, docLen,
                    u16(b, p), b[p + 2] & 0xFF, b[p + 3] & 0xFF, i32(b, p + 4));
            p += 8;
        }
    }

    /** The {@code count} validated bets in {@code b} as objects. */
    static List<Bet> materialize(byte[] b, int count) {
        List<Bet> bets = new ArrayList<>(count);
        visit(b, count, (buf, firstOff, firstLen, lastOff, lastLen, docOff, docLen, year, month, day, number) ->
                bets.add(new Bet(new String(buf, firstOff, firstLen, StandardCharsets.UTF_8),
                        new String(buf, lastOff, lastLen, StandardCharsets.UTF_8),
                        new String(buf, docOff, docLen, StandardCharsets.UTF_8),
                        LocalDate.of(year, month, day), number)));
        return List.copyOf(bets);
    }

    private static Message.Winners decodeWinners(In in) throws DecodeException {
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

    /** Big-endian reads over one frame body, remembering where a failure happened. */
    private static final class In {
        final ByteBuffer buf;
        final MessageType type;
        int declaredCount = -1;
        int betIndex = -1;
        private CharsetDecoder utf8;

        In(ByteBuffer buf, MessageType type) {
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
            int len = Codec.u16(b, p);
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
}
