package tp0.lottery.layersfixture.store.pg;

import tp0.lottery.layersfixture.store.Bets;

/** A backend that uses only the store's own package. */
public final class PgBackend {
    public int appended() {
        return new Bets().count();
    }
}
