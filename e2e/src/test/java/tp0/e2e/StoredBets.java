package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tp0.testkit.ThrowawayPostgres;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.StartScript;

/** What bets.csv holds, compared with the agency files that were sent. */
final class StoredBets {

    /** Per-run figures: rows expected, stored, lost and stored more than once. */
    record Audit(long expected, long stored, long lost, long duplicates, boolean fileOrder) {
        @Override
        public String toString() {
            return "bets expected " + expected + ", stored " + stored + ", lost " + lost + ", duplicates " + duplicates
                    + (fileOrder ? ", file order kept" : ", FILE ORDER BROKEN");
        }

        /** No bet lost, none stored twice, every agency's in file order. */
        void assertNoneLostNorDuplicatedInOrder() {
            assertEquals(0, lost, "lost bets");
            assertEquals(0, duplicates, "duplicated bets");
            assertTrue(fileOrder, "file order per agency");
        }

        /** As {@link #assertNoneLostNorDuplicatedInOrder}, and {@code total} bets stored. */
        void assertAllStoredOnceInOrder(long total) {
            assertEquals(0, lost, "lost bets");
            assertEquals(0, duplicates, "duplicated bets");
            assertEquals(total, stored, "stored bets");
            assertTrue(fileOrder, "file order per agency");
        }
    }

    private StoredBets() {}

    /** Rows, distinct (agency, ordinal) pairs and the highest ordinal of the bets table: a duplicate or a gap shows. */
    static String tableCounts(ThrowawayPostgres pg) throws IOException {
        return pg.sql("SELECT count(*), count(DISTINCT (agency, ordinal)), max(ordinal) FROM bets");
    }

    /** The bets the guarded per-agency counts say are stored. */
    static String countedStored(ThrowawayPostgres pg) throws IOException {
        return pg.sql("SELECT sum(stored) FROM agency_counts");
    }

    /** Data rows of bets.csv without line ends (empty when the file does not exist). */
    static List<String> rows(Path betsFile) throws IOException {
        if (!Files.exists(betsFile)) {
            return List.of();
        }
        return Files.readAllLines(betsFile, StandardCharsets.UTF_8).stream()
                .map(line -> line.replace("\r", "")).filter(line -> !line.isEmpty()).toList();
    }

    static Audit audit(Path betsFile, DatasetGenerator.Dataset data) throws IOException {
        Map<Integer, List<String>> stored = byAgency(betsFile);
        long expected = 0, storedCount = 0, lost = 0, duplicates = 0;
        boolean order = true;
        for (Map.Entry<Integer, Path> file : data.files().entrySet()) {
            List<String> want = fileRows(file.getValue());
            List<String> got = stored.getOrDefault(file.getKey(), List.of());
            expected += want.size();
            storedCount += got.size();
            Map<String, Integer> counts = new HashMap<>();
            got.forEach(row -> counts.merge(row, 1, Integer::sum));
            for (String row : want) {
                int n = counts.getOrDefault(row, 0);
                if (n == 0) lost++;
                if (n > 1) duplicates += n - 1;
            }
            order &= want.equals(got);
        }
        return new Audit(expected, storedCount, lost, duplicates, order);
    }

    /** Every row of every agency file stored exactly once, in file order per agency, as CRLF CSV. */
    static void assertExactlyOnceInOrder(Path betsFile, DatasetGenerator.Dataset data) throws IOException {
        String text = Files.readString(betsFile, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\r\n"), "rows end with CRLF like Python's csv.writer");
        Map<Integer, List<String>> stored = byAgency(betsFile);
        for (Map.Entry<Integer, Path> file : data.files().entrySet()) {
            assertEquals(fileRows(file.getValue()), stored.get(file.getKey()),
                    "agency " + file.getKey() + ": every row once, in file order");
        }
    }

    /**
     * {@code java -jar lottery.jar export-bets <file>} in {@code dir} with the server's
     * environment {@code env} (a PostgreSQL store): the store's bets as bets.csv would hold them.
     */
    static Path exportBets(Path root, Path dir, Map<String, String> env, Duration timeout) throws IOException {
        Path out = dir.resolve("exported-bets.csv");
        ChildProcess.copy(root.resolve("lottery/config.ini"), dir.resolve("config.ini"));
        try (ChildProcess export = ChildProcess.startScript("export-bets", StartScript.of(root, "lottery"),
                List.of("export-bets", out.toString()), dir, env, line -> { })) {
            int exit = export.awaitExit(timeout).orElseThrow();
            assertEquals(0, exit, "export-bets exit status: " + export.tail(5));
            assertEquals(1, export.linesContaining("action: export_bets | result: success").size(), export.tail(5).toString());
        }
        return out;
    }

    private static Map<Integer, List<String>> byAgency(Path betsFile) throws IOException {
        Map<Integer, List<String>> byAgency = new HashMap<>();
        for (String row : rows(betsFile)) {
            int comma = row.indexOf(',');
            byAgency.computeIfAbsent(Integer.parseInt(row.substring(0, comma)), k -> new ArrayList<>())
                    .add(row.substring(comma + 1));
        }
        return byAgency;
    }

    private static List<String> fileRows(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(line -> line.replace("\r", "")).filter(line -> !line.isEmpty()).toList();
    }
}
