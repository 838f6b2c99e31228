package tp0.agency.log;

import java.util.Locale;

/** Severity of a log line, lowest first; a logger prints its threshold and above. */
public enum LogLevel {
    DEBUG,
    INFO,
    WARNING,
    ERROR;

    /**
     * The name padded to 8 columns, like Python's {@code %(levelname)-8s}. String.concat,
     * not '+': no invokedynamic bootstrap at start (see ServerAddress.toString).
     */
    final String paddedName = name().concat("        ").substring(0, 8);

    /**
     * Parses a level name, case-insensitively; WARN is accepted for WARNING because both
     * spellings are common in configs.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static LogLevel parse(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        if (upper.equals("WARN")) {
            return WARNING;
        }
        for (LogLevel level : values()) {
            if (level.name().equals(upper)) {
                return level;
            }
        }
        throw new IllegalArgumentException("unknown log level '" + text + "' (expected DEBUG, INFO, WARNING or ERROR)");
    }
}
