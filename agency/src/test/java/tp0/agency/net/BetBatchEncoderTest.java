package tp0.agency.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.Frame;
import tp0.protocol.Message;

/** The agency's own BetBatch encoder must write exactly what the protocol's Codec writes. */
class BetBatchEncoderTest {
    private static final String[] NAMES = {"Juan", "Nicolás", "Saldaña", "Øster", "Ñandú", "李小龍", "Zoë 😀", "a\uD800b",
        "José María", "x"};

    private static byte[] encoded(BetBatchEncoder encoder, List<Bet> bets) {
        int length = encoder.encode(bets);
        return Arrays.copyOf(encoder.frame(), length);
    }

    @Test
    void writesTheSameBytesAsTheCodec() {
        Random random = new Random(11);
        BetBatchEncoder encoder = new BetBatchEncoder(); // reused, as on a connection
        for (int round = 0; round < 500; round++) {
            List<Bet> bets = new ArrayList<>();
            int size = Codec.BET_BATCH_OVERHEAD;
            while (true) {
                Bet bet = new Bet(NAMES[random.nextInt(NAMES.length)], NAMES[random.nextInt(NAMES.length)],
                        String.format("%08d", random.nextInt(100_000_000)),
                        LocalDate.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28)),
                        random.nextInt(Integer.MAX_VALUE));
                if (size + Codec.encodedSize(bet) > Frame.MAX_FRAME_BYTES || bets.size() == 1 + round % 300) {
                    break;
                }
                bets.add(bet);
                size += Codec.encodedSize(bet);
            }
            assertArrayEquals(Codec.encode(new Message.BetBatch(bets)), encoded(encoder, bets), "round " + round);
        }
    }

    @Test
    void anEmptyBatchAndAFullFrameEncodeAsTheCodecDoes() {
        BetBatchEncoder encoder = new BetBatchEncoder();
        assertArrayEquals(Codec.encode(new Message.BetBatch(List.of())), encoded(encoder, List.of()));
        // One bet whose first name fills the frame to the last byte.
        int room = Frame.MAX_FRAME_BYTES - Codec.BET_BATCH_OVERHEAD - (2 + 2 + 1 + 2 + 1 + 4 + 4);
        Bet full = new Bet("é".repeat(room / 2) + "a".repeat(room % 2), "P", "1", LocalDate.of(1990, 1, 1), 5);
        byte[] frame = encoded(encoder, List.of(full));
        assertEquals(Frame.MAX_FRAME_BYTES, frame.length);
        assertArrayEquals(Codec.encode(new Message.BetBatch(List.of(full))), frame);
    }

    @Test
    void aBatchLargerThanAFrameIsRefused() {
        BetBatchEncoder encoder = new BetBatchEncoder();
        Bet big = new Bet("n".repeat(3000), "p", "1", LocalDate.of(1990, 1, 1), 5);
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of(big, big, big)));
        Bet threeBytes = new Bet("€".repeat(2800), "p", "1", LocalDate.of(1990, 1, 1), 5); // 8400 bytes
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of(threeBytes)));
        // Still usable afterwards.
        Bet small = new Bet("Ana", "Paz", "1", LocalDate.of(1990, 1, 1), 5);
        assertArrayEquals(Codec.encode(new Message.BetBatch(List.of(small))), encoded(encoder, List.of(small)));
    }
}
