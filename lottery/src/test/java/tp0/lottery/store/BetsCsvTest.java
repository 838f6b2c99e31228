package tp0.lottery.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.Message;

/**
 * bets.csv must hold exactly the bytes the course's Python {@code store_bets} would write with
 * {@code csv.writer} (excel dialect: minimal quoting, doubled quotes, CRLF, UTF-8). The expected
 * strings below were produced by CPython's csv module.
 */
class BetsCsvTest {

    @TempDir
    Path dir;

    private static Bet bet(String first, String last, String document, String birthdate, int number) {
        return new Bet(first, last, document, LocalDate.parse(birthdate), number);
    }

    /** What the store writes for these bets: from their decoded batch's wire bytes. */
    private static byte[] storeRows(int agency, List<Bet> bets) {
        return wireRows(new BetsCsv.RowBuffer(0), agency, decoded(bets));
    }

    private static String rows(int agency, Bet... bets) {
        return new String(storeRows(agency, List.of(bets)), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ rows, as Python writes them

    @Test
    void plainRowIsWhatPythonWrites() {
        byte[] bytes = storeRows(3, List.of(bet("Nicolás", "Saldaña", "00123456", "1999-03-17", 7574)));

        assertArrayEquals("3,Nicolás,Saldaña,00123456,1999-03-17,7574\r\n".getBytes(StandardCharsets.UTF_8), bytes);
    }

    @Test
    void commaAndQuoteAreQuotedLikePython() {
        assertEquals("1,\"Smith, Jr\",\"O\"\"Neil\",1,2000-01-01,1\r\n",
                rows(1, bet("Smith, Jr", "O\"Neil", "1", "2000-01-01", 1)));
    }

    @Test
    void fieldsWithOnlyOrdinaryPunctuationAndSpacesAreNotQuoted() {
        // Python quotes only for the delimiter, the quote char and line breaks: a leading '#',
        // '!' or space, or a trailing space, is written as is.
        assertEquals("1,#Ana, Juan,00001,1980-12-31,42\r\n", rows(1, bet("#Ana", " Juan", "00001", "1980-12-31", 42)));
        assertEquals("2,!x,Pé ,7,2001-02-03,0\r\n", rows(2, bet("!x", "Pé ", "7", "2001-02-03", 0)));
        assertEquals("2,a;b,d'Artagnan,7,2001-02-03,0\r\n", rows(2, bet("a;b", "d'Artagnan", "7", "2001-02-03", 0)));
    }

    @Test
    void severalBetsBecomeConsecutiveRows() {
        assertEquals("5,A,B,1,1990-01-01,1\r\n5,C,D,2,1991-02-02,7574\r\n",
                rows(5, bet("A", "B", "1", "1990-01-01", 1), bet("C", "D", "2", "1991-02-02", 7574)));
        assertEquals("", rows(5));
    }

    @Test
    void nonBmpCharactersAreUtf8() {
        byte[] bytes = storeRows(1, List.of(bet("😀", "Zoë", "9", "2000-01-01", 5)));
        assertArrayEquals("1,😀,Zoë,9,2000-01-01,5\r\n".getBytes(StandardCharsets.UTF_8), bytes);
    }

    private static String randomText(java.util.Random random, String alphabet) {
        int[] points = alphabet.codePoints().toArray();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1 + random.nextInt(12); i++) {
            text.appendCodePoint(points[random.nextInt(points.length)]);
        }
        return text.toString();
    }

    // ------------------------------------------------------------------ rows from a batch's wire bytes

    /** A batch as the store gets it: decoded from its frame. */
    static Message.BetBatch decoded(List<Bet> bets) {
        try {
            return (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(Codec.encode(Batches.of(bets))));
        } catch (DecodeException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] wireRows(BetsCsv.RowBuffer buffer, int agency, Message.BetBatch batch) {
        buffer.clear();
        buffer.append(agency, batch);
        return Arrays.copyOf(buffer.array(), buffer.length());
    }

    @Test
    void rowsFromWireBytesAreTheRowsFromBets() {
        BetsCsv.RowBuffer buffer = new BetsCsv.RowBuffer(0); // reused, and grown, as in the store
        java.util.Random random = new java.util.Random(4242);
        // what a valid name may hold: quotes, commas, accents, pairs, spaces, '#', '!' — no line breaks (controls)
        String alphabet = "aZ09 ,\"#!;'ñÑüßé€中😀\u0301\u00A0\u3000";
        for (int round = 0; round < 2_000; round++) {
            List<Bet> batch = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(8); i++) {
                String first = randomText(random, alphabet);
                String last = random.nextInt(50) == 0 ? "\"" + "x".repeat(random.nextInt(3000)) + ",\"" : randomText(random, alphabet);
                if (first.isBlank()) {
                    first = "A" + first;
                }
                if (last.isBlank()) {
                    last = last + "B";
                }
                String document = String.format("%0" + (1 + random.nextInt(12)) + "d", random.nextInt(1_000_000));
                batch.add(new Bet(first, last, document, LocalDate.of(1 + random.nextInt(9999), 1 + random.nextInt(12),
                        1 + random.nextInt(28)), random.nextInt(4) == 0 ? 7574 : random.nextInt(Integer.MAX_VALUE)));
            }
            int agency = random.nextInt(4) == 0 ? Integer.MAX_VALUE - random.nextInt(10) : 1 + random.nextInt(100_000);
            byte[] expected = ReferenceBetsCsv.rows(agency, batch);
            assertArrayEquals(expected, wireRows(buffer, agency, decoded(batch)), batch.toString());
        }
    }

    @Test
    void rowsFromWireBytesQuoteLikePython() {
        BetsCsv.RowBuffer buffer = new BetsCsv.RowBuffer(16);
        assertEquals("7,\"Smith, Jr\",\"O\"\"Neil\",0012,0999-03-07,7574\r\n7,Zoë,😀 x,1,9999-12-31,0\r\n",
                new String(wireRows(buffer, 7, decoded(List.of(bet("Smith, Jr", "O\"Neil", "0012", "0999-03-07", 7574),
                        bet("Zoë", "😀 x", "1", "9999-12-31", 0)))), StandardCharsets.UTF_8));
        assertEquals("", new String(wireRows(buffer, 7, decoded(List.of())), StandardCharsets.UTF_8));
    }

    @Test
    void appendingAWireBatchAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            bets.add(bet(i % 3 == 0 ? "Smith, Jr" : "Nicolás", "Saldaña", String.format("%08d", i), "1990-05-17", i));
        }
        Message.BetBatch batch = decoded(bets);
        BetsCsv.RowBuffer buffer = new BetsCsv.RowBuffer(64 * 1024);
        for (int i = 0; i < 3_000; i++) {
            buffer.clear();
            buffer.append(3, batch);
        }
        long before = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < 2_000; i++) {
            buffer.clear();
            buffer.append(3, batch);
        }
        long allocated = threads.getThreadAllocatedBytes(self) - before;
        assertTrue(allocated < 4096, "2000 batches of 200 rows allocated " + allocated + " bytes");
    }

    // ------------------------------------------------------------------ load()

    @Test
    void loadStreamsRowsBackIdentically() throws IOException {
        List<Bet> bets = List.of(
                bet("Nicolás", "Saldaña", "00123456", "1999-03-17", 7574),
                bet("Smith, Jr", "O\"Neil", "000", "2000-01-01", 1),
                bet("#Ana", " Juan ", "0012", "1980-12-31", 0),
                bet("😀", "Zoë", "9", "0999-05-06", Integer.MAX_VALUE));
        Path file = dir.resolve("bets.csv");
        Files.write(file, ReferenceBetsCsv.rows(3, bets));
        Files.write(file, ReferenceBetsCsv.rows(4, List.of(bets.get(0))), java.nio.file.StandardOpenOption.APPEND);

        List<StoredBet> loaded = new ArrayList<>();
        long count = ReferenceBetsCsv.load(file, loaded::add);

        assertEquals(5, count);
        List<StoredBet> expected = new ArrayList<>();
        bets.forEach(b -> expected.add(new StoredBet(3, b)));
        expected.add(new StoredBet(4, bets.get(0)));
        assertEquals(expected, loaded);
        assertEquals("00123456", loaded.get(0).bet().document(), "leading zeros survive");
    }

    @Test
    void loadReadsWhatPythonWrote() throws IOException {
        Path file = dir.resolve("bets.csv");
        Files.writeString(file, "1,\"Smith, Jr\",\"O\"\"Neil\",007,2000-01-01,7574\r\n2,Ana,Díaz,1,1999-12-31,3\r\n",
                StandardCharsets.UTF_8);

        List<StoredBet> loaded = new ArrayList<>();
        assertEquals(2, ReferenceBetsCsv.load(file, loaded::add));
        assertEquals(List.of(
                new StoredBet(1, bet("Smith, Jr", "O\"Neil", "007", "2000-01-01", 7574)),
                new StoredBet(2, bet("Ana", "Díaz", "1", "1999-12-31", 3))), loaded);
    }

    @Test
    void missingFileHoldsNoBets() throws IOException {
        List<StoredBet> loaded = new ArrayList<>();
        assertEquals(0, ReferenceBetsCsv.load(dir.resolve("nope.csv"), loaded::add));
        assertTrue(loaded.isEmpty());
    }

    @Test
    void emptyFileHoldsNoBets() throws IOException {
        Path file = Files.createFile(dir.resolve("bets.csv"));
        assertEquals(0, ReferenceBetsCsv.load(file, b -> { }));
    }

    @Test
    void malformedRowsAreIoExceptions() throws IOException {
        String good = "1,A,B,1,2000-01-01,5\r\n";
        for (String bad : List.of(
                "1,A,B,1,2000-01-01\r\n",            // 5 fields
                "1,A,B,1,2000-01-01,5,extra\r\n",    // 7 fields
                "x,A,B,1,2000-01-01,5\r\n",          // agency not a number
                "1,A,B,1,2000-01-01,five\r\n",       // number not a number
                "1,A,B,1,2000-02-30,5\r\n",          // not a date
                "1,A,B,1,01/02/2000,5\r\n")) {       // not ISO
            Path file = dir.resolve("bad.csv");
            Files.writeString(file, good + bad, StandardCharsets.UTF_8);
            assertThrows(IOException.class, () -> ReferenceBetsCsv.load(file, b -> { }), bad);
        }
    }

    @Test
    void onlyTheWinningNumberWins() {
        assertEquals(7574, BetsCsv.WINNING_NUMBER);
        assertTrue(BetsCsv.hasWon(bet("A", "B", "1", "2000-01-01", 7574).number()));
        assertFalse(BetsCsv.hasWon(bet("A", "B", "1", "2000-01-01", 7573).number()));
        assertFalse(BetsCsv.hasWon(bet("A", "B", "1", "2000-01-01", 7575).number()));
        assertFalse(BetsCsv.hasWon(bet("A", "B", "1", "2000-01-01", 0).number()));
    }
}
