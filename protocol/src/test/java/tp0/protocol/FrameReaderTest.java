package tp0.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Framing over a blocking stream: short reads, many frames per read, EOF, oversized headers. */
class FrameReaderTest {

    // ------------------------------------------------------------------ test streams

    /** Hands out at most one byte per read call, like a very slow socket. */
    static final class OneByteAtATime extends InputStream {
        private final byte[] data;
        private int pos;

        OneByteAtATime(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) return 0;
            int c = read();
            if (c < 0) return -1;
            b[off] = (byte) c;
            return 1;
        }

        int consumed() {
            return pos;
        }
    }

    /** Serves {@code data}, then fails the test if anyone reads (or tries to) past it. */
    static final class Tripwire extends InputStream {
        private final byte[] data;
        private int pos;

        Tripwire(int... bytes) {
            data = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) data[i] = (byte) bytes[i];
        }

        @Override
        public int read() {
            if (pos >= data.length) throw new AssertionError("read past the " + data.length + " allowed bytes");
            return data[pos++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) return 0;
            if (pos >= data.length) throw new AssertionError("read past the " + data.length + " allowed bytes");
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    // ------------------------------------------------------------------ helpers

    /** 50 messages, all different, covering every type. */
    @SuppressWarnings("EnumOrdinal") // cycles through every error code by index; any order will do
    static List<Message> fiftyMessages() {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; messages.size() < 50; i++) {
            messages.add(switch (i % 10) {
                case 0 -> new Message.Hello(Protocol.VERSION, i, i % 20 == 0 ? "" : "clave-" + i);
                case 1 -> new Message.Welcome(Protocol.VERSION, 1L << (i % 63));
                case 2 -> Batches.of(List.of(new Bet("Nicolás" + i, "Saldaña", "000" + i,
                        LocalDate.of(1980 + i, 1 + i % 12, 1 + i % 28), i)));
                case 3 -> Batches.of(Samples.bets(i));
                case 4 -> new Message.BatchAck(i, 1_000_000_000_000L + i);
                case 5 -> new Message.BatchRejected(ErrorCode.values()[i % ErrorCode.values().length], i);
                case 6 -> switch (i) {
                    case 6 -> Message.AllBetsSent.INSTANCE;
                    case 16 -> Message.AllBetsSentAck.INSTANCE;
                    case 26 -> Message.WinnersQuery.INSTANCE;
                    default -> new Message.BatchAck(0, i);
                };
                case 7 -> new Message.Hello(i, -i, "Saldaña");
                case 8 -> new Message.Winners(List.of("000" + i, String.valueOf(i * 31)), i % 20 == 8);
                default -> new Message.Error(ErrorCode.BETS_CLOSED, "Muñoz " + i + " " + Samples.EMOJI);
            });
        }
        return messages;
    }

    static byte[] encodeAll(List<Message> messages) {
        List<byte[]> frames = new ArrayList<>();
        for (Message m : messages) frames.add(Codec.encode(m));
        return WireBytes.concat(frames);
    }

    static List<Message> readAll(FrameReader reader) throws IOException, DecodeException {
        List<Message> got = new ArrayList<>();
        for (Message m; (m = reader.read()) != null; ) {
            got.add(m);
        }
        return got;
    }

    // ------------------------------------------------------------------ whole streams

    @Test
    void oneByteAtATimeGivesEveryMessageInOrderThenNull() throws Exception {
        List<Message> sent = fiftyMessages();
        assertEquals(50, new java.util.HashSet<>(sent).size(), "precondition: 50 different messages");
        byte[] stream = encodeAll(sent);
        OneByteAtATime in = new OneByteAtATime(stream);
        FrameReader reader = new FrameReader(in);

        assertEquals(sent, readAll(reader));
        assertEquals(stream.length, in.consumed());
        assertNull(reader.read(), "still null after the end");
    }

    @Test
    void manyFramesInOneChunk() throws Exception {
        List<Message> sent = fiftyMessages();
        FrameReader reader = new FrameReader(new ByteArrayInputStream(encodeAll(sent)));
        assertEquals(sent, readAll(reader));
    }

    @Test
    void arbitraryChunkBoundaries() throws Exception {
        List<Message> sent = fiftyMessages();
        byte[] stream = encodeAll(sent);
        for (int chunk : new int[] {2, 3, 4, 5, 7, 13, 64, 1000}) {
            InputStream in = new ByteArrayInputStream(stream) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    return super.read(b, off, Math.min(len, chunk));
                }
            };
            assertEquals(sent, readAll(new FrameReader(in)), "chunks of " + chunk);
        }
    }

    @Test
    void emptyStreamIsACleanEnd() throws Exception {
        assertNull(new FrameReader(new ByteArrayInputStream(new byte[0])).read());
        assertNull(new FrameReader(new OneByteAtATime(new byte[0])).read());
    }

    @Test
    void largestFrameOneByteAtATime() throws Exception {
        Message.BetBatch batch = Batches.of(CodecSizeTest.betsFilling(Frame.MAX_FRAME_BYTES));
        byte[] frame = Codec.encode(batch);
        assertEquals(Frame.MAX_FRAME_BYTES, frame.length);
        FrameReader reader = new FrameReader(new OneByteAtATime(frame));
        assertEquals(batch, reader.read());
        assertNull(reader.read());
    }

    @Test
    void handCraftedErrorFrameOfExactlyTheLimitIsAccepted() throws Exception {
        int textBytes = Frame.MAX_BODY_BYTES - 1 - 2 - 2; // type, code, string length
        byte[] frame = WireBytes.body(MessageType.ERROR).u16(ErrorCode.BAD_TEXT.code)
                .str("ñ".repeat(textBytes / 2) + "x".repeat(textBytes % 2)).frame();
        assertEquals(Frame.MAX_FRAME_BYTES, frame.length);
        Message.Error error = (Message.Error) new FrameReader(new ByteArrayInputStream(frame)).read();
        assertEquals(ErrorCode.BAD_TEXT, error.code());
        assertEquals(textBytes, Codec.utf8Length(error.text()));
    }

    @Test
    void winnersFrameOfExactlyTheLimitIsAccepted() throws Exception {
        Message.Winners winners = new Message.Winners(java.util.Collections.nCopies(682, "0123456789"), true);
        byte[] frame = Codec.encode(winners);
        assertEquals(Frame.MAX_FRAME_BYTES, frame.length);
        assertEquals(winners, new FrameReader(new OneByteAtATime(frame)).read());
    }

    // ------------------------------------------------------------------ EOF inside a frame

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void eofInsideTheHeader(int headerBytes) {
        byte[] frame = Codec.encode(new Message.Hello(1, 1, ""));
        byte[] cut = Arrays.copyOf(frame, headerBytes);
        assertThrows(EOFException.class, () -> new FrameReader(new ByteArrayInputStream(cut)).read());
        assertThrows(EOFException.class, () -> new FrameReader(new OneByteAtATime(cut)).read());
    }

    @Test
    void eofInsideTheBody() {
        byte[] frame = Codec.encode(Batches.of(Samples.trickyBets()));
        for (int len = Frame.LENGTH_FIELD_BYTES; len < frame.length; len++) {
            byte[] cut = Arrays.copyOf(frame, len);
            assertThrows(EOFException.class, () -> new FrameReader(new ByteArrayInputStream(cut)).read(), "cut at " + len);
        }
        byte[] headerOnly = Arrays.copyOf(frame, Frame.LENGTH_FIELD_BYTES);
        assertThrows(EOFException.class, () -> new FrameReader(new OneByteAtATime(headerOnly)).read());
    }

    @Test
    void eofInsideTheSecondFrameAfterAGoodOne() throws Exception {
        byte[] first = Codec.encode(Message.WinnersQuery.INSTANCE);
        byte[] second = Codec.encode(new Message.Error(ErrorCode.BETS_CLOSED, "cerrado"));
        byte[] stream = WireBytes.concat(List.of(first, Arrays.copyOf(second, second.length - 2)));
        FrameReader reader = new FrameReader(new OneByteAtATime(stream));
        assertEquals(Message.WinnersQuery.INSTANCE, reader.read());
        assertThrows(EOFException.class, reader::read);
    }

    // ------------------------------------------------------------------ oversized length field

    @Test
    void lengthOf8192IsRefusedWithoutReadingTheBody() {
        FrameReader reader = new FrameReader(new Tripwire(0x00, 0x00, 0x20, 0x00));
        DecodeException e = assertThrows(DecodeException.class, reader::read);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
    }

    @Test
    void lengthOfFourGigabytesIsRefusedWithoutReadingTheBody() {
        FrameReader reader = new FrameReader(new Tripwire(0xFF, 0xFF, 0xFF, 0xFF));
        DecodeException e = assertThrows(DecodeException.class, reader::read);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
    }

    @ParameterizedTest
    @ValueSource(ints = {Frame.MAX_BODY_BYTES + 1, 0x0001_0000, 0x7FFF_FFFF, 0x8000_0000})
    void anyLengthOverTheLimitIsRefusedWithoutReadingTheBody(int declared) {
        byte[] h = ByteBuffer.allocate(4).putInt(declared).array();
        FrameReader reader = new FrameReader(new Tripwire(h[0] & 0xFF, h[1] & 0xFF, h[2] & 0xFF, h[3] & 0xFF));
        DecodeException e = assertThrows(DecodeException.class, reader::read);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
    }

    @Test
    void lengthOfExactlyTheLimitIsReadInFull() {
        // 0x1FFC = 8188 = MAX_BODY_BYTES: allowed, so the reader goes on to read the body
        InputStream header = new ByteArrayInputStream(new byte[] {0x00, 0x00, 0x1F, (byte) 0xFC});
        assertThrows(EOFException.class, () -> new FrameReader(header).read());
    }

    // ------------------------------------------------------------------ errors keep the stream in step

    @Test
    void aBadFrameDoesNotDesynchroniseTheNextOne() throws Exception {
        byte[] badDate = WireBytes.body(MessageType.BET_BATCH).u16(1).bet("Ana", "Paz", "1", 2001, 2, 30, 1).frame();
        byte[] unknownType = WireBytes.body(0x0D).u32(0xDEADBEEF).frame();
        byte[] trailing = WireBytes.body(MessageType.ALL_BETS_SENT).u8(0).frame();
        Message after = new Message.Winners(List.of("00012345"), true);
        byte[] stream = WireBytes.concat(List.of(
                Codec.encode(Message.WinnersQuery.INSTANCE), badDate, unknownType, trailing, Codec.encode(after)));

        FrameReader reader = new FrameReader(new OneByteAtATime(stream));
        assertEquals(Message.WinnersQuery.INSTANCE, reader.read());
        assertEquals(ErrorCode.BAD_DATE, assertThrows(DecodeException.class, reader::read).code());
        assertEquals(ErrorCode.UNKNOWN_MESSAGE_TYPE, assertThrows(DecodeException.class, reader::read).code());
        assertEquals(ErrorCode.TRAILING_BYTES, assertThrows(DecodeException.class, reader::read).code());
        assertEquals(after, reader.read());
        assertNull(reader.read());
    }

    @Test
    void zeroLengthFrameIsTruncatedAndTheNextFrameStillReads() throws Exception {
        byte[] stream = WireBytes.concat(List.of(new byte[4], Codec.encode(Message.AllBetsSent.INSTANCE)));
        FrameReader reader = new FrameReader(new ByteArrayInputStream(stream));
        assertEquals(ErrorCode.TRUNCATED_PAYLOAD, assertThrows(DecodeException.class, reader::read).code());
        assertEquals(Message.AllBetsSent.INSTANCE, reader.read());
    }

    @Test
    @SuppressWarnings("InputStreamSlowMultibyteRead") // the stream only fails, one byte or many
    void ioErrorsFromTheStreamPropagate() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        IOException e = assertThrows(IOException.class, () -> new FrameReader(broken).read());
        assertEquals("connection reset", e.getMessage());
    }
}
