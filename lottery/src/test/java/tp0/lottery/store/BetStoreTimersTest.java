package tp0.lottery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/**
 * The store actor's own rules over a scripted backend, on manual time: a failed draw is retried on
 * a timer (the store answering meanwhile) until the backend's retry window closes, and a commit
 * that finds the draw held elsewhere seals the store.
 */
class BetStoreTimersTest {
    private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
    private static final ManualTime manualTime = ManualTime.get(testKit.system());

    @AfterAll
    static void cleanup() {
        testKit.shutdownTestKit();
    }

    /** A backend that only counts, whose draws fail {@code failingDraws} times, then succeed. */
    private static final class ScriptedBackend implements StoreBackend {
        final AtomicInteger draws = new AtomicInteger();
        final AtomicInteger appends = new AtomicInteger();
        final int failingDraws;
        final Duration drawRetry;
        volatile Map<Integer, BetStore.Refused> leftOut = Map.of();

        ScriptedBackend(int failingDraws, Duration drawRetry) {
            this.failingDraws = failingDraws;
            this.drawRetry = drawRetry;
        }

        @Override
        public void append(int agency, long storedBefore, Message.BetBatch batch) {
            appends.incrementAndGet();
        }

        @Override
        public Map<Integer, BetStore.Refused> commit() {
            return leftOut;
        }

        @Override
        public long storedCount(int agency, long known) {
            return known;
        }

        @Override
        public void markFinished(int agency, long stored) {}

        @Override
        public BetStore.Drawn draw() throws StoreFailure {
            if (draws.incrementAndGet() <= failingDraws) {
                throw new StoreFailure("database: gone", "gone", null);
            }
            return new BetStore.Drawn(Map.of(), 7);
        }

        @Override
        public Duration drawRetry() {
            return drawRetry;
        }

        @Override
        public Object[] location(String error) {
            return new Object[] {"db", "scripted", "error", error};
        }

        @Override
        public String afterGap(int agency) {
            return "gap";
        }

        @Override
        public void close() {}
    }

    private static StoreClient spawn(ScriptedBackend backend) {
        return new StoreClient(testKit, testKit.spawn(BetStore.create(backend, Map.of(1, 7L))), Duration.ofSeconds(5));
    }

    private static final List<Bet> ONE_BET = List.of(new Bet("Ana", "Pérez", "1", java.time.LocalDate.of(1990, 1, 1), 3));

    @Test
    void aFailedDrawIsRetriedOnATimerWhileTheStoreAnswersOtherRequests() {
        ScriptedBackend backend = new ScriptedBackend(2, Duration.ofMinutes(1));
        StoreClient store = spawn(backend);
        TestProbe<BetStore.DrawOutcome> outcome = testKit.createTestProbe();
        store.store().tell(new BetStore.Draw(outcome.getRef()));
        outcome.expectNoMessage(Duration.ofMillis(100));
        assertEquals(7, store.count(1), "not blocked while it waits to retry");
        assertEquals(ErrorCode.BETS_CLOSED,
                assertInstanceOf(BetStore.Refused.class, store.store(1, ONE_BET)).code(), "sealed already");
        assertEquals(1, backend.draws.get());

        manualTime.timePasses(BetStore.DRAW_RETRY_PAUSE);
        outcome.expectNoMessage(Duration.ofMillis(100));
        assertEquals(2, backend.draws.get());
        manualTime.timePasses(BetStore.DRAW_RETRY_PAUSE);
        assertEquals(new BetStore.Drawn(Map.of(), 7), outcome.receiveMessage());
        assertEquals(3, backend.draws.get());
        assertEquals(0, backend.appends.get(), "nothing appended after the draw");
    }

    @Test
    void withoutARetryWindowAFailedDrawIsAnsweredAtOnce() {
        ScriptedBackend backend = new ScriptedBackend(1, Duration.ZERO);
        StoreClient store = spawn(backend);
        assertEquals(new BetStore.DrawFailed("database: gone"), store.draw());
        manualTime.timePasses(Duration.ofSeconds(5));
        assertEquals(1, backend.draws.get(), "not retried");
    }

    @Test
    void aCommitThatFindsTheDrawHeldElsewhereSealsTheStore() {
        ScriptedBackend backend = new ScriptedBackend(0, Duration.ZERO);
        backend.leftOut = Map.of(1, new BetStore.Refused(ErrorCode.BETS_CLOSED, "the draw has been held"));
        StoreClient store = spawn(backend);
        assertEquals(ErrorCode.BETS_CLOSED, assertInstanceOf(BetStore.Refused.class, store.store(1, ONE_BET)).code());
        backend.leftOut = Map.of();
        assertEquals(ErrorCode.BETS_CLOSED, assertInstanceOf(BetStore.Refused.class, store.store(2, ONE_BET)).code(),
                "sealed: another agency's batch is refused without reaching the backend");
        assertEquals(1, backend.appends.get());
    }
}
