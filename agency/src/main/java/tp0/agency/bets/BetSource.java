package tp0.agency.bets;

/**
 * The bets to send, one at a time, so a file of any size streams through a small buffer.
 * A bet is read into a caller's reused {@link BetFields}, never made into an object.
 */
public interface BetSource extends AutoCloseable {

    /**
     * Reads the next bet into {@code into}, checked ({@link BetFields#check()}); false when
     * there are no more (then {@code into} holds nothing of use).
     */
    boolean next(BetFields into) throws BetFileException;

    /** Whether this is the data file (its closing is logged on shutdown as resource data_file). */
    boolean isDataFile();

    @Override
    void close();
}
