package tp0.testkit;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/** bets.csv as the tests compare it with what {@code export-bets} writes. */
public final class BetsCsvRows {
    private BetsCsvRows() {}

    /** bets.csv's rows (CRLF-terminated) regrouped by agency, stable within one: export-bets' order. */
    public static byte[] perAgency(byte[] csv) {
        String text = new String(csv, StandardCharsets.UTF_8);
        TreeMap<Integer, StringBuilder> groups = new TreeMap<>();
        for (String row : text.split("(?<=\r\n)")) {
            if (!row.isEmpty()) {
                groups.computeIfAbsent(Integer.parseInt(row.substring(0, row.indexOf(','))), a -> new StringBuilder())
                        .append(row);
            }
        }
        StringBuilder all = new StringBuilder();
        groups.values().forEach(all::append);
        return all.toString().getBytes(StandardCharsets.UTF_8);
    }
}
