package tp0.agency.bets;

import tp0.protocol.Bet;

/** The bets to send, one at a time, so a file of any size streams through a small buffer. */
public interface BetSource extends AutoCloseable {

    /** The next valid bet, or null when there are no more. */
    Bet next() throws BetFileException;

    /** Whether this is the data file (its closing is logged on shutdown as resource data_file). */
    boolean isDataFile();

    @Override
    void close();
}
