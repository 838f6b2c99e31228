package tp0.lottery.store.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import tp0.lottery.store.BetsCsv;
import tp0.lottery.store.OpenedStore;
import tp0.lottery.store.StoreContract;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.testkit.BetsCsvRows;

/** The store's contract over bets.csv and all-bets-sent.txt in a temporary directory. */
class FileBackendTest extends StoreContract {
    @TempDir
    Path dir;
    /** bets.csv of the store opened last, scripted to fail on demand. */
    private ScriptedBetsFile bets;

    private Path betsPath() {
        return dir.resolve("bets.csv");
    }

    @Override
    protected OpenedStore open() throws Exception {
        StoreRecovery.Recovered recovered = StoreRecovery.recover(betsPath(), dir.resolve("all-bets-sent.txt"), 5);
        recovered.bets().close();
        bets = ScriptedBetsFile.open(betsPath());
        return new StoreRecovery.Recovered(bets, recovered.finishMarks(), recovered.storedByAgency(),
                recovered.finished());
    }

    /** The group's fsync fails: the file is cut back to before the group. */
    @Override
    protected void failNextCommit() {
        bets.failNextSyncs.set(1);
    }

    /** The batch's rows up to the middle of a row: the torn tail recovery cuts off. */
    @Override
    protected void leavePartialWrite(int agency, List<Bet> partial) throws Exception {
        BetsCsv.RowBuffer rows = new BetsCsv.RowBuffer(1024);
        rows.append(agency, Batches.of(partial));
        byte[] torn = Arrays.copyOf(rows.toByteArray(), rows.length() / 2 + 1);
        Files.write(betsPath(), torn, StandardOpenOption.APPEND);
    }

    @Override
    protected byte[] rowsPerAgency() throws Exception {
        return BetsCsvRows.perAgency(Files.readAllBytes(betsPath()));
    }
}
