package tp0.lottery.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code all-bets-sent.txt}: the durable "all bets sent" marks, one agency id per line (LF),
 * appended and fsynced by the store before an agency's AllBetsSent is acknowledged, read back
 * at start so a restarted server still knows who finished.
 */
public final class FinishMarks {

    /** The ids found, and one description per line that was ignored. */
    public record Loaded(Set<Integer> agencies, List<String> ignored) {
        public Loaded {
            agencies = Set.copyOf(agencies);
            ignored = List.copyOf(ignored);
        }
    }

    /** Longest piece of a bad line quoted in a warning. */
    private static final int QUOTE_MAX = 20;

    private FinishMarks() {}

    /** The line the store appends for {@code agency}. */
    public static byte[] line(int agency) {
        return (agency + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the marks of agencies 1..{@code numAgencies}. A missing file holds none. A last line
     * without its newline was torn by a crash before its fsync, so it was never acknowledged:
     * it is ignored. Ids outside 1..N (NUM_AGENCIES lowered since) and unreadable lines are
     * ignored and reported in {@link Loaded#ignored}.
     */
    public static Loaded read(Path file, int numAgencies) throws IOException {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Loaded(Set.of(), List.of());
        }
        Set<Integer> agencies = new TreeSet<>();
        List<String> ignored = new ArrayList<>();
        int complete = text.lastIndexOf('\n') + 1;
        String[] lines = text.substring(0, complete).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int agency;
            try {
                agency = Integer.parseInt(line);
            } catch (NumberFormatException e) {
                ignored.add("line " + (i + 1) + ": '" + quote(line) + "' is not an agency id");
                continue;
            }
            if (agency < 1 || agency > numAgencies) {
                ignored.add("line " + (i + 1) + ": agency " + agency + " is outside 1.." + numAgencies);
                continue;
            }
            agencies.add(agency);
        }
        return new Loaded(agencies, ignored);
    }

    private static String quote(String line) {
        return line.length() <= QUOTE_MAX ? line : line.substring(0, QUOTE_MAX) + "...";
    }
}
