package tp0.lottery.ops;

import tp0.logline.LogLine;
import tp0.lottery.config.ServerKey;

/**
 * The one line a port that cannot be bound gets, for the agencies' port and the HTTP port
 * alike: which address, which port and which setting asked for it, and the operating system's
 * reason ({@code Address already in use}), so an operator running several nodes on one host
 * knows which key to change. Pekko's own report of the same failure, with its stack trace, is
 * kept out of the log ({@link PekkoBindReportFilter}).
 */
public final class BindFailure {

    private BindFailure() {}

    /**
     * {@code action: <action> | result: fail | ip: .. | port: .. | error: <reason> | key: <key>}
     * (the key last: the lines before it kept their shape).
     */
    public static String line(String action, ServerKey key, String host, int port, Throwable failure) {
        return LogLine.fail(action, "ip", host, "port", port, "error", reason(failure), "key", key.name());
    }

    /** The innermost cause's message: the operating system's words, without the wrappers' prefixes. */
    static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
