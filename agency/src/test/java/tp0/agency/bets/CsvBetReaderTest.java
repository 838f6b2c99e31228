package tp0.agency.bets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tp0.protocol.Bet;

class CsvBetReaderTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        return bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private Path bytes(byte[] content) throws IOException {
        Path f = dir.resolve("agency-1.csv");
        Files.write(f, content);
        return f;
    }

    private static List<Bet> readAll(Path f) throws BetFileException {
        List<Bet> bets = new ArrayList<>();
        try (CsvBetReader reader = CsvBetReader.open(f)) {
            for (Bet b; (b = reader.next()) != null; ) {
                bets.add(b);
            }
        }
        return bets;
    }

    private static BetFileException failure(Path f) {
        return assertThrows(BetFileException.class, () -> readAll(f));
    }

    private static final List<Bet> EXPECTED = List.of(
            new Bet("Nicolás", "Saldaña", "00012345", LocalDate.of(1999, 3, 17), 7574),
            new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1980, 12, 31), 0),
            new Bet("Ñandú", "Müller", "1", LocalDate.of(2000, 2, 29), 2147483647));

    private static final String ROWS_LF = "Nicolás,Saldaña,00012345,1999-03-17,7574\n"
            + "Santiago Lionel,Lorca,30904465,1980-12-31,0\n"
            + "Ñandú,Müller,1,2000-02-29,2147483647\n";

    @Test
    void readsLfFilesWithAccentsAndLeadingZeros() throws Exception {
        assertEquals(EXPECTED, readAll(file(ROWS_LF)));
    }

    @Test
    void readsCrlfFiles() throws Exception {
        assertEquals(EXPECTED, readAll(file(ROWS_LF.replace("\n", "\r\n"))));
    }

    @Test
    void readsAFileWithoutFinalNewlineOrWithBlankLinesAndABom() throws Exception {
        assertEquals(EXPECTED, readAll(file(ROWS_LF.strip())));
        assertEquals(EXPECTED, readAll(file("\uFEFF" + ROWS_LF.replace("\n", "\n\n"))));
    }

    @Test
    void readsCharactersOutsideTheBasicPlaneEvenFirstInTheFile() throws Exception {
        assertEquals(List.of(new Bet("😀Ana", "Paz 𝄞", "1", LocalDate.of(1990, 1, 2), 3)),
                readAll(file("😀Ana,Paz 𝄞,1,1990-01-02,3\n")));
    }

    @Test
    void anEmptyFileHasNoBets() throws Exception {
        assertEquals(List.of(), readAll(file("")));
    }

    @Test
    void trimsSpacesAroundFieldsButKeepsTheDocumentVerbatim() throws Exception {
        assertEquals(List.of(new Bet("Ana María", "Paz", "007", LocalDate.of(1990, 1, 2), 42)),
                readAll(file(" Ana María , Paz , 007 , 1990-01-02 , 42\n")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "'A,B,123,1990-01-01'                 | row       | expected 5 fields, found 4",
            "'A,B,123,1990-01-01,5,extra'         | row       | expected 5 fields, found 6",
            "',B,123,1990-01-01,5'                | first_name | required field is empty",
            "'A,,123,1990-01-01,5'                | last_name | required field is empty",
            "'A,B,,1990-01-01,5'                  | document  | required field is empty",
            "'A,B,12.345.678,1990-01-01,5'        | document  | document must be digits only",
            "'A,B,123,1990/01/01,5'               | birthdate | is not a date in YYYY-MM-DD form",
            "'A,B,123,90-01-01,5'                 | birthdate | is not a date in YYYY-MM-DD form",
            "'A,B,123,1990-02-30,5'               | birthdate | is not a valid date",
            "'A,B,123,1990-01-01,abc'             | number    | is not a non-negative integer",
            "'A,B,123,1990-01-01,-5'              | number    | is not a non-negative integer",
            "'A,B,123,1990-01-01,1.5'             | number    | is not a non-negative integer",
            "'A,B,123,1990-01-01,'                | number    | is not a non-negative integer",
            "'A,B,123,1990-01-01,99999999999'     | number    | is larger than",
            "'A,\"B\nC\",123,1990-01-01,5'        | last_name | text field contains control characters",
    })
    void aMalformedRowNamesItsLineAndField(String row, String field, String reason) throws Exception {
        Path f = file("Ana,Paz,1,1990-01-01,1\r\n\r\nLuis,Sosa,2,1991-01-01,2\r\n" + row + "\r\nEva,Gil,3,1992-01-01,3\r\n");
        List<Bet> before = new ArrayList<>();
        BetFileException e;
        try (CsvBetReader reader = CsvBetReader.open(f)) {
            before.add(reader.next());
            before.add(reader.next());
            e = assertThrows(BetFileException.class, reader::next);
        }
        assertEquals(2, before.size());
        assertEquals(4, e.line(), "line");
        assertEquals(field, e.field());
        assertTrue(e.reason().contains(reason), e.reason());
        assertEquals("action: leer_apuestas | result: fail | file: " + f + " | line: 4 | field: " + field
                + " | error: " + e.reason(), e.logLine());
    }

    @Test
    void aBetTooLargeForAFrameIsARowError() throws Exception {
        String hugeName = "x".repeat(9000);
        BetFileException e = failure(file("A,B,1,1990-01-01,1\n" + hugeName + ",B,1,1990-01-01,1\n"));
        assertEquals(2, e.line());
        assertEquals("row", e.field());
        assertTrue(e.reason().contains("too large"), e.reason());
    }

    @Test
    void brokenQuotingIsARowError() throws Exception {
        BetFileException e = failure(file("A,B,1,1990-01-01,1\n\"A\"x,B,1,1990-01-01,1\n"));
        assertEquals(2, e.line());
        assertEquals("row", e.field());
    }

    @Test
    void invalidUtf8IsReportedAtItsLine() throws Exception {
        StringBuilder good = new StringBuilder();
        for (int i = 1; i <= 500; i++) { // well past one 8 KiB decode buffer
            good.append("Nicolás,Saldaña,").append(i).append(",1999-03-17,").append(i).append('\n');
        }
        byte[] head = good.toString().getBytes(StandardCharsets.UTF_8);
        byte[] bad = "Jos\u00e9,Paz,9,1990-01-01,9\n".getBytes(StandardCharsets.ISO_8859_1); // Latin-1 é
        byte[] all = new byte[head.length + bad.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        Path f = bytes(all);

        int read = 0;
        BetFileException e;
        try (CsvBetReader reader = CsvBetReader.open(f)) {
            while (true) {
                try {
                    if (reader.next() == null) {
                        throw new AssertionError("invalid UTF-8 went unnoticed");
                    }
                    read++;
                } catch (BetFileException caught) {
                    e = caught;
                    break;
                }
            }
        }
        assertEquals(500, read, "every row before the bad one is delivered");
        assertEquals(501, e.line());
        assertEquals("row", e.field());
        assertEquals("invalid UTF-8 at byte offset " + (head.length + 3), e.reason());
    }

    @Test
    void invalidUtf8OnTheFirstLineAndATruncatedSequenceAtTheEnd() throws Exception {
        assertEquals(1, failure(bytes(new byte[] {(byte) 0xFF, 'A', ',', 'B'})).line());
        BetFileException e = failure(bytes("A,B,1,1990-01-01,1\nX\u00c3".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(2, e.line());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.csv");
        BetFileException e = assertThrows(BetFileException.class, () -> CsvBetReader.open(missing));
        assertEquals(missing, e.file());
        assertEquals(BetFileException.WHOLE_FILE, e.line());
        assertEquals("action: leer_apuestas | result: fail | file: " + missing + " | error: file not found", e.logLine());
    }

    @Test
    void aDirectoryIsNotABetsFile() {
        BetFileException e = assertThrows(BetFileException.class, () -> CsvBetReader.open(dir));
        assertTrue(e.reason().contains("directory"), e.reason());
    }

    @Test
    void nextAfterTheEndKeepsReturningNull() throws Exception {
        try (CsvBetReader reader = CsvBetReader.open(file("A,B,1,1990-01-01,1\n"))) {
            reader.next();
            assertNull(reader.next());
            assertNull(reader.next());
        }
    }
}
