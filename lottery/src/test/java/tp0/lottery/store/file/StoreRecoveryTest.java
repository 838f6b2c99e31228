package tp0.lottery.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.lottery.store.ReferenceBetsCsv;
import tp0.protocol.Bet;

/** Start-up repair of files a crash may have left with a half-written last line. */
class StoreRecoveryTest {

    @TempDir
    Path dir;

    private static final byte[] ROWS = ReferenceBetsCsv.rows(1, List.of(
            new Bet("Ana", "Pérez", "00123", LocalDate.of(1990, 5, 17), 7574),
            new Bet("Luis", "Paz", "456", LocalDate.of(1985, 1, 2), 12)));

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ------------------------------------------------------------------ cutTornTail

    @Test
    void aTornLastRowIsCutOffAndTheWholeRowsStay() throws Exception {
        byte[] torn = "2,Marta,Gó".getBytes(StandardCharsets.UTF_8); // stops inside a multi-byte character
        Path file = write("bets.csv", concat(ROWS, Arrays.copyOf(torn, torn.length - 1)));

        assertEquals(torn.length - 1, StoreRecovery.cutTornTail(file));

        assertArrayEquals(ROWS, Files.readAllBytes(file));
        assertEquals(2, ReferenceBetsCsv.load(file, bet -> { }), "what is left loads");
    }

    @Test
    void aRowMissingOnlyItsLineFeedIsCutToo() throws Exception {
        // A crash between the CR and the LF of CRLF: that row was never acknowledged.
        byte[] lastRow = "1,Eva,Sosa,789,2000-02-29,7574\r".getBytes(StandardCharsets.UTF_8);
        Path file = write("bets.csv", concat(ROWS, lastRow));

        assertEquals(lastRow.length, StoreRecovery.cutTornTail(file));
        assertArrayEquals(ROWS, Files.readAllBytes(file));
    }

    @Test
    void aFileHoldingOnlyACarriageReturnBecomesEmpty() throws Exception {
        Path file = write("bets.csv", new byte[] {'\r'});

        assertEquals(1, StoreRecovery.cutTornTail(file));
        assertEquals(0, Files.size(file));
    }

    @Test
    void aFirstRowWithoutAnyLineFeedIsCutEntirely() throws Exception {
        Path file = write("bets.csv", "1,Ana,Pérez,00123,1990-05-".getBytes(StandardCharsets.UTF_8));

        assertTrue(StoreRecovery.cutTornTail(file) > 0);
        assertEquals(0, Files.size(file));
    }

    @Test
    void anEmptyFileIsLeftAlone() throws Exception {
        Path file = write("bets.csv", new byte[0]);

        assertEquals(0, StoreRecovery.cutTornTail(file));
        assertEquals(0, Files.size(file));
    }

    @Test
    void aCleanFileIsNotTouched() throws Exception {
        // Larger than the 8 KiB block the scan reads backwards: a clean file needs only its last one.
        byte[] many = new byte[0];
        for (int i = 0; i < 200; i++) {
            many = concat(many, ROWS);
        }
        Path file = write("bets.csv", many);
        FileTime before = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(file, before);

        assertEquals(0, StoreRecovery.cutTornTail(file));

        assertArrayEquals(many, Files.readAllBytes(file));
        assertEquals(before, Files.getLastModifiedTime(file), "nothing written, so not even the modification time changes");
    }

    @Test
    void aTornTailLongerThanOneReadBlockIsFound() throws Exception {
        byte[] tail = new byte[20_000];
        Arrays.fill(tail, (byte) 'x');
        Path file = write("bets.csv", concat(ROWS, tail));

        assertEquals(tail.length, StoreRecovery.cutTornTail(file));
        assertArrayEquals(ROWS, Files.readAllBytes(file));
    }

    @Test
    void aMissingFileStaysMissing() throws Exception {
        Path file = dir.resolve("bets.csv");

        assertEquals(0, StoreRecovery.cutTornTail(file));
        assertFalse(Files.exists(file));
    }

    // ------------------------------------------------------------------ FinishMarks

    @Test
    void marksAreReadIgnoringATornLastLine() throws Exception {
        Path file = write("all-bets-sent.txt", "2\n1\n2\n\n3".getBytes(StandardCharsets.US_ASCII));

        FinishMarks.Loaded loaded = FinishMarks.read(file, 5);

        assertEquals(Set.of(1, 2), loaded.agencies(), "the 3 has no newline: never acknowledged");
        assertEquals(List.of(), loaded.ignored());
    }

    @Test
    void marksOutsideTheAgencyRangeOrUnreadableAreIgnoredAndReported() throws Exception {
        Path file = write("all-bets-sent.txt", "1\n7\n0\nabc\r\n2\r\n".getBytes(StandardCharsets.US_ASCII));

        FinishMarks.Loaded loaded = FinishMarks.read(file, 2);

        assertEquals(Set.of(1, 2), loaded.agencies());
        assertEquals(3, loaded.ignored().size(), loaded.ignored().toString());
        assertTrue(loaded.ignored().get(0).contains("line 2") && loaded.ignored().get(0).contains("7"));
        assertTrue(loaded.ignored().get(2).contains("abc"));
    }

    @Test
    void noMarksFileMeansNoAgencyFinished() throws Exception {
        assertEquals(new FinishMarks.Loaded(Set.of(), Map.of(), List.of()), FinishMarks.read(dir.resolve("none.txt"), 5));
    }

    @Test
    void aMarkLineIsTheIdItsStoredCountAndALineFeed() {
        assertArrayEquals("12 26936\n".getBytes(StandardCharsets.US_ASCII), FinishMarks.line(12, 26936));
    }

    @Test
    void marksWithAndWithoutCountsAreRead() throws Exception {
        Path marks = write("all-bets-sent.txt", "1\n2 30\n2 40\n3 x\n".getBytes(StandardCharsets.US_ASCII));
        FinishMarks.Loaded loaded = FinishMarks.read(marks, 5);
        assertEquals(Set.of(1, 2), loaded.agencies());
        assertEquals(Map.of(2, 40L), loaded.counts(), "a mark of the old format has no count; the latest wins");
        assertEquals(1, loaded.ignored().size(), loaded.ignored().toString());
    }

    // ------------------------------------------------------------------ recover

    @Test
    void recoverRepairsBothFilesCountsBetsAndReadsMarks() throws Exception {
        Path bets = write("bets.csv", concat(ROWS, "2,Torn".getBytes(StandardCharsets.UTF_8)));
        Path marks = write("all-bets-sent.txt", "1\n2".getBytes(StandardCharsets.US_ASCII));

        StoreRecovery.Recovered recovered = StoreRecovery.recover(bets, marks, 3);
        try {
            assertEquals(Map.of(1, 2L), recovered.storedByAgency());
            assertEquals(Set.of(1), recovered.finished());
            assertArrayEquals(ROWS, Files.readAllBytes(bets));
            assertArrayEquals("1\n".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(marks),
                    "the torn mark is cut, so the next one starts on its own line");

            recovered.finishMarks().append(FinishMarks.line(3, 0));
            recovered.finishMarks().sync();
            assertEquals(Set.of(1, 3), FinishMarks.read(marks, 3).agencies());
        } finally {
            recovered.bets().close();
            recovered.finishMarks().close();
        }
    }

    /** Every line the recovery logs while {@code run} runs. */
    private static List<String> logged(IoRunnable run) throws Exception {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(StoreRecovery.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            run.run();
        } finally {
            logger.detachAppender(lines);
        }
        return lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    private interface IoRunnable {
        void run() throws Exception;
    }

    @Test
    void aFinishedAgencyWhoseAcknowledgedLastRowLostItsLineEndIsUnmarkedLoudlyAndMayResend() throws Exception {
        // Agency 1 finished with 2 bets stored (the mark says so); then the last row's CRLF was lost.
        byte[] cut = Arrays.copyOf(ROWS, ROWS.length - 2);
        Path bets = write("bets.csv", cut);
        Path marks = write("all-bets-sent.txt", concat(FinishMarks.line(1, 2), FinishMarks.line(2, 0)));

        StoreRecovery.Recovered[] recovered = new StoreRecovery.Recovered[1];
        List<String> lines = logged(() -> recovered[0] = StoreRecovery.recover(bets, marks, 2));
        try {
            assertEquals(Map.of(1, 1L), recovered[0].storedByAgency(), "the damaged row is cut");
            assertEquals(Set.of(2), recovered[0].finished(), "agency 1 is waited for again");
            assertEquals(Set.of(2), FinishMarks.read(marks, 2).agencies(), "and durably so");
            assertTrue(lines.contains("ERROR action: all_bets_sent_file | result: fail | agencia: 1 | marked_bets: 2"
                    + " | stored_bets: 1 | path: " + marks + " | error: acknowledged bets of this agency are missing"
                    + " from bets.csv; its mark is removed: run the agency again to resend them"), lines.toString());
        } finally {
            recovered[0].bets().close();
            recovered[0].finishMarks().close();
        }
        StoreRecovery.Recovered again = StoreRecovery.recover(bets, marks, 2);
        again.bets().close();
        again.finishMarks().close();
        assertEquals(Set.of(2), again.finished(), "a clean restart after the repair says nothing more");
    }

    @Test
    void marksWhoseBetsAreAllThereAreKeptWithoutAWord() throws Exception {
        Path bets = write("bets.csv", ROWS);
        Path marks = write("all-bets-sent.txt", concat("2\n".getBytes(StandardCharsets.US_ASCII), FinishMarks.line(1, 2)));
        StoreRecovery.Recovered[] recovered = new StoreRecovery.Recovered[1];
        List<String> lines = logged(() -> recovered[0] = StoreRecovery.recover(bets, marks, 2));
        recovered[0].bets().close();
        recovered[0].finishMarks().close();
        assertEquals(Set.of(1, 2), recovered[0].finished());
        assertFalse(lines.stream().anyMatch(l -> l.contains("result: fail")), lines.toString());
    }

    @Test
    void rowsOfAgenciesAboveNumAgenciesAreCountedInAWarning() throws Exception {
        byte[] others = concat(ReferenceBetsCsv.rows(7, List.of(new Bet("Eva", "Sosa", "789", LocalDate.of(2000, 2, 29), 1))),
                ReferenceBetsCsv.rows(9, List.of(new Bet("Eva", "Sosa", "790", LocalDate.of(2000, 2, 29), 1),
                        new Bet("Eva", "Sosa", "791", LocalDate.of(2000, 2, 29), 1))));
        Path bets = write("bets.csv", concat(ROWS, others));
        StoreRecovery.Recovered[] recovered = new StoreRecovery.Recovered[1];
        List<String> lines = logged(() -> recovered[0] = StoreRecovery.recover(bets, dir.resolve("m.txt"), 5));
        recovered[0].bets().close();
        recovered[0].finishMarks().close();
        assertTrue(lines.contains("WARN action: bets_file | result: fail | path: " + bets + " | agencias_desconocidas: 7,9"
                + " | apuestas: 3 | error: rows of agencies outside 1..5 are kept but never drawn for anyone"),
                lines.toString());
    }

    @Test
    void recoverOnAFreshDirectoryStartsEmpty() throws Exception {
        StoreRecovery.Recovered recovered =
                StoreRecovery.recover(dir.resolve("bets.csv"), dir.resolve("all-bets-sent.txt"), 5);
        try {
            assertEquals(Map.of(), recovered.storedByAgency());
            assertEquals(Set.of(), recovered.finished());
        } finally {
            recovered.bets().close();
            recovered.finishMarks().close();
        }
    }

    @Test
    void recoverRefusesABetsFileThatIsNotBets() throws Exception {
        Path bets = write("bets.csv", "not,a,bet\r\n".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> StoreRecovery.recover(bets, dir.resolve("all-bets-sent.txt"), 5));
    }
}
