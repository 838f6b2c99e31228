package tp0.agency.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static long micros(long us) {
        return TimeUnit.MICROSECONDS.toNanos(us);
    }

    @Test
    void bucketsTileTheRangeWithoutGapsOrOverlaps() {
        long expectedLowest = 0;
        int last = LatencyHistogram.index(LatencyHistogram.MAX_MICROS);
        for (int i = 0; i <= last; i++) {
            assertEquals(expectedLowest, LatencyHistogram.lowestOf(i), "bucket " + i);
            long width = LatencyHistogram.widthOf(i);
            assertEquals(i, LatencyHistogram.index(expectedLowest));
            assertEquals(i, LatencyHistogram.index(expectedLowest + width - 1));
            assertTrue(width == 1 || width * 128 <= expectedLowest, "within 1/128 of its values: bucket " + i);
            expectedLowest += width;
        }
        assertEquals(LatencyHistogram.MAX_MICROS + 1, expectedLowest);
    }

    @Test
    void smallValuesAreExactAndLargeOnesWithinAFractionOfAPercent() {
        Random random = new Random(7);
        for (int n = 0; n < 10_000; n++) {
            long us = n < 256 ? n : (long) Math.exp(random.nextDouble() * Math.log(LatencyHistogram.MAX_MICROS));
            LatencyHistogram h = new LatencyHistogram();
            h.record(micros(us) + 999); // sub-microsecond parts are dropped
            h.record(micros(us + 1_000_000_000L)); // a larger value, so the clamp to the max does not help
            h.record(0);
            long p50 = h.percentileMicros(0.5);
            if (us < 256) {
                assertEquals(us, p50);
            } else {
                assertTrue(Math.abs(p50 - us) <= us / 250.0, us + " came back as " + p50);
            }
        }
    }

    @Test
    void percentilesFollowTheRanks() {
        LatencyHistogram h = new LatencyHistogram();
        long[] values = new long[1000];
        Random random = new Random(42);
        for (int i = 0; i < values.length; i++) {
            values[i] = 1_000L + random.nextInt(20_000); // 1..21 ms
            h.record(micros(values[i]));
        }
        Arrays.sort(values);
        assertEquals(1000, h.count());
        for (double q : new double[] {0.001, 0.5, 0.9, 0.99, 1.0}) {
            long exact = values[(int) Math.ceil(q * values.length) - 1];
            long got = h.percentileMicros(q);
            assertTrue(Math.abs(got - exact) <= exact / 250.0, "q " + q + ": " + got + " vs " + exact);
        }
        assertEquals(values[values.length - 1], h.percentileMicros(1.0), "the top one is clamped to the true max");
    }

    @Test
    void millisTextHasOneDecimalOrSaysNone() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals("none", h.percentileMillisText(0.5));
        assertThrows(IllegalStateException.class, () -> h.percentileMicros(0.5));
        h.record(micros(40));
        assertEquals("0.0", h.percentileMillisText(0.5));
        h.record(micros(1_250));
        h.record(micros(1_250));
        assertEquals("1.3", h.percentileMillisText(0.5)); // 1.25 ms rounds half up
        h.record(TimeUnit.HOURS.toNanos(100)); // beyond the range: counted as its top
        assertEquals(LatencyHistogram.MAX_MICROS, h.percentileMicros(1.0));
        assertEquals("68719476.7", h.percentileMillisText(1.0));
        assertThrows(IllegalArgumentException.class, () -> h.percentileMicros(0));
        assertThrows(IllegalArgumentException.class, () -> h.percentileMicros(1.5));
    }

    @Test
    void aNegativeDurationCountsAsZero() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5_000);
        assertEquals(0, h.percentileMicros(1.0));
    }
}
