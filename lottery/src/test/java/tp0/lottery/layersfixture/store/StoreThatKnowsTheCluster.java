package tp0.lottery.layersfixture.store;

import tp0.lottery.layersfixture.cluster.Ledger;
import tp0.lottery.layersfixture.store.file.FileBackend;

/** Wrong twice: the store reaches up to the cluster, and the store actor knows a backend by name. */
public final class StoreThatKnowsTheCluster {
    public int written(Ledger ledger, FileBackend backend) {
        return ledger.pending() + backend.appended();
    }
}
