package tp0.testkit;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/** bets.csv rows as the tests compare them across stores. */
public final class BetsCsvRows {
    private BetsCsvRows() {}

    /**
     * bets.csv's rows (CRLF-terminated, the agency first) regrouped by agency, each agency's in
     * file order: the order export-bets writes a database's rows in.
     */
    public static byte[] perAgency(byte[] csv) {
        String text = new String(csv, StandardCharsets.UTF_8);
        TreeMap<Integer, StringBuilder> groups = new TreeMap<>();
        for (String row : text.split("(?<=\r\n)", -1)) {
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
