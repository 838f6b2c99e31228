package tp0.agency.bets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.protocol.Bet;

class BetCursorTest {
    @TempDir
    Path dir;

    private int opens;

    private static List<Bet> bets(int count) {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bets.add(new Bet("Ana", "Paz", String.format("%08d", i), LocalDate.of(1990, 1, 1), i));
        }
        return bets;
    }

    /** The bets as a file, with blank lines in between: they are not rows. */
    private Path file(List<Bet> bets) throws Exception {
        StringBuilder sb = new StringBuilder("\n");
        for (Bet b : bets) {
            sb.append(b.firstName()).append(',').append(b.lastName()).append(',').append(b.document())
                    .append(',').append(b.birthdate()).append(',').append(b.number()).append("\r\n\r\n");
        }
        Path f = dir.resolve("agency-1.csv");
        Files.writeString(f, sb, StandardCharsets.UTF_8);
        return f;
    }

    private BetCursor cursor(Path file) throws BetFileException {
        return BetCursor.open(() -> {
            opens++;
            return CsvBetReader.open(file);
        });
    }

    private static List<Bet> rest(BetCursor cursor) throws BetFileException {
        List<Bet> bets = new ArrayList<>();
        for (Bet b; (b = CsvBetReaderTest.next(cursor)) != null; ) {
            bets.add(b);
        }
        return bets;
    }

    @Test
    void seeksForwardByReadingAndBackByReopening() throws Exception {
        List<Bet> all = bets(10);
        try (BetCursor cursor = cursor(file(all))) {
            assertEquals(1, opens, "opened at once, so a missing file shows first");
            cursor.seek(4);
            assertEquals(all.get(4), CsvBetReaderTest.next(cursor));
            assertEquals(5, cursor.position());
            cursor.seek(7);
            assertEquals(all.get(7), CsvBetReaderTest.next(cursor));
            assertEquals(1, opens, "forward: no reopening");

            cursor.seek(3);
            assertEquals(2, opens, "back: reopened from the top");
            assertEquals(all.subList(3, 10), rest(cursor));
        }
    }

    @Test
    void atTheEndOnceReadItNeedsNoReopeningEvenClosed() throws Exception {
        List<Bet> all = bets(5);
        BetCursor cursor = cursor(file(all));
        assertEquals(all, rest(cursor));
        cursor.close();
        assertFalse(cursor.isOpen());
        cursor.seek(5);
        assertNull(CsvBetReaderTest.next(cursor));
        assertEquals(1, opens);
        assertFalse(cursor.isDataFile(), "nothing open to log on shutdown");

        cursor.seek(2); // the server holds fewer than it did: send the rest again
        assertEquals(2, opens);
        assertTrue(cursor.isDataFile());
        assertEquals(all.subList(2, 5), rest(cursor));
        cursor.close();
    }

    @Test
    void pastTheEndSaysHowManyRowsThereAre() throws Exception {
        try (BetCursor cursor = cursor(file(bets(6)))) {
            BetCursor.BeyondEnd e = assertThrows(BetCursor.BeyondEnd.class, () -> cursor.seek(9));
            assertEquals(9, e.row());
            assertEquals(6, e.rows());
            // Known now: refused without reading again.
            assertEquals(6, assertThrows(BetCursor.BeyondEnd.class, () -> cursor.seek(7)).rows());
            assertEquals(1, opens);
        }
    }

    @Test
    void aMalformedRowAmongTheSkippedOnesIsStillAnError() throws Exception {
        Path f = dir.resolve("agency-1.csv");
        Files.writeString(f, "Ana,Paz,1,1990-01-01,1\nAna,Paz,x2,1990-01-01,2\nAna,Paz,3,1990-01-01,3\n");
        try (BetCursor cursor = cursor(f)) {
            BetFileException e = assertThrows(BetFileException.class, () -> cursor.seek(3));
            assertEquals(2, e.line());
        }
    }

    @Test
    void theSingleBetIsOneRow() throws Exception {
        Bet bet = bets(1).get(0);
        BetCursor cursor = BetCursor.open(() -> new SingleBetSource(bet));
        cursor.seek(1);
        assertNull(CsvBetReaderTest.next(cursor), "already stored: nothing to send");
        cursor.seek(0);
        assertEquals(bet, CsvBetReaderTest.next(cursor));
        assertEquals(1, assertThrows(BetCursor.BeyondEnd.class, () -> cursor.seek(2)).rows());
    }
}
