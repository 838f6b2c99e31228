package tp0.agency.log;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;

/** A {@link Log} whose lines tests can read, and wait for, without sleeping. */
public final class LogCapture {
    /** "yyyy-MM-dd HH:mm:ss " + 8-column level + " ". */
    static final int PREFIX_LENGTH = 20 + 8 + 1;

    private final List<String> lines = new ArrayList<>(); // guarded by this
    public final Log log;

    public LogCapture(LogLevel threshold) {
        log = new Log(new PrintStream(new LineSink(), true, StandardCharsets.UTF_8), threshold);
    }

    public LogCapture() {
        this(LogLevel.DEBUG);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines without timestamp and level. */
    public synchronized List<String> messages() {
        return lines.stream().map(l -> l.substring(PREFIX_LENGTH)).toList();
    }

    public boolean contains(String fragment) {
        return lines().stream().anyMatch(l -> l.contains(fragment));
    }

    /** Whether some message (a line without timestamp and level) matches {@code regex} whole. */
    public boolean anyMessageMatches(String regex) {
        return messages().stream().anyMatch(m -> m.matches(regex));
    }

    public long count(String fragment) {
        return lines().stream().filter(l -> l.contains(fragment)).count();
    }

    /** The first line containing {@code fragment}, waiting up to {@code timeout} for it. */
    public String awaitLine(String fragment, Duration timeout) throws InterruptedException {
        Optional<String> line = firstLine(fragment);
        if (line.isEmpty() && timeout.compareTo(Duration.ZERO) > 0) {
            try {
                line = await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                        .until(() -> firstLine(fragment), Optional::isPresent);
            } catch (ConditionTimeoutException e) {
                // said below, with every line captured
            }
        }
        return line.orElseThrow(() -> new AssertionError("no log line with '" + fragment + "' within " + timeout
                + "; got:\n" + this));
    }

    private Optional<String> firstLine(String fragment) {
        return lines().stream().filter(line -> line.contains(fragment)).findFirst();
    }

    private synchronized void add(String line) {
        lines.add(line);
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", lines);
    }

    private final class LineSink extends OutputStream {
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                add(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }
    }
}
