package tp0.lottery.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import scala.concurrent.ExecutionContext;

/** When the HTTP port starts, on {@link ManualTime}: after the grace, at the first quiet poll, at the latest bound. */
class QuietStartTest {

    private static final ActorTestKit kit = ActorTestKit.create(ManualTime.config());
    private static final ManualTime time = ManualTime.get(kit.system());
    private static final Duration STEP = Duration.ofMillis(10);

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** Runs the start on the calling thread: what ran is visible as soon as time has moved. */
    private static final ExecutionContext SAME_THREAD = ExecutionContext.fromExecutor(Runnable::run);

    private static AtomicInteger schedule(AtomicBoolean busy, AtomicBoolean stopping) {
        AtomicInteger starts = new AtomicInteger();
        QuietStart.schedule(kit.system().scheduler(), SAME_THREAD, busy::get, stopping::get, starts::incrementAndGet);
        return starts;
    }

    /** Not started just before {@code at} (from its scheduling), started once at {@code at}. */
    private static void assertStartedAt(Duration at, AtomicInteger starts) {
        time.timePasses(at.minus(STEP));
        assertEquals(0, starts.get(), "before " + at);
        time.timePasses(STEP);
        assertEquals(1, starts.get(), "at " + at);
    }

    @Test
    void aQuietServerStartsItRightAfterTheGrace() {
        AtomicInteger starts = schedule(new AtomicBoolean(false), new AtomicBoolean(false));
        assertStartedAt(QuietStart.GRACE, starts);
        time.timePasses(QuietStart.LATEST);
        assertEquals(1, starts.get(), "once only");
    }

    @Test
    void connectedAgenciesPostponeItUntilTheyAreGone() {
        AtomicBoolean busy = new AtomicBoolean(true);
        AtomicInteger starts = schedule(busy, new AtomicBoolean(false));
        time.timePasses(QuietStart.GRACE.plus(QuietStart.POLL.multipliedBy(3)));
        assertEquals(0, starts.get(), "while agencies are connected");
        busy.set(false);
        time.timePasses(QuietStart.POLL);
        assertEquals(1, starts.get(), "at the first quiet poll");
    }

    @Test
    void busyForeverItStartsAtTheLatest() {
        AtomicInteger starts = schedule(new AtomicBoolean(true), new AtomicBoolean(false));
        assertStartedAt(QuietStart.LATEST, starts);
    }

    @Test
    void aStopBeforeItNeverStartsIt() {
        AtomicBoolean stopping = new AtomicBoolean(false);
        AtomicInteger starts = schedule(new AtomicBoolean(true), stopping);
        stopping.set(true);
        time.timePasses(QuietStart.LATEST.multipliedBy(2));
        assertEquals(0, starts.get());
    }
}
