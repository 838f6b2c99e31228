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

/**
 * When the HTTP port starts, on {@link ManualTime}: once connections came and went, at the
 * latest bound otherwise, never after a stop.
 */
class QuietStartTest {

    private static final ActorTestKit kit = ActorTestKit.create(ManualTime.config());
    private static final ManualTime time = ManualTime.get(kit.system());
    private static final Duration STEP = Duration.ofMillis(10);
    /** Runs the start on the scheduler's thread: what ran is visible as soon as time has moved. */
    private static final ExecutionContext SAME_THREAD = ExecutionContext.fromExecutor(Runnable::run);

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static AtomicInteger schedule(AtomicInteger open, AtomicBoolean stopping) {
        AtomicInteger starts = new AtomicInteger();
        QuietStart.schedule(kit.system().scheduler(), SAME_THREAD, open::get, stopping::get, starts::incrementAndGet);
        return starts;
    }

    /** Not started just before {@code at} (from now), started once at {@code at}. */
    private static void assertStartedAt(Duration at, AtomicInteger starts) {
        time.timePasses(at.minus(STEP));
        assertEquals(0, starts.get(), "before " + at);
        time.timePasses(STEP);
        assertEquals(1, starts.get(), "at " + at);
    }

    @Test
    void agenciesThatConnectedAndLeftStartItAtTheNextPoll() {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger starts = schedule(open, new AtomicBoolean(false));
        time.timePasses(QuietStart.POLL.multipliedBy(5));
        assertEquals(0, starts.get(), "nobody came yet: the agencies' JVMs may still be starting");
        open.set(5);
        time.timePasses(QuietStart.POLL.multipliedBy(10));
        assertEquals(0, starts.get(), "while the agencies are connected");
        open.set(0);
        assertStartedAt(QuietStart.POLL, starts);
        time.timePasses(QuietStart.LATEST);
        assertEquals(1, starts.get(), "once only");
    }

    @Test
    void aServerNobodyConnectsToStartsItAtTheLatest() {
        AtomicInteger starts = schedule(new AtomicInteger(), new AtomicBoolean(false));
        assertStartedAt(QuietStart.LATEST, starts);
    }

    @Test
    void agenciesConnectedThroughoutStartItAtTheLatest() {
        AtomicInteger starts = schedule(new AtomicInteger(3), new AtomicBoolean(false));
        assertStartedAt(QuietStart.LATEST, starts);
    }

    @Test
    void aStopBeforeItNeverStartsIt() {
        AtomicBoolean stopping = new AtomicBoolean(false);
        AtomicInteger starts = schedule(new AtomicInteger(3), stopping);
        time.timePasses(QuietStart.POLL);
        stopping.set(true);
        time.timePasses(QuietStart.LATEST.multipliedBy(2));
        assertEquals(0, starts.get());
    }
}
