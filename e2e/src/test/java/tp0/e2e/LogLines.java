package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading contract log lines in the end-to-end tests: counts, sums and captured values. */
final class LogLines {
    /** The log grammar both programs must keep, for every single line they print. */
    private static final Pattern CONTRACT = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} (DEBUG|INFO|WARN|WARNING|ERROR)\\s+"
                    + "action: [a-z_]+ \\| result: (success|fail|in_progress)( \\| [a-z0-9_]+: [^|]*)*$");

    private LogLines() {}

    /** Fails naming the first of {@code lines} that breaks the log contract. */
    static void assertKeepTheContract(List<String> lines) {
        lines.forEach(LogLines::assertKeepsTheContract);
    }

    /** Fails if {@code line} breaks the log contract. */
    static void assertKeepsTheContract(String line) {
        assertTrue(CONTRACT.matcher(line).matches(), "line breaks the log contract: " + line);
    }

    /** Lines containing {@code text} (none when there are no lines). */
    static long count(List<String> lines, String text) {
        return lines == null ? 0 : lines.stream().filter(l -> l.contains(text)).count();
    }

    /** The sum of the number captured by group 1 of {@code regex} over all lines. */
    static long sum(List<String> lines, String regex) {
        return captured(lines, regex).stream().mapToLong(Long::parseLong).sum();
    }

    /** Group 1 of {@code regex} in every line where it is found, in order. */
    static List<String> captured(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        return lines.stream().map(p::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }
}
