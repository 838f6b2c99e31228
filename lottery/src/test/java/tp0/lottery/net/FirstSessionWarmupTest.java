package tp0.lottery.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.config.AgencySecrets;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.Inbound;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;
import tp0.protocol.Message;

/** The warm-up walks the path a real first session takes, and touches nothing but a read. */
class FirstSessionWarmupTest {
    static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void itsBytesDecodeAsAFirstSessionsMessagesNotAsErrors() throws Exception {
        List<Inbound> got = Source.single(FirstSessionWarmup.firstSession()).via(WireFormat.inbound())
                .runWith(Sink.seq(), Materializer.matFromSystem(testKit.system()))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<Class<?>> expected = List.of(Message.Hello.class, Message.BetBatch.class,
                Message.AllBetsSent.class, Message.WinnersQuery.class);
        assertEquals(expected.size(), got.size(), got.toString());
        for (int i = 0; i < expected.size(); i++) {
            Inbound.Decoded decoded = assertInstanceOf(Inbound.Decoded.class, got.get(i), got.toString());
            assertInstanceOf(expected.get(i), decoded.message());
        }
    }

    @Test
    void itOnlyAsksTheStoreForACountAndLeavesTheRestAlone() throws Exception {
        TestProbe<BetStore.Command> store = testKit.createTestProbe();
        TestProbe<DrawCoordinator.Command> coordinator = testKit.createTestProbe();
        TestProbe<SessionRegistry.Command> registry = testKit.createTestProbe();
        AgencySession.Deps deps = new AgencySession.Deps(5, store.ref(), coordinator.ref(), registry.ref(),
                AgencySecrets.NONE, Duration.ofSeconds(30), 16, Duration.ofSeconds(30));

        var done = FirstSessionWarmup.run(testKit.system(), Materializer.matFromSystem(testKit.system()), deps)
                .toCompletableFuture();
        BetStore.GetStoredCount ask = store.expectMessageClass(BetStore.GetStoredCount.class);
        ask.replyTo().tell(new BetStore.StoredCount(ask.agency(), 0));
        done.get(10, TimeUnit.SECONDS);
        store.expectNoMessage(Duration.ofMillis(200));
        coordinator.expectNoMessage(Duration.ofMillis(50));
        registry.expectNoMessage(Duration.ofMillis(50));
    }
}
