package tp0.lottery.layersfixture.draw;

import tp0.lottery.layersfixture.store.Bets;

/** The draw uses the store below it: allowed. */
public final class Draw {
    public int read(Bets bets) {
        return bets.count();
    }
}
