package tp0.logline;

/**
 * Builds the message part of a contract log line:
 * {@code action: <name> | result: success|fail|in_progress | key: value | ...}.
 *
 * Both programs log through this so the grammar black-box tests grep for cannot drift. It
 * lives beside the wire format because it is the other contract the two sides share.
 * Values never contain the separator: '|' becomes '/', line breaks become spaces.
 */
public final class LogLine {

    public enum Result {
        SUCCESS("success"),
        FAIL("fail"),
        IN_PROGRESS("in_progress");

        public final String text;

        Result(String text) {
            this.text = text;
        }
    }

    private LogLine() {}

    public static String success(String action, Object... keyValues) {
        return of(action, Result.SUCCESS, keyValues);
    }

    public static String fail(String action, Object... keyValues) {
        return of(action, Result.FAIL, keyValues);
    }

    public static String inProgress(String action, Object... keyValues) {
        return of(action, Result.IN_PROGRESS, keyValues);
    }

    /** {@code keyValues} alternates keys and values: {@code "cantidad", 5, "code", "BAD_DATE"}. */
    public static String of(String action, Result result, Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must come in pairs");
        }
        StringBuilder sb = new StringBuilder(64);
        sb.append("action: ").append(action).append(" | result: ").append(result.text);
        for (int i = 0; i < keyValues.length; i += 2) {
            sb.append(" | ").append(keyValues[i]).append(": ");
            appendClean(sb, String.valueOf(keyValues[i + 1]));
        }
        return sb.toString();
    }

    private static void appendClean(StringBuilder sb, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            sb.append(c == '|' ? '/' : (c == '\n' || c == '\r') ? ' ' : c);
        }
    }
}
