package tp0.lottery.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code all-bets-sent.txt}: the durable "all bets sent" marks, one line (LF) per mark —
 * {@code <agency id> <bets of that agency stored>} — appended and fsynced by the store before
 * an agency's AllBetsSent is acknowledged, read back at start so a restarted server still
 * knows who finished, and can check that bets.csv still holds what each had when it did.
 * A line of only an id (the format before the count) is read as a mark without a count.
 */
public final class FinishMarks {

    /**
     * The ids found, the stored count each mark recorded (the highest, for an agency marked
     * more than once; absent for marks without one), and one description per line ignored.
     */
    public record Loaded(Set<Integer> agencies, Map<Integer, Long> counts, List<String> ignored) {
        public Loaded {
            agencies = Set.copyOf(agencies);
            counts = Map.copyOf(counts);
            ignored = List.copyOf(ignored);
        }
    }

    /** Longest piece of a bad line quoted in a warning. */
    private static final int QUOTE_MAX = 20;

    private FinishMarks() {}

    /** The line the store appends for {@code agency}, which has {@code storedBets} bets stored. */
    public static byte[] line(int agency, long storedBets) {
        return (agency + " " + storedBets + "\n").getBytes(StandardCharsets.US_ASCII);
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
            return new Loaded(Set.of(), Map.of(), List.of());
        }
        Set<Integer> agencies = new TreeSet<>();
        Map<Integer, Long> counts = new HashMap<>();
        List<String> ignored = new ArrayList<>();
        int complete = text.lastIndexOf('\n') + 1;
        String[] lines = text.substring(0, complete).split("\n", -1); // the trailing empty string is skipped below as any empty line
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            int agency;
            long count = -1;
            try {
                agency = Integer.parseInt(space < 0 ? line : line.substring(0, space));
                if (space >= 0) {
                    count = Long.parseLong(line.substring(space + 1));
                    if (count < 0) {
                        throw new NumberFormatException();
                    }
                }
            } catch (NumberFormatException e) {
                ignored.add("line " + (i + 1) + ": '" + quote(line) + "' is not an agency id and a stored count");
                continue;
            }
            if (agency < 1 || agency > numAgencies) {
                ignored.add("line " + (i + 1) + ": agency " + agency + " is outside 1.." + numAgencies);
                continue;
            }
            agencies.add(agency);
            if (count >= 0) {
                counts.merge(agency, count, Math::max);
            }
        }
        return new Loaded(agencies, counts, ignored);
    }

    /**
     * Rewrites {@code file} with the marks of {@code keep} only, each with its count if it had
     * one, atomically: a new file fsynced, renamed over the old one, and the directory fsynced.
     */
    public static void rewrite(Path file, Set<Integer> keep, Map<Integer, Long> counts) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int agency : new TreeSet<>(keep)) {
            Long count = counts.get(agency);
            text.append(agency);
            if (count != null) {
                text.append(' ').append(count);
            }
            text.append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself durable
        } catch (IOException ignored) {
            // Some file systems cannot fsync a directory; the rename is still atomic.
        }
    }

    private static String quote(String line) {
        return line.length() <= QUOTE_MAX ? line : line.substring(0, QUOTE_MAX) + "...";
    }
}
