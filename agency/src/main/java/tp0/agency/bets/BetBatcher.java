package tp0.agency.bets;

import tp0.protocol.BetBatchWriter;
import tp0.protocol.Frame;

/**
 * Cuts the stream of bets into batches that respect both limits: at most
 * {@code maxAmount} bets, and an encoded BetBatch frame of at most
 * {@link Frame#MAX_FRAME_BYTES}. A batch is cut when the next bet would break either
 * limit, so every batch but the last is as full as the two limits allow.
 *
 * <p>Bets go from the source's reused {@link BetFields} straight into the frame being
 * built ({@link BetBatchWriter}): no object per bet or per batch.
 */
public final class BetBatcher {
    private final BetSource source;
    private final int maxAmount;
    private final BetFields fields = new BetFields();
    /** {@link #fields} holds a bet read but not in a frame yet: it did not fit in the previous one. */
    private boolean carried;

    public BetBatcher(BetSource source, int maxAmount) {
        if (maxAmount < 1) {
            throw new IllegalArgumentException("maxAmount must be positive: " + maxAmount);
        }
        this.source = source;
        this.maxAmount = maxAmount;
    }

    /**
     * Writes the next batch into {@code batch} (cleared first) and returns its bet count, 0
     * when the source is exhausted. Reads only as many bets as the batch needs (plus one when
     * the size limit cuts it, which starts the next batch), so a bad row fails the batch it
     * belongs to, before that batch is sent.
     */
    public int next(BetBatchWriter batch) throws BetFileException {
        batch.clear();
        while (batch.count() < maxAmount) {
            if (!carried && !source.next(fields)) {
                break;
            }
            carried = false;
            if (!fields.writeTo(batch)) {
                if (batch.isEmpty()) {
                    // BetFields.check rejects such bets when reading; reaching here is a bug.
                    throw new IllegalStateException("a bet of " + fields.encodedSize() + " bytes cannot fit in any frame");
                }
                carried = true;
                break;
            }
        }
        return batch.count();
    }
}
