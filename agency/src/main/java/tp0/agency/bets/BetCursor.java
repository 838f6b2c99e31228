package tp0.agency.bets;

/**
 * Where the agency is in its bets, so that it can resume at whatever row the server says it
 * already holds. Rows are counted as the batcher sees them: bets, i.e. data rows (blank
 * lines are not bets). It moves forward by reading and back by reopening the source from
 * the top — the file is streamed, so that is the only way back. Once it has read to the end
 * it knows the total, so resuming at the end needs no reopening.
 */
public final class BetCursor implements BetSource {

    /** Opens the source at its first bet; called again for every move back. */
    public interface Opener {
        BetSource open() throws BetFileException;
    }

    /** Asked to resume past the last bet: the server holds more bets than the source has. */
    public static final class BeyondEnd extends Exception {
        private final long row;
        private final long rows;

        BeyondEnd(long row, long rows) {
            super("row " + row + " is past the last of " + rows + " bets", null, false, false);
            this.row = row;
            this.rows = rows;
        }

        public long row() {
            return row;
        }

        /** How many bets the source has. */
        public long rows() {
            return rows;
        }
    }

    private final Opener opener;
    private BetSource source; // null while closed
    private long position;    // the row of the next bet the open source yields
    private long total = -1;  // bets in the source, once it has been read to the end
    private final BetFields skipped = new BetFields(); // where rows read only to skip them go

    private BetCursor(Opener opener) {
        this.opener = opener;
    }

    /** Opens the source now, so a missing file shows before anything else is tried. */
    public static BetCursor open(Opener opener) throws BetFileException {
        BetCursor cursor = new BetCursor(opener);
        cursor.source = opener.open();
        return cursor;
    }

    /**
     * Makes {@code row} (0-based) the next bet {@link #next} yields; {@code row} equal to
     * the number of bets means "nothing left".
     *
     * @throws BeyondEnd        if the source has fewer than {@code row} bets
     * @throws BetFileException if reopening fails, or a skipped row is malformed
     */
    public void seek(long row) throws BetFileException, BeyondEnd {
        if (row < 0) {
            throw new IllegalArgumentException("row must not be negative: " + row);
        }
        if (total >= 0 && row > total) {
            throw new BeyondEnd(row, total);
        }
        if (source != null && row >= position) {
            skipTo(row);
            return;
        }
        if (row == total) {
            close(); // at the end: nothing to reopen the file for
            position = row;
            return;
        }
        close();
        source = opener.open();
        position = 0;
        skipTo(row);
    }

    /** Reads (and so validates) the rows before {@code row} without handing them out. */
    private void skipTo(long row) throws BetFileException, BeyondEnd {
        while (position < row) {
            if (!source.next(skipped)) {
                total = position;
                throw new BeyondEnd(row, total);
            }
            position++;
        }
    }

    /** Reads the next bet into {@code into}; false at the end (or while closed). */
    @Override
    public boolean next(BetFields into) throws BetFileException {
        if (source == null) {
            return false;
        }
        if (!source.next(into)) {
            total = position;
            return false;
        }
        position++;
        return true;
    }

    /** The row of the next bet: how many come before it. */
    public long position() {
        return position;
    }

    public boolean isOpen() {
        return source != null;
    }

    /** Whether a data file is open right now (its closing is logged on shutdown). */
    @Override
    public boolean isDataFile() {
        return source != null && source.isDataFile();
    }

    /** Closes the source; a later {@link #seek} reopens it if it is needed again. */
    @Override
    public void close() {
        if (source != null) {
            source.close();
            source = null;
        }
    }
}
