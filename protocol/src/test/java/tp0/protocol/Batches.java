package tp0.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Batches made from {@link Bet}s, for tests (a server only ever gets decoded ones, and the
 * agency writes its frames with {@link BetBatchWriter}). The bets are encoded as the protocol
 * lays them out and NOT checked, so a test can also put a bet that breaks a rule on the wire
 * and see the receiver refuse it; a batch of valid bets equals the one decoded from its frame.
 * Shared with the other modules' tests through protocol's test jar.
 */
public final class Batches {
    private Batches() {}

    /** @throws IllegalArgumentException when a field does not fit its wire type (the frame size is checked by {@link Codec#encode}) */
    public static Message.BetBatch of(List<Bet> bets) {
        if (bets.size() > 0xFFFF) {
            throw new IllegalArgumentException("count out of range 0..65535: " + bets.size());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(bets.size() * 48);
        for (Bet bet : bets) {
            string(out, bet.firstName());
            string(out, bet.lastName());
            string(out, bet.document());
            int year = bet.birthdate().getYear();
            if (year < 0 || year > 0xFFFF) {
                throw new IllegalArgumentException("birth year out of range 0..65535: " + year);
            }
            u16(out, year);
            out.write(bet.birthdate().getMonthValue());
            out.write(bet.birthdate().getDayOfMonth());
            int n = bet.number();
            out.write(n >>> 24);
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
        }
        return new Message.BetBatch(out.toByteArray(), bets.size());
    }

    /** The whole frame of a batch of these bets. */
    public static byte[] frame(List<Bet> bets) {
        return Codec.encode(of(bets));
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is too long");
        }
        u16(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }
}
