package tp0.lottery.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.ops.LotteryStatus;

/**
 * Two nodes' spreading actors (in one actor system: the receptionist lists both as it would
 * across nodes): within a few rounds each node's page shows what the other holds.
 */
class ClusterStatusTest {
    private static final ActorTestKit kit = ActorTestKit.create();
    private static final String N1 = "127.0.0.1:1";
    private static final String N2 = "127.0.0.1:2";

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    private static Membership seenFrom(String self) {
        return new Membership(self, "up", List.of(new Membership.MemberState(N1, "up", true),
                new Membership.MemberState(N2, "up", true)));
    }

    @Test
    void eachNodesPageShowsWhatTheOtherHoldsWithinAFewRounds() {
        LotteryStatus first = new LotteryStatus(2);
        first.agencyConnected(1);
        first.batchStored(1, 100, 100);
        LotteryStatus second = new LotteryStatus(2);
        second.batchStored(2, 300, 300);
        second.agencyFinished(2);
        ClusterView onFirst = new ClusterView(first, () -> seenFrom(N1), new AtomicInteger(1));
        ClusterView onSecond = new ClusterView(second, () -> seenFrom(N2), new AtomicInteger(1));
        kit.spawn(ClusterStatus.create(N1, onFirst));
        kit.spawn(ClusterStatus.create(N2, onSecond));

        TestProbe<Void> waiter = kit.createTestProbe();
        Duration bound = ClusterStatus.ROUND.multipliedBy(10);
        waiter.awaitAssert(bound, () -> {
            String page = onFirst.json();
            assertTrue(page.contains("{\"id\":2,\"connected\":false,\"stored\":300,\"finished\":true,\"node\":null}"), page);
            return null;
        });
        waiter.awaitAssert(bound, () -> {
            String page = onSecond.json();
            assertTrue(page.contains("{\"id\":1,\"connected\":true,\"stored\":100,\"finished\":false,\"node\":\"" + N1 + "\"}"),
                    page);
            assertTrue(page.contains("\"total\":400,\"connected\":1,\"finished\":1,"), page);
            return null;
        });
    }
}
