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
            total = total.plus(switch (s.substring(unitStart, i)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> throw invalid(text);
            });
        }
        return total;
    }

    /** The way {@link #parse} reads it back: whole seconds as {@code 15s}, else milliseconds. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s or 2m");
    }
}
