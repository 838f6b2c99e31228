package tp0.lottery.store.pg;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import tp0.lottery.store.BetsCsv;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.Message;

/**
 * The course's format out of the database: every stored bet as the row {@code store_bets}
 * writes, agency by agency, each in its file order. The rows come from the file store's own
 * encoder ({@link BetsCsv.RowBuffer}), which writes from a decoded batch: the database's rows
 * are framed as the agency frames them ({@link BetBatchWriter}) and decoded, so the export is
 * byte for byte what the file store would have written. One read-only snapshot streamed
 * through a cursor: memory stays flat.
 */
public final class PgExport {
    private static final int FETCH = 10_000;

    private PgExport() {}

    /** @return how many bets were written */
    public static long export(PgDatabase db, OutputStream out) throws SQLException, IOException {
        try (Connection c = db.connect()) {
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            long written = 0;
            BetsCsv.RowBuffer rows = new BetsCsv.RowBuffer(1 << 16);
            BetBatchWriter frame = new BetBatchWriter();
            int runAgency = -1;
            try (PreparedStatement s = c.prepareStatement("SELECT agency, first_name, last_name, document, birthdate,"
                    + " number FROM bets ORDER BY agency, ordinal")) {
                s.setFetchSize(FETCH); // a cursor: autocommit is off
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        int agency = rs.getInt(1);
                        String first = rs.getString(2);
                        String last = rs.getString(3);
                        String document = rs.getString(4);
                        LocalDate birthdate = rs.getObject(5, LocalDate.class);
                        int number = rs.getInt(6);
                        if (agency != runAgency) {
                            flush(rows, runAgency, frame, out);
                            runAgency = agency;
                        }
                        if (!add(frame, first, last, document, birthdate, number)) { // the frame is full
                            flush(rows, runAgency, frame, out);
                            if (!add(frame, first, last, document, birthdate, number)) {
                                throw new IOException("a stored bet of agency " + agency + " does not fit a frame");
                            }
                        }
                        written++;
                    }
                }
            }
            flush(rows, runAgency, frame, out);
            c.commit();
            return written;
        }
    }

    private static boolean add(BetBatchWriter frame, String first, String last, String document, LocalDate birthdate,
                               int number) {
        return frame.add(first, last, document, birthdate.getYear(), birthdate.getMonthValue(),
                birthdate.getDayOfMonth(), number);
    }

    private static void flush(BetsCsv.RowBuffer rows, int agency, BetBatchWriter frame, OutputStream out)
            throws IOException {
        if (frame.isEmpty()) {
            return;
        }
        Message.BetBatch batch;
        try {
            batch = (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(frame.frame(), 0, frame.size()));
        } catch (DecodeException e) {
            throw new IOException("a stored bet of agency " + agency + " is not a valid bet: " + e.getMessage(), e);
        }
        rows.clear();
        rows.append(agency, batch);
        out.write(rows.array(), 0, rows.length());
        frame.clear();
    }
}
