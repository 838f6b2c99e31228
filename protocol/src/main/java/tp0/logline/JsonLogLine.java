package tp0.logline;

/**
 * A contract log line as one JSON object, for log collectors that read data rather than text:
 *
 * <pre>
 * 2026-12-06 03:10:00 INFO     action: apuesta_almacenada | result: success | dni: 30904465 | numero: 7574
 * {"time":"2026-12-06 03:10:00","level":"INFO","action":"apuesta_almacenada","result":"success","dni":"30904465","numero":"7574"}
 * </pre>
 *
 * The same fields in the same order as the text line, every value a JSON string exactly as the
 * text line has it (so {@code "7574"}, not {@code 7574}: a document's leading zeros are data, and
 * a reader never has to guess a type the text line does not say). A message that is not
 * {@link LogLine}-shaped (a library's) becomes {@code "message"}. Hand-written on purpose: the
 * agency is a short-lived JVM measured on its start, and a JSON library would cost more to load
 * than the one loop below.
 */
public final class JsonLogLine {

    private static final String ACTION = "action: ";
    private static final String RESULT = " | result: ";
    private static final String SEPARATOR = " | ";
    private static final String KEY_END = ": ";
    /** {@code YYYY-MM-DD HH:MM:SS}, then one space. */
    private static final int TIME_LENGTH = 19;
    /** The level is padded to 8 columns ({@code %-8level}), then one space. */
    private static final int LEVEL_COLUMNS = 8;

    private JsonLogLine() {}

    /**
     * The JSON object of a whole text line, {@code YYYY-MM-DD HH:MM:SS LEVEL    message} (the
     * server's logback pattern writes it; its line break, if any, is left off). A line not of
     * that shape is kept whole as {@code {"message":"…"}}.
     */
    public static String ofTextLine(CharSequence line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        String text = line.subSequence(0, end).toString();
        int levelEnd = text.indexOf(' ', TIME_LENGTH + 1);
        if (!startsWithTime(text) || levelEnd < 0) {
            StringBuilder json = new StringBuilder(text.length() + 16).append('{');
            field(json, "message", text);
            return json.append('}').toString();
        }
        String level = text.substring(TIME_LENGTH + 1, levelEnd);
        // Past the padding only: a message's own leading spaces stay part of it.
        int messageStart = Math.min(text.length(), Math.max(levelEnd, TIME_LENGTH + 1 + LEVEL_COLUMNS) + 1);
        return of(text.substring(0, TIME_LENGTH), level, text.substring(messageStart));
    }

    /**
     * The JSON object of a line's parts: {@code time} and {@code level} as the text line shows
     * them (the level without its padding), then the message's {@code action}, {@code result} and
     * keys in order, or {@code "message"} when the message is not a {@link LogLine}.
     */
    public static String of(String time, String level, String message) {
        StringBuilder json = new StringBuilder(message.length() + 64).append('{');
        field(json, "time", time);
        json.append(',');
        field(json, "level", level);
        json.append(',');
        if (!appendLogLine(json, message)) {
            field(json, "message", message);
        }
        return json.append('}').toString();
    }

    /**
     * Appends {@code message}'s fields when it is {@code action: a | result: r( | key: value)*};
     * false (nothing appended) otherwise. Values hold no '|' ({@link LogLine} replaces it), so
     * {@code " | "} always separates two fields.
     */
    private static boolean appendLogLine(StringBuilder json, String message) {
        int resultAt = message.indexOf(RESULT);
        if (!message.startsWith(ACTION) || resultAt < 0) {
            return false;
        }
        int mark = json.length();
        field(json, "action", message.substring(ACTION.length(), resultAt));
        int start = resultAt + RESULT.length();
        int next = message.indexOf(SEPARATOR, start);
        json.append(',');
        field(json, "result", message.substring(start, next < 0 ? message.length() : next));
        while (next >= 0) {
            start = next + SEPARATOR.length();
            next = message.indexOf(SEPARATOR, start);
            int end = next < 0 ? message.length() : next;
            int colon = message.indexOf(KEY_END, start);
            if (colon < 0 || colon + KEY_END.length() > end) {
                json.setLength(mark); // a field with no "key: ": not a LogLine after all
                return false;
            }
            json.append(',');
            field(json, message.substring(start, colon), message.substring(colon + KEY_END.length(), end));
        }
        return true;
    }

    private static boolean startsWithTime(String text) {
        if (text.length() <= TIME_LENGTH + 1 || text.charAt(TIME_LENGTH) != ' ') {
            return false;
        }
        for (int i = 0; i < TIME_LENGTH; i++) {
            char c = text.charAt(i);
            boolean expected = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == ' ';
                case 13, 16 -> c == ':';
                default -> c >= '0' && c <= '9';
            };
            if (!expected) {
                return false;
            }
        }
        return true;
    }

    private static void field(StringBuilder json, String name, String value) {
        appendString(json, name);
        json.append(':');
        appendString(json, value);
    }

    /**
     * {@code value} as a JSON string (RFC 8259): quotes, backslashes and control characters
     * escaped, everything else as it is (non-ASCII stays UTF-8 on the way out), except a lone
     * surrogate, which no UTF-8 encoder can write: escaped as {@code \\uXXXX}, it survives.
     * Also the server's HTTP port's JSON goes through here: one escaper for both.
     */
    public static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20 || (Character.isSurrogate(c) && !pairedAt(value, i))) {
                        unicodeEscape(json, c);
                    } else if (Character.isHighSurrogate(c)) {
                        json.append(c).append(value.charAt(++i)); // the pair, whole
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /** Whether the surrogate at {@code i} is half of a well-formed pair. */
    private static boolean pairedAt(String value, int i) {
        char c = value.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
    }

    private static void unicodeEscape(StringBuilder json, char c) {
        String hex = Integer.toHexString(c);
        json.append("\\u");
        for (int pad = hex.length(); pad < 4; pad++) {
            json.append('0');
        }
        json.append(hex);
    }
}
