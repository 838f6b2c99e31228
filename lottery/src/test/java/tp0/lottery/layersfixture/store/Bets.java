package tp0.lottery.layersfixture.store;

/** A store class that uses nothing above it. */
public final class Bets {
    public int count() {
        return 0;
    }
}
