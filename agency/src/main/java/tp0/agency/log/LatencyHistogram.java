package tp0.agency.log;

import java.util.concurrent.TimeUnit;

/**
 * Percentiles of many durations in a fixed amount of memory: a log-linear histogram of
 * microseconds (the layout HdrHistogram uses). Values below 256 µs get a bucket each; above
 * that every power of two is split into 128 buckets, so a reported value is within 0.4 % of
 * a real one. 3,840 counters (15 KiB) cover up to 19 hours, whatever the number of values:
 * a run over a file of any size costs the same, and recording allocates nothing.
 *
 * <p>Not thread-safe: the agency's one flow records and reads it.
 */
public final class LatencyHistogram {
    /** Buckets per power of two, as a bit count: 2^7 = 128. */
    private static final int SUB_BITS = 7;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    /** Below this every microsecond value has its own bucket. */
    private static final int EXACT_LIMIT = 2 * SUB_BUCKETS;
    /** Longer durations are counted as this one (2^36 µs ≈ 19 h): the array stays fixed. */
    static final long MAX_MICROS = (1L << 36) - 1;

    private final int[] counts = new int[index(MAX_MICROS) + 1];
    private long total;
    private long minMicros = Long.MAX_VALUE;
    private long maxMicros;

    /** Counts one duration; negative ones (a clock that went back) count as zero. */
    public void record(long nanos) {
        long micros = Math.min(Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos)), MAX_MICROS);
        counts[index(micros)]++;
        total++;
        minMicros = Math.min(minMicros, micros);
        maxMicros = Math.max(maxMicros, micros);
    }

    /** How many durations were recorded. */
    public long count() {
        return total;
    }

    /**
     * The duration, in µs, that {@code quantile} (0..1] of the recorded ones do not exceed:
     * the middle of its bucket, kept within the smallest and largest recorded (the largest
     * itself for the last rank).
     *
     * @throws IllegalStateException when nothing was recorded
     */
    public long percentileMicros(double quantile) {
        if (total == 0) {
            throw new IllegalStateException("no durations recorded");
        }
        if (!(quantile > 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1]: " + quantile);
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        if (rank == total) {
            return maxMicros; // known exactly: no need for its bucket's middle
        }
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long middle = lowestOf(i) + (widthOf(i) - 1) / 2;
                return Math.min(Math.max(middle, minMicros), maxMicros);
            }
        }
        return maxMicros; // unreachable: the counts add up to total
    }

    /**
     * The percentile in milliseconds with one decimal ({@code 1.2}), or {@code none} when
     * nothing was recorded (no batch this run): a log value, built without a Formatter.
     */
    public String percentileMillisText(double quantile) {
        if (total == 0) {
            return "none";
        }
        long tenths = (percentileMicros(quantile) + 50) / 100;
        return (tenths / 10) + "." + (tenths % 10);
    }

    static int index(long micros) {
        if (micros < EXACT_LIMIT) {
            return (int) micros;
        }
        int shift = (63 - Long.numberOfLeadingZeros(micros)) - SUB_BITS; // >= 1 here
        int top = (int) (micros >>> shift); // SUB_BUCKETS .. 2 * SUB_BUCKETS - 1
        return EXACT_LIMIT + (shift - 1) * SUB_BUCKETS + (top - SUB_BUCKETS);
    }

    static long lowestOf(int index) {
        if (index < EXACT_LIMIT) {
            return index;
        }
        int shift = (index - EXACT_LIMIT) / SUB_BUCKETS + 1;
        long top = (long) SUB_BUCKETS + (index - EXACT_LIMIT) % SUB_BUCKETS;
        return top << shift;
    }

    static long widthOf(int index) {
        return index < EXACT_LIMIT ? 1 : 1L << ((index - EXACT_LIMIT) / SUB_BUCKETS + 1);
    }
}
