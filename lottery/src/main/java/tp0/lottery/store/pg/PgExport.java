package tp0.lottery.store.pg;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import tp0.lottery.store.BetsCsv;
import tp0.protocol.Bet;
import tp0.protocol.Message;

/**
 * The course's format out of the database: every stored bet as the row {@code store_bets}
 * writes (the file store's own encoder, {@link BetsCsv.RowBuffer}), agency by agency, each in
 * its file order. One read-only snapshot streamed through a cursor: memory stays flat.
 */
public final class PgExport {
    private static final int FETCH = 10_000;
    /** Bytes of bets per encoded run: within a frame (8 KiB) whatever the names hold. */
    private static final int FRAME_BUDGET = 6_000;

    private PgExport() {}

    /** @return how many bets were written */
    public static long export(PgDatabase db, OutputStream out) throws SQLException, IOException {
        try (Connection c = db.connect()) {
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            long written = 0;
            BetsCsv.RowBuffer rows = new BetsCsv.RowBuffer(1 << 20);
            List<Bet> run = new ArrayList<>();
            int runAgency = -1;
            int runBytes = 0;
            try (PreparedStatement s = c.prepareStatement("SELECT agency, first_name, last_name, document, birthdate,"
                    + " number FROM bets ORDER BY agency, ordinal")) {
                s.setFetchSize(FETCH); // a cursor: autocommit is off
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        int agency = rs.getInt(1);
                        Bet bet = new Bet(rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getObject(5, java.time.LocalDate.class), rs.getInt(6));
                        // A batch built from bets is a frame: it must stay under the frame limit.
                        int size = 3 * (bet.firstName().length() + bet.lastName().length()) + bet.document().length() + 32;
                        if (agency != runAgency || runBytes + size > FRAME_BUDGET) {
                            flush(rows, runAgency, run, out);
                            runAgency = agency;
                            runBytes = 0;
                        }
                        run.add(bet);
                        runBytes += size;
                        written++;
                    }
                }
            }
            flush(rows, runAgency, run, out);
            c.commit();
            return written;
        }
    }

    private static void flush(BetsCsv.RowBuffer rows, int agency, List<Bet> run, OutputStream out) throws IOException {
        if (run.isEmpty()) {
            return;
        }
        rows.clear();
        rows.append(agency, new Message.BetBatch(run)); // the file store's own row writer
        out.write(rows.array(), 0, rows.length());
        run.clear();
    }
}
