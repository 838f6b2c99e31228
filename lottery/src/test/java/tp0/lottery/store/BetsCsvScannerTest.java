package tp0.lottery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.lottery.store.file.BetsFile;
import tp0.lottery.store.file.FileBackend;
import tp0.protocol.Bet;

/**
 * The fast reader behind the draw and the count at start must read every file exactly as
 * {@link BetsCsv#load} (Commons CSV, the readable reference) does: the same rows, or a refusal
 * too — with the same text when a field is wrong. Files are read whole and also trickled into a
 * tiny buffer, so rows and fields cut by the reader's buffer are covered.
 */
class BetsCsvScannerTest {

    @TempDir
    Path dir;

    /** What the draw and the count see of a row. */
    record Row(int agency, String document, int number) {}

    private static List<Row> viaLoad(byte[] content) throws IOException {
        List<Row> rows = new ArrayList<>();
        long n = ReferenceBetsCsv.load(new ByteArrayInputStream(content), "bets.csv",
                s -> rows.add(new Row(s.agency(), s.bet().document(), s.bet().number())));
        assertEquals(rows.size(), n);
        return rows;
    }

    private static List<Row> viaScan(InputStream in, int bufferSize) throws IOException {
        List<Row> rows = new ArrayList<>();
        long n = BetsCsvScanner.scan(in, "bets.csv", bufferSize,
                (agency, buf, off, len, number) -> rows.add(new Row(agency, new String(buf, off, len, StandardCharsets.UTF_8), number)));
        assertEquals(rows.size(), n);
        return rows;
    }

    /** Hands out at most a few bytes per read. */
    private static final class Trickle extends InputStream {
        private final byte[] data;
        private final Random random;
        private int pos;

        Trickle(byte[] data, long seed) {
            this.data = data;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(7)), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /**
     * Both readers agree on {@code content}: the same rows, or both refuse it (with the same
     * text when {@code load} names the row, as it does for a wrong field). Returns whether it was read.
     */
    private static boolean assertAgree(String what, byte[] content) {
        List<Row> expected;
        IOException refused = null;
        try {
            expected = viaLoad(content);
        } catch (IOException e) {
            expected = null;
            refused = e;
        }
        for (int way = 0; way < 2; way++) {
            // whole, and trickled into a tiny buffer that grows: rows and fields cut at every place
            InputStream in = way == 0 ? new ByteArrayInputStream(content) : new Trickle(content, content.length);
            int bufferSize = way == 0 ? 256 * 1024 : 1 + content.length % 13;
            String how = way == 0 ? " (whole)" : " (trickled, buffer " + bufferSize + ")";
            try {
                List<Row> got = viaScan(in, bufferSize);
                if (expected == null) {
                    fail(what + how + ": read " + got + " but load refused it: " + refused.getMessage());
                }
                assertEquals(expected, got, what + how);
            } catch (IOException e) {
                if (expected != null) {
                    fail(what + how + ": refused (" + e.getMessage() + ") but load read " + expected);
                }
                assertTrue(e.getMessage().startsWith("bets.csv row "), e.getMessage());
                if (refused.getMessage().startsWith("bets.csv row ")) {
                    assertEquals(refused.getMessage(), e.getMessage(), what + how);
                }
            }
        }
        return expected != null;
    }

    private static void assertAgree(String content) {
        assertAgree(content.replace("\r", "\\r").replace("\n", "\\n"), content.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ what the store writes

    private static String randomName(Random r) {
        String alphabet = "aZ ,\"#!;'ñÑüß€中😀";
        int[] points = alphabet.codePoints().toArray();
        StringBuilder sb = new StringBuilder("N");
        for (int i = 0; i < r.nextInt(10); i++) {
            sb.appendCodePoint(points[r.nextInt(points.length)]);
        }
        return sb.toString();
    }

    static byte[] storeFile(Random r, int batches) {
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        for (int b = 0; b < batches; b++) {
            List<Bet> bets = new ArrayList<>();
            for (int i = 0; i < 1 + r.nextInt(20); i++) {
                bets.add(new Bet(randomName(r), randomName(r), String.format("%08d", r.nextInt(100_000_000)),
                        LocalDate.of(1 + r.nextInt(9999), 1 + r.nextInt(12), 1 + r.nextInt(28)),
                        r.nextInt(5) == 0 ? BetsCsv.WINNING_NUMBER : r.nextInt(Integer.MAX_VALUE)));
            }
            file.writeBytes(ReferenceBetsCsv.rows(1 + r.nextInt(7), bets));
        }
        return file.toByteArray();
    }

    @Test
    void filesTheStoreWritesReadTheSame() {
        Random r = new Random(1);
        for (int i = 0; i < 300; i++) {
            assertTrue(assertAgree("store file " + i, storeFile(r, 1 + r.nextInt(5))));
        }
        assertTrue(assertAgree("empty", new byte[0]));
    }

    @Test
    void aLargeFileAcrossManyBuffersReadsTheSame() throws IOException {
        byte[] content = storeFile(new Random(2), 20_000); // several MiB: many refills of the 256 KiB buffer
        assertTrue(content.length > 4 << 20, "large enough: " + content.length);
        Path file = dir.resolve("bets.csv");
        Files.write(file, content);
        List<Row> expected = new ArrayList<>();
        ReferenceBetsCsv.load(file, s -> expected.add(new Row(s.agency(), s.bet().document(), s.bet().number())));
        List<Row> got = new ArrayList<>();
        long n = BetsCsvScanner.scan(file, (agency, buf, off, len, number) ->
                got.add(new Row(agency, new String(buf, off, len, StandardCharsets.UTF_8), number)));
        assertEquals(expected.size(), n);
        assertEquals(expected, got);
    }

    @Test
    void aRowLongerThanTheBufferReadsTheSame() {
        String huge = "\"" + "x,\"\"y".repeat(200_000) + "\""; // one quoted field of ~1 MiB, doubled quotes inside
        assertAgree("1," + huge + ",B,\"12\"\"3\",2000-01-01,5\r\n2,A,B,7,2000-01-01,7574\r\n");
        assertAgree("1,A,B," + "9".repeat(600_000) + ",2000-01-01,5\r\n");
    }

    // ------------------------------------------------------------------ other shapes load accepts

    @Test
    void shapesAFileFromElsewhereMayHave() {
        for (String content : List.of(
                "1,A,B,007,2000-01-01,7574",                            // no line break at the end
                "1,A,B,007,2000-01-01,7574\n2,C,D,8,1999-12-31,1\n",     // LF
                "1,A,B,007,2000-01-01,7574\r2,C,D,8,1999-12-31,1\r",     // CR
                "\r\n\n1,A,B,007,2000-01-01,7574\r\n\r\n\n2,C,D,8,1999-12-31,1\n\n", // empty lines
                "\"1\",\"A\",\"B\",\"007\",\"2000-01-01\",\"7574\"\r\n",  // everything quoted
                "1,\"Smith, Jr\",\"O\"\"Neil\",\"12\"\"3\",2000-01-01,7574\r\n", // a quote in the document
                "1,\"line\r\nbreak\",B,1,2000-01-01,2\r\n",             // a line break inside quotes
                "1,\"A\"  ,\"B\"\t,\"1\" ,2000-01-01,2\r\n",             // whitespace after a closing quote
                "1,\"A\"\u3000,B,1,2000-01-01,2\r\n",                   // Unicode whitespace after it
                "1,a\"b,c\"\"d,1,2000-01-01,2\r\n",                     // quotes inside unquoted fields are text
                "1, A , B ,1,2000-01-01,2\r\n",                         // spaces are kept
                "+1,A,B,1,2000-01-01,+7574\r\n",                        // signs
                "0001,A,B,1,2000-01-01,0007574\r\n",                    // leading zeros
                "-3,A,B,1,2000-01-01,-1\r\n",                           // negatives (never stored, still ints)
                "1,A,B,1,0000-02-29,1\r\n1,A,B,1,9999-12-31,2147483647\r\n", // date and int edges
                "1,,,,2000-01-01,1\r\n",                                // empty names and document
                "1,A,B,١٢٣,2000-01-01,١\r\n",                           // digits of other scripts (parseInt takes them)
                "1,Ñandú,😀,9,2000-01-01,5\r\n")) {
            assertTrue(assertAgree(content.replace("\r", "\\r").replace("\n", "\\n"),
                    content.getBytes(StandardCharsets.UTF_8)), content);
        }
    }

    @Test
    void malformedRowsAreRefusedWithTheirRowNumber() throws IOException {
        String good = "1,A,B,1,2000-01-01,5\r\n\r\n";
        for (String bad : List.of(
                "1,A,B,1,2000-01-01\r\n",            // 5 fields
                "1,A,B,1,2000-01-01,5,extra\r\n",    // 7 fields
                "1,A,B,1,2000-01-01,5,\r\n",         // a trailing delimiter: 7 fields
                "\"\"\r\n",                          // one empty field
                " \r\n",                             // one blank field
                "x,A,B,1,2000-01-01,5\r\n",          // agency not a number
                "1,A,B,1,2000-01-01,five\r\n",       // number not a number
                "1,A,B,1,2000-01-01,\r\n",           // number empty
                "1,A,B,1,2000-01-01,2147483648\r\n", // number overflows
                "99999999999,A,B,1,2000-01-01,1\r\n",
                "1,A,B,1,2000-02-30,5\r\n",          // not a date
                "1,A,B,1,2001-02-29,5\r\n",
                "1,A,B,1,2000-13-01,5\r\n",
                "1,A,B,1,2000-1-01,5\r\n",           // not ISO
                "1,A,B,1,01/02/2000,5\r\n",
                "1,A,B,1,\"2000-01-0\"\"1\",5\r\n",
                "1,\"A\"x,B,1,2000-01-01,5\r\n",     // text after a closing quote
                "1,\"A\"😀,B,1,2000-01-01,5\r\n",
                "1,\"A,B,1,2000-01-01,5\r\n")) {     // a quote never closed
            assertAgree(good + bad + good);
            Path file = dir.resolve("bad.csv");
            Files.writeString(file, good + bad + good, StandardCharsets.UTF_8);
            IOException e = assertThrows(IOException.class, () -> BetsCsvScanner.scan(file, (a, b, o, l, n) -> { }), bad);
            assertTrue(e.getMessage().startsWith(file + " row 2: "), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ differential fuzz

    @Test
    void mutatedFilesGetTheSameVerdict() {
        Random r = new Random(3);
        String pieces = ",,,\"\"\r\n\r\n 0123456789-aé😀\u3000+";
        int[] points = pieces.codePoints().toArray();
        int read = 0;
        for (int i = 0; i < 6_000; i++) {
            StringBuilder sb = new StringBuilder(new String(storeFile(r, 1 + r.nextInt(2)), StandardCharsets.UTF_8));
            for (int k = 0; k < 1 + r.nextInt(3); k++) {
                int at = r.nextInt(sb.length() + 1);
                switch (r.nextInt(3)) {
                    case 0 -> sb.insert(at, Character.toChars(points[r.nextInt(points.length)]));
                    case 1 -> {
                        if (at < sb.length() && !Character.isSurrogate(sb.charAt(at))) sb.deleteCharAt(at);
                    }
                    default -> {
                        if (at < sb.length() && !Character.isSurrogate(sb.charAt(at))) {
                            sb.setCharAt(at, pieces.charAt(r.nextInt(13)));
                        }
                    }
                }
            }
            if (assertAgree("case " + i + ": " + sb.toString().replace("\r", "\\r").replace("\n", "\\n"),
                    sb.toString().getBytes(StandardCharsets.UTF_8))) {
                read++;
            }
        }
        assertTrue(read > 600 && read < 5_400, "both verdicts are exercised: " + read);
    }

    // ------------------------------------------------------------------ the draw and the count use it

    @Test
    void countByAgencyAndWinnersAreWhatLoadGives() throws IOException {
        Path path = dir.resolve("bets.csv");
        Files.write(path, storeFile(new Random(4), 500));
        Map<Integer, Long> counts = new HashMap<>();
        Map<Integer, List<String>> winners = new HashMap<>();
        ReferenceBetsCsv.load(path, s -> {
            counts.merge(s.agency(), 1L, Long::sum);
            if (BetsCsv.hasWon(s.bet().number())) {
                winners.computeIfAbsent(s.agency(), a -> new ArrayList<>()).add(s.bet().document());
            }
        });
        try (BetsFile file = BetsFile.open(path)) {
            assertEquals(counts, FileBackend.countByAgency(file));
        }
        Map<Integer, List<String>> scanned = new HashMap<>();
        BetsCsvScanner.scan(path, (agency, buf, off, len, number) -> {
            if (BetsCsv.hasWon(number)) {
                scanned.computeIfAbsent(agency, a -> new ArrayList<>()).add(new String(buf, off, len, StandardCharsets.UTF_8));
            }
        });
        assertEquals(winners, scanned);
        assertTrue(winners.values().stream().mapToInt(List::size).sum() > 100);
    }
}
