package tp0.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: whatever bytes arrive, the decoder either returns a message or throws a
 * {@link DecodeException} — never a RuntimeException that would kill a connection handler.
 * A failure message names the case number and the bytes, so it can be replayed.
 */
class CodecFuzzTest {

    private static final long SEED = 20_240_501L;
    private static final int CASES = 100_000;

    /** Bodies (type byte and payload) of valid messages: the material mutations start from. */
    private static final List<byte[]> VALID_BODIES = validBodies();

    private static List<byte[]> validBodies() {
        List<byte[]> bodies = new ArrayList<>();
        for (Message m : Samples.everyMessage()) {
            bodies.add(WireBytes.bodyOf(Codec.encode(m)));
        }
        return bodies;
    }

    // ------------------------------------------------------------------ input generators

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(80)];
        r.nextBytes(b);
        if (b.length > 0 && r.nextInt(4) != 0) {
            b[0] = (byte) r.nextInt(0x0D); // mostly a known (or nearly known) type byte
        }
        return b;
    }

    private static byte[] mutate(Random r, byte[] valid) {
        byte[] b = valid.clone();
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds; k++) {
            switch (r.nextInt(8)) {
                case 0 -> { // replace a byte
                    if (b.length > 0) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                case 1 -> { // flip one bit
                    if (b.length > 0) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncate
                case 3 -> { // extend with random bytes
                    int old = b.length;
                    b = Arrays.copyOf(b, old + 1 + r.nextInt(8));
                    for (int i = old; i < b.length; i++) b[i] = (byte) r.nextInt(256);
                }
                case 4 -> { // delete one byte
                    if (b.length > 0) {
                        int at = r.nextInt(b.length);
                        byte[] shorter = new byte[b.length - 1];
                        System.arraycopy(b, 0, shorter, 0, at);
                        System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                        b = shorter;
                    }
                }
                case 5 -> { // insert one byte
                    int at = r.nextInt(b.length + 1);
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
                case 6 -> { // a u16 (count or string length) at an extreme
                    if (b.length >= 3) {
                        int at = 1 + r.nextInt(b.length - 2);
                        int v = r.nextBoolean() ? 0xFFFF : r.nextInt(4);
                        b[at] = (byte) (v >>> 8);
                        b[at + 1] = (byte) v;
                    }
                }
                default -> { // change the type byte, keeping the payload
                    if (b.length > 0) b[0] = (byte) (1 + r.nextInt(10));
                }
            }
        }
        return b;
    }

    private static byte[] nextCase(Random r) {
        return r.nextInt(4) == 0 ? randomBytes(r) : mutate(r, VALID_BODIES.get(r.nextInt(VALID_BODIES.size())));
    }

    // ------------------------------------------------------------------ properties

    /**
     * decodeBody: a message (which re-encodes to exactly these bytes) or a DecodeException.
     * Returns whether the body decoded.
     */
    private static boolean checkBody(int caseNo, byte[] body) {
        Message decoded;
        try {
            decoded = Codec.decodeBody(ByteBuffer.wrap(body));
        } catch (DecodeException expected) {
            assertNotNull(expected.code(), "case " + caseNo);
            return false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("case " + caseNo + ": decodeBody threw " + e + " on " + WireBytes.hex(body), e);
        }
        assertNotNull(decoded, "case " + caseNo);
        // a body that decodes is the canonical encoding of what it decodes to
        byte[] again = WireBytes.bodyOf(Codec.encode(decoded));
        assertArrayEquals(body, again, () -> "case " + caseNo + ": " + decoded + " re-encodes differently from "
                + WireBytes.hex(body));
        return true;
    }

    /** decodeFrame and FrameReader over the same body behind a length field. */
    private static void checkFrame(int caseNo, byte[] frame) {
        try {
            Codec.decodeFrame(ByteBuffer.wrap(frame));
        } catch (DecodeException expected) {
            // fine
        } catch (RuntimeException | Error e) {
            throw new AssertionError("case " + caseNo + ": decodeFrame threw " + e + " on " + WireBytes.hex(frame), e);
        }
        try {
            new FrameReader(new ByteArrayInputStream(frame)).read();
        } catch (DecodeException | EOFException expected) {
            // fine
        } catch (Exception | Error e) {
            throw new AssertionError("case " + caseNo + ": FrameReader threw " + e + " on " + WireBytes.hex(frame), e);
        }
    }

    @Test
    void decodeBodyNeverThrowsAnythingButDecodeException() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Random r = new Random(SEED);
            int decoded = 0;
            for (int i = 0; i < CASES; i++) {
                if (checkBody(i, nextCase(r))) {
                    decoded++;
                }
            }
            // the fuzzer is only useful if it reaches both outcomes
            assertTrue(decoded > CASES / 100, "fuzzer should also produce valid bodies, got " + decoded);
            assertTrue(decoded < CASES, "fuzzer should produce invalid bodies");
        });
    }

    @Test
    void framesWithHonestOrLyingLengthFieldsNeverThrowAnythingElse() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Random r = new Random(SEED + 1);
            for (int i = 0; i < CASES / 4; i++) {
                byte[] body = nextCase(r);
                byte[] frame = WireBytes.frameOf(body);
                if (r.nextInt(3) == 0) { // make the length field lie
                    int lie = switch (r.nextInt(3)) {
                        case 0 -> body.length + r.nextInt(5) - 2;
                        case 1 -> r.nextInt(Frame.MAX_BODY_BYTES + 2);
                        default -> r.nextInt();
                    };
                    ByteBuffer.wrap(frame).putInt(lie);
                }
                checkFrame(i, frame);
            }
        });
    }

    @Test
    void theSameSeedGivesTheSameCases() {
        Random a = new Random(SEED);
        Random b = new Random(SEED);
        for (int i = 0; i < 100; i++) {
            if (!Arrays.equals(nextCase(a), nextCase(b))) {
                fail("fuzz cases are not reproducible at case " + i);
            }
        }
    }
}
