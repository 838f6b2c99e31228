package tp0.agency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StopSignalTest {

    @Test
    void onlyTheFirstRequestAnnouncesAndCounts() {
        StopSignal stop = new StopSignal();
        AtomicInteger announced = new AtomicInteger();
        assertFalse(stop.isRequested());
        assertTrue(stop.request(announced::incrementAndGet));
        assertFalse(stop.request(announced::incrementAndGet));
        assertTrue(stop.isRequested());
        assertEquals(1, announced.get());
    }

    @Test
    void aRequestWakesASleeperAndClosesTheWatchedResource() throws Exception {
        StopSignal stop = new StopSignal();
        ServerSocket watched = new ServerSocket(0);
        stop.closeOnStop(watched);
        CompletableFuture<Boolean> sleeper = CompletableFuture.supplyAsync(() -> stop.sleepUnlessStopped(60_000));
        stop.request();
        assertTrue(sleeper.get(5, TimeUnit.SECONDS));
        assertTrue(watched.isClosed());
    }

    @Test
    void watchingAfterTheRequestClosesAtOnce() throws Exception {
        StopSignal stop = new StopSignal();
        stop.request();
        ServerSocket late = new ServerSocket(0);
        stop.closeOnStop(late);
        assertTrue(late.isClosed());
        assertTrue(stop.sleepUnlessStopped(60_000));
    }

    @Test
    void sleepingWithoutARequestTimesOut() {
        assertFalse(new StopSignal().sleepUnlessStopped(1));
    }
}
