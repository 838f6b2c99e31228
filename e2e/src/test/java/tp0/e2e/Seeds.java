package tp0.e2e;

import java.util.Random;

/** Seeds of the randomised suites: given to replay a run, else new; always printed. */
final class Seeds {
    private Seeds() {}

    /** {@code -D<property>} when given, else a new seed; prints how to replay it as {@code what}'s. */
    static long of(String property, String what) {
        long seed = Long.getLong(property, System.nanoTime());
        System.out.println(what + ": seed " + seed + " (rerun with -D" + property + "=" + seed + ")");
        return seed;
    }

    /** A generator seeded as {@link #of} says. */
    static Random random(String property, String what) {
        return new Random(of(property, what));
    }
}
