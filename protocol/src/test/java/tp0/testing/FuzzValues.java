package tp0.testing;

import java.util.Random;

/** Values for the config fuzz tests of both programs (shared through protocol's test jar). */
public final class FuzzValues {
    private FuzzValues() {}

    /**
     * A random setting's value: a random int, a short random string (ASCII and BMP characters,
     * controls and separators included), or one of {@code extremes}, the edge cases the caller knows.
     */
    public static String any(Random random, String[] extremes) {
        return switch (random.nextInt(4)) {
            case 0 -> Integer.toString(random.nextInt());
            case 1 -> {
                StringBuilder s = new StringBuilder();
                for (int k = random.nextInt(12); k > 0; k--) {
                    s.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
                }
                yield s.toString();
            }
            default -> extremes[random.nextInt(extremes.length)];
        };
    }
}
