package tp0.agency.bets;

import java.util.ArrayList;
import java.util.List;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.Frame;

/**
 * Cuts the stream of bets into batches that respect both limits: at most
 * {@code maxAmount} bets, and an encoded BetBatch frame of at most
 * {@link Frame#MAX_FRAME_BYTES}. A batch is cut when the next bet would break either
 * limit, so every batch but the last is as full as the two limits allow.
 */
public final class BetBatcher {
    private final BetSource source;
    private final int maxAmount;
    /** Read but did not fit in the previous batch: it starts the next one. */
    private Bet carried;

    public BetBatcher(BetSource source, int maxAmount) {
        if (maxAmount < 1) {
            throw new IllegalArgumentException("maxAmount must be positive: " + maxAmount);
        }
        this.source = source;
        this.maxAmount = maxAmount;
    }

    /**
     * The next batch, or null when the source is exhausted. Reads only as many bets as the
     * batch needs (plus one when the size limit cuts it), so a bad row fails the batch it
     * belongs to, before that batch is sent.
     */
    public List<Bet> next() throws BetFileException {
        List<Bet> batch = new ArrayList<>(Math.min(maxAmount, 256));
        int frameBytes = Codec.BET_BATCH_OVERHEAD;
        while (batch.size() < maxAmount) {
            Bet bet = carried != null ? carried : source.next();
            carried = null;
            if (bet == null) {
                break;
            }
            int betBytes = Codec.encodedSize(bet);
            if (frameBytes + betBytes > Frame.MAX_FRAME_BYTES) {
                if (batch.isEmpty()) {
                    // BetFields rejects such bets when reading; reaching here is a bug.
                    throw new IllegalStateException("a bet of " + betBytes + " bytes cannot fit in any frame");
                }
                carried = bet;
                break;
            }
            batch.add(bet);
            frameBytes += betBytes;
        }
        return batch.isEmpty() ? null : batch;
    }
}
