package tp0.lottery.layersfixture.store.file;

import tp0.lottery.layersfixture.store.Bets;
import tp0.lottery.layersfixture.store.pg.PgBackend;

/** Wrong: one backend uses the other. */
public final class FileBackend {
    public int appended() {
        return new Bets().count() + new PgBackend().appended();
    }
}
