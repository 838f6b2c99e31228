package tp0.lottery.ops;

import tp0.logline.JsonLogLine;

/** The little JSON the HTTP port writes by hand: its objects hold numbers, booleans and short texts. */
final class Json {

    private Json() {}

    /**
     * {@code text} as a JSON string literal, escaped as the JSON log lines are, and with no
     * {@code <}, {@code >} or {@code &} left as such: what the status page gets is never markup.
     * The shared escaper never writes those three itself, so replacing them after is exact.
     */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        JsonLogLine.appendString(out, text);
        return out.toString().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }
}
