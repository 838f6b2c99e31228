package tp0.protocol;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Reads bets back out of a BetBatch's validated wire bytes (see {@link Codec} for the layout). */
final class WireBets {

    private WireBets() {}

    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    static int i32(byte[] b, int at) {
        return b[at] << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
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
}
