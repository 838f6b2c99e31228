package tp0.logline;

import java.util.Locale;

/**
 * How a program writes its log lines: {@link #TEXT}, the contract's
 * {@code YYYY-MM-DD HH:MM:SS LEVEL    action: … | result: …} (the default), or {@link #JSON}, the
 * same line as one JSON object ({@link JsonLogLine}). The server's {@code LOG_FORMAT} and the
 * agency's {@code log.format} take the same two values, read here once for both.
 */
public enum LogFormat {
    TEXT,
    JSON;

    /** What {@code --help} and the docs say the setting accepts. */
    public static final String VALUES = "text or json";

    /**
     * Parses {@code text} or {@code json}, case-insensitively, around spaces.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static LogFormat parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("'" + value + "' is not " + VALUES);
        };
    }
}
