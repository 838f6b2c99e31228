package tp0.agency.bets;

import java.nio.file.Path;
import tp0.logline.LogLine;

/** The bets file cannot be used: missing, unreadable, or a malformed row. Exit status 2. */
public final class BetFileException extends Exception {
    /** Marks a problem with the file as a whole rather than with one line. */
    static final long WHOLE_FILE = 0;

    private final Path file;
    private final long line;
    private final String field;
    private final String reason;

    /** A malformed row: {@code line} is 1-based, {@code field} one of the {@link BetFields} names. */
    public BetFileException(Path file, long line, String field, String reason) {
        super(file + ":" + line + ": " + field + ": " + reason, null, false, false);
        this.file = file;
        this.line = line;
        this.field = field;
        this.reason = reason;
    }

    /** The file as a whole cannot be read. */
    public BetFileException(Path file, String reason) {
        super(file + ": " + reason, null, false, false);
        this.file = file;
        this.line = WHOLE_FILE;
        this.field = null;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** 1-based line of the bad row, or 0 when the whole file is the problem. */
    public long line() {
        return line;
    }

    /** The bad field, or null when the whole file is the problem. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** The contract fail line: names the file, and for a bad row its line and field. */
    public String logLine() {
        if (line == WHOLE_FILE) {
            return LogLine.fail("leer_apuestas", "file", file, "error", reason);
        }
        return LogLine.fail("leer_apuestas", "file", file, "line", line, "field", field, "error", reason);
    }
}
