package tp0.agency.config;

import java.time.Duration;

/**
 * Parses Go-style durations as the course's configs write them: {@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 1h}, or a sum like {@code 1m30s}. A unit is required: a bare "30" is
 * ambiguous (seconds? milliseconds?), so it is rejected rather than guessed.
 */
public final class DurationText {

    private DurationText() {}

    /** @throws IllegalArgumentException saying what is wrong with {@code text} */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        Duration total = Duration.ZERO;
        int i = 0;
        while (i < s.length()) {
            int digitsStart = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            if (digitsStart == unitStart || unitStart == i) {
                throw invalid(text);
            }
            long amount;
            try {
                amount = Long.parseLong(s.substring(digitsStart, unitStart));
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            try {
                total = total.plus(switch (s.substring(unitStart, i)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> throw invalid(text);
                });
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("'" + text + "' is longer than any duration this program can wait");
            }
        }
        return total;
    }

    /** The shortest text {@link #parse} reads back as {@code duration}, e.g. {@code 30s}, {@code 1m30s}, {@code 500ms}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        if (hours > 0) text.append(hours).append('h');
        if (minutes > 0) text.append(minutes).append('m');
        if (seconds > 0) text.append(seconds).append('s');
        if (millis > 0) text.append(millis).append("ms");
        return text.toString();
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s or 2m");
    }
}
