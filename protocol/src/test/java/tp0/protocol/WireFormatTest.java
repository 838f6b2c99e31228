package tp0.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes on the wire. Other implementations (and other languages) rely on these, so a
 * change here is a protocol change, not a refactoring.
 */
class WireFormatTest {

    private static void assertEncodesTo(Message message, int... expected) {
        byte[] want = new byte[expected.length];
        for (int i = 0; i < expected.length; i++) {
            want[i] = (byte) expected[i];
        }
        byte[] got = Codec.encode(message);
        assertArrayEquals(want, got, () -> "got " + WireBytes.hex(got));
    }

    @Test
    void hello() {
        assertEncodesTo(new Message.Hello(1, 7, ""),
                0x00, 0x00, 0x00, 0x09, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00);
        assertEncodesTo(new Message.Hello(2, 0x01020304, "ñ"),
                0x00, 0x00, 0x00, 0x0B, 0x01, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04, 0x00, 0x02, 0xC3, 0xB1);
    }

    @Test
    void welcome() {
        assertEncodesTo(new Message.Welcome(1, 0x0102030405060708L),
                0x00, 0x00, 0x00, 0x0B, 0x02, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08);
    }

    @Test
    void betBatch() {
        Bet bet = new Bet("Né", "Li", "007", LocalDate.of(1990, 12, 31), 0x01020304);
        assertEncodesTo(Batches.of(List.of(bet)),
                0x00, 0x00, 0x00, 0x19, // 25 = type + count + 22 bytes of bet
                0x03, 0x00, 0x01,
                0x00, 0x03, 'N', 0xC3, 0xA9,
                0x00, 0x02, 'L', 'i',
                0x00, 0x03, '0', '0', '7',
                0x07, 0xC6, 0x0C, 0x1F, // 1990, 12, 31
                0x01, 0x02, 0x03, 0x04);
        assertEncodesTo(Batches.of(List.of()), 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00);
    }

    @Test
    void batchAckAndBatchRejected() {
        assertEncodesTo(new Message.BatchAck(0x0102, 0xFFL),
                0x00, 0x00, 0x00, 0x0B, 0x04, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 0xFF);
        assertEncodesTo(new Message.BatchRejected(ErrorCode.BAD_DATE, 3),
                0x00, 0x00, 0x00, 0x05, 0x05, 0x00, 0x05, 0x00, 0x03);
    }

    @Test
    void emptyMessages() {
        assertEncodesTo(Message.AllBetsSent.INSTANCE, 0x00, 0x00, 0x00, 0x01, 0x06);
        assertEncodesTo(Message.AllBetsSentAck.INSTANCE, 0x00, 0x00, 0x00, 0x01, 0x07);
        assertEncodesTo(Message.WinnersQuery.INSTANCE, 0x00, 0x00, 0x00, 0x01, 0x08);
    }

    @Test
    void winners() {
        assertEncodesTo(new Message.Winners(List.of("01", "9"), true),
                0x00, 0x00, 0x00, 0x0B, 0x09, 0x00, 0x02, 0x00, 0x02, '0', '1', 0x00, 0x01, '9', 0x01);
        assertEncodesTo(new Message.Winners(List.of(), false), 0x00, 0x00, 0x00, 0x04, 0x09, 0x00, 0x00, 0x00);
    }

    @Test
    void error() {
        assertEncodesTo(new Message.Error(ErrorCode.SHUTTING_DOWN, "adiós"),
                0x00, 0x00, 0x00, 0x0B, 0x0A, 0x00, 0x13, 0x00, 0x06, 'a', 'd', 'i', 0xC3, 0xB3, 's');
    }

    @Test
    void heartbeatIsTwoEmptyFrames() {
        assertEncodesTo(Message.Ping.INSTANCE, 0x00, 0x00, 0x00, 0x01, 0x0B);
        assertEncodesTo(Message.Pong.INSTANCE, 0x00, 0x00, 0x00, 0x01, 0x0C);
    }

    @Test
    void versionTwoSpeaksTheHeartbeatAndStillServesOne() {
        assertEquals(2, Protocol.VERSION);
        assertEquals(1, Protocol.MIN_VERSION);
        assertEquals(Protocol.VERSION, Protocol.HEARTBEAT_VERSION);
    }

    @Test
    void messageTypeNumbersAreFixed() {
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
                List.of(MessageType.values()).stream().map(t -> t.code).toList());
        for (MessageType t : MessageType.values()) {
            assertEquals(t, MessageType.of(t.code));
        }
        assertNull(MessageType.of(0x00));
        assertNull(MessageType.of(0x0D));
        assertNull(MessageType.of(0xFF));
    }

    @Test
    void errorCodeNumbersAreFixed() {
        ErrorCode[] codes = ErrorCode.values();
        for (int i = 0; i < codes.length; i++) {
            assertEquals(i + 1, codes[i].code, codes[i].name());
            assertEquals(codes[i], ErrorCode.of(i + 1));
        }
        assertEquals(10, ErrorCode.FRAME_TOO_LARGE.code);
        assertEquals(19, ErrorCode.SHUTTING_DOWN.code);
        assertNull(ErrorCode.of(0));
        assertNull(ErrorCode.of(-1));
        assertNull(ErrorCode.of(codes.length + 1));
        assertNull(ErrorCode.of(0xFFFF));
    }

    @Test
    void frameLimits() {
        assertEquals(4, Frame.LENGTH_FIELD_BYTES);
        assertEquals(8192, Frame.MAX_FRAME_BYTES);
        assertEquals(8188, Frame.MAX_BODY_BYTES);
        assertEquals(7, Codec.BET_BATCH_OVERHEAD);
    }
}
