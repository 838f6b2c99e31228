package tp0.agency.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
    private final LogCapture capture = new LogCapture(LogLevel.INFO);
    /** The reporter's clock, in nanoseconds, moved by hand. */
    private final AtomicLong now = new AtomicLong(1_000);
    private final ProgressReporter progress = new ProgressReporter(capture.log, now::get);

    @Test
    void reportsEveryTwoSecondsWithTheRateOfTheLastInterval() {

        progress.acked(100);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1_000));
        progress.acked(100);
        assertEquals(0, capture.lines().size(), "not yet two seconds");

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1_000));
        progress.acked(200);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(4_000));
        progress.acked(1_000);

        assertEquals(java.util.List.of(
                "action: progress | result: in_progress | sent: 400 | rate: 200/s",
                "action: progress | result: in_progress | sent: 1400 | rate: 250/s"), capture.messages());
        assertEquals(1_400, progress.acked());
    }

    @Test
    void aReconnectionContinuesFromTheServersCountWithoutARateJump() {
        progress.acked(300);
        now.addAndGet(TimeUnit.SECONDS.toNanos(10)); // an outage
        progress.resume(250); // the last batch's ack was lost, and it was not stored

        progress.acked(100);
        assertEquals(0, capture.lines().size(), "the interval restarts with the connection");
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        progress.acked(100);
        assertEquals(java.util.List.of("action: progress | result: in_progress | sent: 450 | rate: 100/s"),
                capture.messages());
        assertEquals(450, progress.acked());
    }
}
