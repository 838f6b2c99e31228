package tp0.lottery.layersfixture.cluster;

import tp0.lottery.layersfixture.store.Bets;

/** The cluster uses the store below it: allowed (the store's use of this class is not). */
public final class Ledger {
    public int pending() {
        return new Bets().count();
    }
}
