package tp0.agency.log;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.TimeZone;
import java.util.function.Supplier;
import tp0.logline.JsonLogLine;
import tp0.logline.LogFormat;

/**
 * Prints {@code yyyy-MM-dd HH:mm:ss LEVEL    message} lines, one flush per line so a
 * container's log shows them as they happen. A hand-rolled logger on purpose: a logging
 * framework would cost more startup time than the whole agency needs. Messages are built
 * with {@link tp0.logline.LogLine}, the grammar the tests grep for; with {@link LogFormat#JSON}
 * each line is that line as one JSON object ({@link JsonLogLine}) instead.
 */
public final class Log {
    private final PrintStream out;
    private final Supplier<LocalDateTime> clock;
    // Volatile: set once the config is read, while a signal thread may already be logging.
    private volatile LogLevel threshold;
    // Volatile for the same reason; set before the first line Main logs, config errors included.
    private volatile LogFormat format = LogFormat.TEXT;

    public Log(PrintStream out, LogLevel threshold) {
        this(out, threshold, Log::localNow);
    }

    public Log(PrintStream out, LogLevel threshold, Supplier<LocalDateTime> clock) {
        this.out = out;
        this.threshold = threshold;
        this.clock = clock;
    }

    /** Main logs config errors before it knows the configured level, then switches to it. */
    public void setThreshold(LogLevel threshold) {
        this.threshold = threshold;
    }

    /** Main sets the configured format before it logs anything else. */
    public void setFormat(LogFormat format) {
        this.format = format;
    }

    public boolean isEnabled(LogLevel level) {
        return level.compareTo(threshold) >= 0;
    }

    public void debug(String message) {
        log(LogLevel.DEBUG, message);
    }

    public void info(String message) {
        log(LogLevel.INFO, message);
    }

    public void warning(String message) {
        log(LogLevel.WARNING, message);
    }

    public void error(String message) {
        log(LogLevel.ERROR, message);
    }

    public void log(LogLevel level, String message) {
        if (!isEnabled(level)) {
            return;
        }
        String line = format(format, clock.get(), level, message);
        // One println per line keeps lines from two threads (main, signal) whole.
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /**
     * The local wall-clock time, as {@code LocalDateTime.now()} gives it, at a fraction of
     * the first call's cost: {@code now()} asks java.time's zone rules for the offset, and
     * their first use reads the tz database a second time (TimeZone reads it too) and builds
     * rule objects, ~20 ms of a ~300 ms start, before the first line. The offset at this
     * instant, which is all a timestamp needs, TimeZone gives; the rest is arithmetic.
     */
    static LocalDateTime localNow() {
        long millis = System.currentTimeMillis();
        int offsetSeconds = TimeZone.getDefault().getOffset(millis) / 1000;
        return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), 0, ZoneOffset.ofTotalSeconds(offsetSeconds));
    }

    /** The whole text line for {@code message}; formatted by hand to avoid loading DateTimeFormatter. */
    static String format(LocalDateTime time, LogLevel level, String message) {
        StringBuilder sb = new StringBuilder(29 + message.length());
        timestamp(sb, time).append(' ');
        return sb.append(level.paddedName).append(' ').append(message).toString();
    }

    /** The whole line for {@code message} in {@code format}: the text line, or its fields as JSON. */
    static String format(LogFormat format, LocalDateTime time, LogLevel level, String message) {
        if (format == LogFormat.TEXT) {
            return format(time, level, message);
        }
        return JsonLogLine.of(timestamp(new StringBuilder(19), time).toString(), level.name(), message);
    }

    /** {@code yyyy-MM-dd HH:mm:ss}. */
    private static StringBuilder timestamp(StringBuilder sb, LocalDateTime time) {
        pad(sb, time.getYear(), 4).append('-');
        pad(sb, time.getMonthValue(), 2).append('-');
        pad(sb, time.getDayOfMonth(), 2).append(' ');
        pad(sb, time.getHour(), 2).append(':');
        pad(sb, time.getMinute(), 2).append(':');
        return pad(sb, time.getSecond(), 2);
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }
}
