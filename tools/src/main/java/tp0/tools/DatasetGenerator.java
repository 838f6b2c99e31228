package tp0.tools;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes agency bet files shaped like the course's dataset (no header; first name, last name,
 * document, birthdate, number) with realistic accented names, documents with leading zeros,
 * and winners (number 7574) at known rows — deterministic for a given seed, so the expected
 * outcome of a draw is known in advance.
 */
public final class DatasetGenerator {
    public static final int WINNING_NUMBER = 7574;

    /** Names drawn for the generated bets (also by the draw benchmark, through {@link #firstNames()}). */
    private static final String[] FIRST = {
        "Santiago Lionel", "Agustín Emanuel", "Tiago Nicolás", "María José", "Sofía", "Martín", "Joaquín",
        "Valentina", "Lucía", "Ramón", "Inés", "Begoña", "Zoë", "Julián", "Mónica", "Héctor", "Íñigo",
        "Ángela", "Germán", "Verónica", "Andrés", "Noemí", "Óscar", "Raúl", "Azucena", "Benjamín"};
    private static final String[] LAST = {
        "Saldaña", "Muñoz", "Pérez", "Núñez", "Gómez", "Fernández", "Ibáñez", "Peña", "Lorca", "Zambrano",
        "Rivera", "Echeverría", "Avendaño", "Güemes", "Domínguez", "Martínez", "Ordóñez", "Sánchez",
        "Cañete", "Ruiz Díaz", "Belgrano", "Álvarez", "Quiñones", "Etchegaray"};

    /** The first names the generated bets draw from. */
    public static List<String> firstNames() {
        return List.of(FIRST);
    }

    /** The last names the generated bets draw from. */
    public static List<String> lastNames() {
        return List.of(LAST);
    }

    /** What was written, and what a correct draw must answer. */
    public record Dataset(Map<Integer, Path> files, Map<Integer, Integer> betsPerAgency,
                          Map<Integer, List<String>> winnersPerAgency) {
        public long totalBets() {
            return betsPerAgency.values().stream().mapToLong(Integer::longValue).sum();
        }
    }

    private DatasetGenerator() {}

    /**
     * Writes {@code agency-1.csv} … {@code agency-N.csv} into {@code dir}. Agency k gets
     * {@code betsPerAgency[k-1]} bets of which {@code winnersPerAgency[k-1]} win. Odd agencies'
     * files end lines with CRLF (like the course's), even ones with LF.
     */
    public static Dataset generate(Path dir, int[] betsPerAgency, int[] winnersPerAgency, long seed) throws IOException {
        if (betsPerAgency.length != winnersPerAgency.length) {
            throw new IllegalArgumentException("one bet count and one winner count per agency");
        }
        Files.createDirectories(dir);
        Map<Integer, Path> files = new LinkedHashMap<>();
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        Map<Integer, List<String>> winners = new LinkedHashMap<>();
        for (int i = 0; i < betsPerAgency.length; i++) {
            int agency = i + 1;
            Path file = dir.resolve("agency-" + agency + ".csv");
            winners.put(agency, write(file, agency, betsPerAgency[i], winnersPerAgency[i], seed,
                    agency % 2 == 1 ? "\r\n" : "\n"));
            files.put(agency, file);
            counts.put(agency, betsPerAgency[i]);
        }
        return new Dataset(files, counts, winners);
    }

    private static List<String> write(Path file, int agency, int bets, int winnerCount, long seed, String eol)
            throws IOException {
        if (winnerCount > bets) {
            throw new IllegalArgumentException("agency " + agency + ": more winners than bets");
        }
        Random random = new Random(seed * 31 + agency);
        Set<Integer> winningRows = new HashSet<>();
        while (winningRows.size() < winnerCount) {
            winningRows.add(random.nextInt(bets));
        }
        List<String> winners = new ArrayList<>();
        LocalDate epoch = LocalDate.of(1940, 1, 1);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int row = 0; row < bets; row++) {
                // Unique per agency and row; every 7th has leading zeros that must survive as text.
                String document = row % 7 == 0
                        ? String.format("00%06d", (agency * 100_003 + row) % 1_000_000)
                        : String.format("%08d", 10_000_000 + (agency * 7_919_993L + row * 13L) % 89_999_999);
                int number;
                if (winningRows.contains(row)) {
                    number = WINNING_NUMBER;
                    winners.add(document);
                } else {
                    number = random.nextInt(9999);
                    if (number >= WINNING_NUMBER) number++; // 0..9999 except 7574
                }
                out.write(FIRST[random.nextInt(FIRST.length)]);
                out.write(',');
                out.write(LAST[random.nextInt(LAST.length)]);
                out.write(',');
                out.write(document);
                out.write(',');
                out.write(epoch.plusDays(random.nextInt(60 * 365)).toString());
                out.write(',');
                out.write(Integer.toString(number));
                out.write(eol);
            }
        }
        return winners;
    }
}
