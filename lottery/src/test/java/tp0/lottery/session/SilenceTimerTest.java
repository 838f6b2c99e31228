package tp0.lottery.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SilenceTimerTest {

    private static final Duration FRAME = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final AtomicLong now = new AtomicLong(1_000);
    /** The delays the timer was armed with, oldest first. */
    private final List<Duration> armed = new ArrayList<>();
    private final SilenceTimer timer = new SilenceTimer(now::get, armed::add);

    private void passes(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aPeerSilentForTheLimitIsNoticedWhenTheTimerFires() {
        timer.update(LIMIT);
        assertEquals(List.of(LIMIT), armed);
        passes(LIMIT);
        assertTrue(timer.fired(LIMIT));
    }

    @Test
    void aFrameMeanwhileMovesTheDeadlineAndTheTimerIsArmedAgainForTheRestInsteadOfBeingCancelled() {
        timer.update(LIMIT);
        passes(Duration.ofSeconds(4));
        timer.frameArrived();
        timer.update(LIMIT); // waiting again, from now; the armed timer stays
        assertEquals(1, armed.size());

        passes(Duration.ofSeconds(6)); // the first timer fires 4 s early
        assertFalse(timer.fired(LIMIT));
        assertEquals(Duration.ofSeconds(4), armed.get(1));
        passes(Duration.ofSeconds(4));
        assertTrue(timer.fired(LIMIT));
    }

    @Test
    void aShorterLimitArmsTheTimerSooner() {
        timer.update(FRAME);
        timer.update(LIMIT);
        assertEquals(List.of(FRAME, LIMIT), armed);
    }

    @Test
    void whileTheSessionDoesNotWaitOnThePeerNothingTimesOut() {
        timer.update(LIMIT);
        timer.frameArrived(); // handling a frame: the session holds its stream
        passes(LIMIT.multipliedBy(3));
        assertFalse(timer.fired(LIMIT));
        timer.update(null);
        assertFalse(timer.fired(null));
        assertEquals(1, armed.size(), "armed again only once the session waits on the peer");
        timer.update(LIMIT);
        assertEquals(2, armed.size());
    }

    @Test
    void theLimitDependsOnWhetherThePeerPingsAndWhetherItIsOwedAnything() {
        assertNull(SilenceTimer.limit(false, true, false, FRAME, HEARTBEAT), "not waiting on the peer");
        assertEquals(FRAME, SilenceTimer.limit(true, false, false, FRAME, HEARTBEAT));
        assertEquals(HEARTBEAT, SilenceTimer.limit(true, true, false, FRAME, HEARTBEAT), "the shorter of the two");
        assertEquals(FRAME, SilenceTimer.limit(true, true, false, FRAME, Duration.ofMinutes(1)));
        assertEquals(HEARTBEAT, SilenceTimer.limit(true, true, true, FRAME, HEARTBEAT), "waiting for acks, it pings");
        assertNull(SilenceTimer.limit(true, false, true, FRAME, HEARTBEAT), "a version-1 peer waiting never pings");
    }

    @Test
    void limitsAreToldInSeconds() {
        assertEquals("2", SilenceTimer.seconds(Duration.ofSeconds(2)));
        assertEquals("0.5", SilenceTimer.seconds(Duration.ofMillis(500)));
    }
}
