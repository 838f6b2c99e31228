package tp0.lottery.draw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.store.BetStore;

class DrawCoordinatorTest {

    static final ActorTestKit testKit = ActorTestKit.create();
    private static final Duration QUIET = Duration.ofMillis(300);

    @AfterAll
    static void cleanup() {
        testKit.shutdownTestKit();
    }

    private final TestProbe<BetStore.Command> store = testKit.createTestProbe();

    private ActorRef<DrawCoordinator.Command> coordinator(int numAgencies) {
        return testKit.spawn(DrawCoordinator.create(numAgencies, store.getRef()));
    }

    private static void finish(ActorRef<DrawCoordinator.Command> coordinator, int agency) {
        TestProbe<Done> done = testKit.createTestProbe();
        coordinator.tell(new DrawCoordinator.AgencyFinished(agency, done.getRef()));
        done.expectMessage(Done.getInstance());
    }

    private static TestProbe<DrawCoordinator.WinnersAnswer> query(ActorRef<DrawCoordinator.Command> coordinator, int agency) {
        TestProbe<DrawCoordinator.WinnersAnswer> probe = testKit.createTestProbe();
        coordinator.tell(new DrawCoordinator.QueryWinners(agency, probe.getRef()));
        return probe;
    }

    private static final Map<Integer, List<String>> WINNERS = Map.of(
            1, List.of("111", "0112"),
            2, List.of("221"));

    @Test
    void drawIsRequestedOnceAllAgenciesFinishedAndParkedQueriesGetTheirOwnWinners() {
        ActorRef<DrawCoordinator.Command> coordinator = coordinator(3);
        TestProbe<DrawCoordinator.WinnersAnswer> early1 = query(coordinator, 1);
        TestProbe<DrawCoordinator.WinnersAnswer> early2 = query(coordinator, 2);

        finish(coordinator, 1);
        finish(coordinator, 2);
        finish(coordinator, 2); // repeated
        finish(coordinator, 7); // outside 1..3: acknowledged, not counted
        finish(coordinator, 0);
        store.expectNoMessage(QUIET);
        early1.expectNoMessage(Duration.ZERO);
        early2.expectNoMessage(Duration.ZERO);

        finish(coordinator, 3);
        BetStore.Draw draw = store.expectMessageClass(BetStore.Draw.class);
        early1.expectNoMessage(QUIET); // never a partial answer before the draw completes

        draw.replyTo().tell(new BetStore.Drawn(WINNERS, 42));
        early1.expectMessage(new DrawCoordinator.AgencyWinners(1, List.of("111", "0112")));
        early2.expectMessage(new DrawCoordinator.AgencyWinners(2, List.of("221")));

        // Later queries are answered at once; an agency without winners gets an empty list.
        query(coordinator, 1).expectMessage(new DrawCoordinator.AgencyWinners(1, List.of("111", "0112")));
        query(coordinator, 3).expectMessage(new DrawCoordinator.AgencyWinners(3, List.of()));

        // Nothing triggers a second draw.
        finish(coordinator, 3);
        finish(coordinator, 1);
        store.expectNoMessage(QUIET);
        early1.expectNoMessage(Duration.ZERO);
    }

    @Test
    void aQuerierThatStoppedBeforeTheDrawDoesNotDisturbTheOthers() {
        ActorRef<DrawCoordinator.Command> coordinator = coordinator(2);
        TestProbe<DrawCoordinator.WinnersAnswer> gone = query(coordinator, 1);
        TestProbe<DrawCoordinator.WinnersAnswer> staying = query(coordinator, 2);
        TestProbe<DrawCoordinator.WinnersAnswer> alsoStaying = query(coordinator, 1);
        gone.stop();

        finish(coordinator, 1);
        finish(coordinator, 2);
        store.expectMessageClass(BetStore.Draw.class).replyTo().tell(new BetStore.Drawn(WINNERS, 3));

        staying.expectMessage(new DrawCoordinator.AgencyWinners(2, List.of("221")));
        alsoStaying.expectMessage(new DrawCoordinator.AgencyWinners(1, List.of("111", "0112")));
        query(coordinator, 1).expectMessage(new DrawCoordinator.AgencyWinners(1, List.of("111", "0112")));
    }

    @Test
    void aFailedDrawTellsEveryQuerierItIsUnavailable() {
        ActorRef<DrawCoordinator.Command> coordinator = coordinator(1);
        TestProbe<DrawCoordinator.WinnersAnswer> parked = query(coordinator, 1);

        finish(coordinator, 1);
        store.expectMessageClass(BetStore.Draw.class).replyTo().tell(new BetStore.DrawFailed("disk on fire"));

        DrawCoordinator.DrawUnavailable answer =
                assertInstanceOf(DrawCoordinator.DrawUnavailable.class, parked.receiveMessage());
        assertEquals("disk on fire", answer.reason());
        assertInstanceOf(DrawCoordinator.DrawUnavailable.class, query(coordinator, 1).receiveMessage());

        finish(coordinator, 1);
        store.expectNoMessage(QUIET);
    }

    @Test
    void singleAgencyDrawsAsSoonAsItFinishes() {
        ActorRef<DrawCoordinator.Command> coordinator = coordinator(1);
        finish(coordinator, 1);
        store.expectMessageClass(BetStore.Draw.class).replyTo().tell(new BetStore.Drawn(Map.of(), 0));
        query(coordinator, 1).expectMessage(new DrawCoordinator.AgencyWinners(1, List.of()));
    }
}
