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

    /** {@code text} as a file reads as exactly {@code expected}. */
    private void assertReads(String text, Bet... expected) throws IOException, BetFileException {
        assertEquals(List.of(expected), readAll(file(text)));
    }

    private static List<Bet> readAll(Path f) throws BetFileException {
        List<Bet> bets = new ArrayList<>();
        try (CsvBetReader reader = CsvBetReader.open(f)) {
            for (Bet b; (b = next(reader)) != null; ) {
                bets.add(b);
            }
        }
        return bets;
    }

    /** The reader's next bet as a Bet, or null at the end. */
    static Bet next(BetSource source) throws BetFileException {
        BetFields fields = new BetFields();
        return source.next(fields) ? fields.toBet() : null;
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
        assertReads("😀Ana,Paz 𝄞,1,1990-01-02,3\n", new Bet("😀Ana", "Paz 𝄞", "1", LocalDate.of(1990, 1, 2), 3));
    }

    @Test
    void anEmptyFileHasNoBets() throws Exception {
        assertEquals(List.of(), readAll(file("")));
    }

    @Test
    void trimsSpacesAroundFieldsButKeepsTheDocumentVerbatim() throws Exception {
        assertReads(" Ana María , Paz , 007 , 1990-01-02 , 42\n",
                new Bet("Ana María", "Paz", "007", LocalDate.of(1990, 1, 2), 42));
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
            before.add(next(reader));
            before.add(next(reader));
            e = assertThrows(BetFileException.class, () -> next(reader));
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
                    if (next(reader) == null) {
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
            next(reader);
            assertNull(next(reader));
            assertNull(next(reader));
        }
    }

    // ------------------------------------------------------------------ CSV edge cases (FastCSV)

    @Test
    void quotedFieldsMayHoldCommasDoubledQuotesAndLineBreaksAtTheirEnds() throws Exception {
        Path f = file("\"Saldaña, Nicolás\",\"O\"\"Brien\",\"007\",\"1999-03-17\",\"1\"\n"
                + "\"\r\nLuis\r\n\",\" Paz \",2,2000-01-01,2\n"
                + "Eva,Gil,3,2001-01-01,3x\n");
        BetFileException e;
        List<Bet> read = new ArrayList<>();
        try (CsvBetReader reader = CsvBetReader.open(f)) {
            read.add(next(reader));
            read.add(next(reader));
            e = assertThrows(BetFileException.class, () -> next(reader));
        }
        assertEquals(List.of(new Bet("Saldaña, Nicolás", "O\"Brien", "007", LocalDate.of(1999, 3, 17), 1),
                new Bet("Luis", "Paz", "2", LocalDate.of(2000, 1, 1), 2)), read);
        assertEquals(5, e.line(), "the quoted line breaks count as lines");
        assertEquals("number", e.field());
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsLiteralAndSoIsOneAfterLeadingSpaces() throws Exception {
        assertReads("O\"Brien, \"Paz\",1,1990-01-01,1\n",
                new Bet("O\"Brien", "\"Paz\"", "1", LocalDate.of(1990, 1, 1), 1));
    }

    @Test
    void blankLinesOfAnyKindAreSkippedAndLinesStayExact() throws Exception {
        Path f = file("\n   \n\"\"\r\n\t\r\nAna,Paz,1,1990-01-01,1\n\n\n\" \"\nLuis,Sosa,2,1991-01-01,x\n\n\n");
        BetFileException e;
        try (CsvBetReader reader = CsvBetReader.open(f)) {
            assertEquals(new Bet("Ana", "Paz", "1", LocalDate.of(1990, 1, 1), 1), next(reader));
            e = assertThrows(BetFileException.class, () -> next(reader));
        }
        assertEquals(9, e.line());
        assertEquals(List.of(), readAll(file("\n\r\n  \n")), "only blank lines: no bets");
        assertEquals(EXPECTED, readAll(file(ROWS_LF + "\n\n  \n")), "trailing blank lines");
    }

    @Test
    void loneCarriageReturnsEndLinesToo() throws Exception {
        assertEquals(EXPECTED, readAll(file(ROWS_LF.replace("\n", "\r"))));
        BetFileException e = failure(file("A,B,1,1990-01-01,1\r\rC,D,x,1990-01-01,2\r"));
        assertEquals(3, e.line());
        assertEquals("document", e.field());
    }

    /**
     * FastCSV 4.0.0 alone would lose the last field here and merge the next line into the
     * record: a CR inside quotes left a flag set that made the LF after the closing quote
     * look like the second half of a CRLF.
     */
    @Test
    void aCarriageReturnInsideAQuotedLastFieldBeforeAnLfLosesNothing() throws Exception {
        assertEquals(List.of(new Bet("Ana", "Paz", "1", LocalDate.of(1990, 1, 1), 5), new Bet("Luis", "Sosa", "2",
                LocalDate.of(1991, 1, 1), 6)), readAll(file("Ana,Paz,1,1990-01-01,\"5\r\"\nLuis,Sosa,2,1991-01-01,6\n")));
        BetFileException e = failure(file("Ana,Paz,1,\"x\ry\"\n1990-01-01,5\n"));
        assertEquals(1, e.line());
        assertEquals("expected 5 fields, found 4", e.reason(), "two lines never make one row");
    }

    @Test
    void aQuoteLeftOpenAtTheEndOfTheFileIsARowErrorAtTheLineItOpens() throws Exception {
        for (String tail : new String[] {"Eva,Gil,3,1992-01-01,\"3", "Eva,Gil,3,1992-01-01,\"3\n", "\"Eva,Gil,3,1992-01-01,3\n\nx,y",
                "Eva,Gil,3,1992-01-01,\"3\"\"", "\""}) {
            Path f = file("Ana,Paz,1,1990-01-01,1\n\nLuis,Sosa,2,1991-01-01,2\n" + tail);
            List<Bet> read = new ArrayList<>();
            BetFileException e;
            try (CsvBetReader reader = CsvBetReader.open(f)) {
                read.add(next(reader));
                read.add(next(reader));
                e = assertThrows(BetFileException.class, () -> next(reader), tail);
            }
            assertEquals(2, read.size());
            assertEquals(4, e.line(), tail);
            assertEquals("row", e.field());
            assertEquals("unreadable: a quoted field is not closed before the end of the file", e.reason());
        }
    }

    @Test
    void aQuotedLastFieldClosedRightAtTheEndOfTheFileIsFine() throws Exception {
        assertReads("Ana,Paz,1,1990-01-01,\"5\"", new Bet("Ana", "Paz", "1", LocalDate.of(1990, 1, 1), 5));
        assertReads("Ana,\"Paz, \"\"Ana\"\"\",1,1990-01-01,5\r\n",
                new Bet("Ana", "Paz, \"Ana\"", "1", LocalDate.of(1990, 1, 1), 5));
    }

    /** Stricter than commons-csv was: it skipped spaces between a closing quote and the comma. */
    @Test
    void anythingButACommaOrLineEndAfterAClosingQuoteIsBrokenQuoting() throws Exception {
        for (String row : new String[] {"\"Ana\"x,Paz,1,1990-01-01,1", "\"Ana\" ,Paz,1,1990-01-01,1", "Ana,Paz,1,1990-01-01,\"1\"\t"}) {
            BetFileException e = failure(file("A,B,1,1990-01-01,1\n\n" + row + "\n"));
            assertEquals(3, e.line(), row);
            assertEquals("row", e.field());
            assertTrue(e.reason().startsWith("unreadable: Unexpected character after closing quote"), e.reason());
        }
    }

    @Test
    void aTrailingCommaIsASixthField() throws Exception {
        assertEquals("expected 5 fields, found 6", failure(file("A,B,1,1990-01-01,1,\n")).reason());
        assertEquals("expected 5 fields, found 1", failure(file("A\n")).reason());
    }

    @Test
    void fieldsLongerThanTheParsersBufferAreTrimmedAndRead() throws Exception {
        String pad = " ".repeat(40_000);
        assertReads(pad + "Ana" + pad + ",Paz,1,1990-01-01,1\n",
                new Bet("Ana", "Paz", "1", LocalDate.of(1990, 1, 1), 1));
    }

    @Test
    void aFileThatIsNotUtf8FromItsFirstByteIsRefusedWhenOpened() throws Exception {
        Path f = bytes(new byte[] {(byte) 0xFF, 'A', ',', 'B'});
        BetFileException e = assertThrows(BetFileException.class, () -> CsvBetReader.open(f));
        assertEquals(1, e.line());
        assertEquals("invalid UTF-8 at byte offset 0", e.reason());
        Path bom = bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0xC3, '(', '\n'});
        assertEquals("invalid UTF-8 at byte offset 3", assertThrows(BetFileException.class, () -> CsvBetReader.open(bom)).reason());
    }

    @Test
    void manyRowsAcrossTheParsersBuffersReadBackExactly() throws Exception {
        java.util.Random random = new java.util.Random(9);
        String[] names = {"Nicolás", "\"Paz, Ana\"", "Zoë 😀", " José ", "\"O\"\"Brien\"", "李小龍", "\"x\r\"", "Ñandú"};
        String[] values = {"Nicolás", "Paz, Ana", "Zoë 😀", "José", "O\"Brien", "李小龍", "x", "Ñandú"};
        String[] eols = {"\n", "\r\n", "\r"};
        StringBuilder text = new StringBuilder("\uFEFF");
        List<Bet> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            int first = random.nextInt(names.length);
            int last = random.nextInt(names.length);
            Bet bet = new Bet(values[first], values[last], String.format("%08d", random.nextInt(100_000_000)),
                    LocalDate.of(1900 + random.nextInt(120), 1 + random.nextInt(12), 1 + random.nextInt(28)), random.nextInt(10_000));
            expected.add(bet);
            text.append(names[first]).append(',').append(names[last]).append(',').append(bet.document()).append(',')
                    .append(bet.birthdate()).append(',').append(bet.number()).append(eols[random.nextInt(eols.length)]);
            if (random.nextInt(40) == 0) {
                text.append(eols[random.nextInt(eols.length)]);
            }
        }
        assertEquals(expected, readAll(file(text.toString())));
    }
}
