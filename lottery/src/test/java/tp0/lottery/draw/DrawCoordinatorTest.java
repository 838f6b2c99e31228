package tp0.lottery.draw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.store.BetStore;

/** The coordinator against a probe standing in for the store, answered by hand. */
class DrawCoordinatorTest {

    static final ActorTestKit testKit = ActorTestKit.create();
    private static final Duration QUIET = Duration.ofMillis(300);

    @AfterAll
    static void cleanup() {
        testKit.shutdownTestKit();
    }

    private final TestProbe<BetStore.Command> store = testKit.createTestProbe();

    private ActorRef<DrawCoordinator.Command> coordinator(int numAgencies) {
        return coordinator(numAgencies, Set.of());
    }

    private ActorRef<DrawCoordinator.Command> coordinator(int numAgencies, Set<Integer> initiallyFinished) {
        return testKit.spawn(DrawCoordinator.create(numAgencies, store.getRef(), initiallyFinished));
    }

    private static TestProbe<StatusReply<Done>> tellFinished(ActorRef<DrawCoordinator.Command> coordinator, int agency) {
        TestProbe<StatusReply<Done>> done = testKit.createTestProbe();
        coordinator.tell(new DrawCoordinator.AgencyFinished(agency, done.getRef()));
        return done;
    }

    /** A first "all bets sent": the store is asked for the mark, writes it, then the agency is answered. */
    private void finish(ActorRef<DrawCoordinator.Command> coordinator, int agency) {
        TestProbe<StatusReply<Done>> done = tellFinished(coordinator, agency);
        BetStore.MarkFinished mark = store.expectMessageClass(BetStore.MarkFinished.class);
        assertEquals(agency, mark.agency());
        mark.replyTo().tell(new BetStore.Marked(agency));
        done.expectMessage(StatusReply.ack());
    }

    /** A repeated (or out of range) "all bets sent": answered at once, nothing written. */
    private void finishAgain(ActorRef<DrawCoordinator.Command> coordinator, int agency) {
        tellFinished(coordinator, agency).expectMessage(StatusReply.ack());
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
        finishAgain(coordinator, 2); // repeated
        finishAgain(coordinator, 7); // outside 1..3: acknowledged, not counted
        finishAgain(coordinator, 0);
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
        finishAgain(coordinator, 3);
        finishAgain(coordinator, 1);
        store.expectNoMessage(QUIET);
        early1.expectNoMessage(Duration.ZERO);
    }

    @Test
    void finishedIsAnsweredOnlyAfterTheStoreWroteTheMark() {
        ActorRef<DrawCoordinator.Command> coordinator = coordinator(2);
        TestProbe<StatusReply<Done>> first = tellFinished(coordinator, 1);
        BetStore.MarkFinished mark = store.expectMessageClass(BetStore.MarkFinished.class);
        assertEquals(1, mark.agency());

        TestProbe<StatusReply<Done>> second = tellFinished(coordinator, 1); // said again while being written
        first.expectNoMessage(QUIET);
        second.expectNoMessage(Duration.ZERO);
        store.expectNoMessage(Duration.ZERO); // one write serves both

        mark.replyTo().tell(new BetStore.Marked(1));
        first.expectMessage(StatusReply.ack());
        second.expectMessage(StatusReply.ack());

        finish(coordinator, 2);
        store.expectMessageClass(BetStore.Draw.class);
    }

    @Test
    void aMarkThatCouldNotBeWrittenIsAnErrorAndDoesNotCount() {
        ActorRef<DrawCoordinator.Command> coordinator = coordinator(1);
        TestProbe<StatusReply<Done>> done = tellFinished(coordinator, 1);
        store.expectMessageClass(BetStore.MarkFinished.class).replyTo().tell(new BetStore.MarkFailed(1, "disk full"));

        StatusReply<Done> reply = done.receiveMessage();
        assertTrue(reply.isError());
        assertEquals("disk full", reply.getError().getMessage());
        store.expectNoMessage(QUIET); // no draw: agency 1 has not durably finished

        finish(coordinator, 1); // the agency says it again, and this time the write works
        store.expectMessageClass(BetStore.Draw.class);
    }

    @Test
    void agenciesFinishedBeforeARestartDrawAtOnceWhenAllAre() {
        ActorRef<DrawCoordinator.Command> coordinator = coordinator(2, Set.of(1, 2));
        TestProbe<DrawCoordinator.WinnersAnswer> early = query(coordinator, 2);

        store.expectMessageClass(BetStore.Draw.class).replyTo().tell(new BetStore.Drawn(WINNERS, 3));

        early.expectMessage(new DrawCoordinator.AgencyWinners(2, List.of("221")));
        finishAgain(coordinator, 1); // an agency resuming after the restart: already durable
        store.expectNoMessage(QUIET);
    }

    @Test
    void agenciesFinishedBeforeARestartCountAndTheRestAreAwaited() {
        ActorRef<DrawCoordinator.Command> coordinator = coordinator(3, Set.of(2, 9)); // 9: outside 1..3, ignored
        TestProbe<DrawCoordinator.WinnersAnswer> parked = query(coordinator, 1);
        store.expectNoMessage(QUIET);

        finishAgain(coordinator, 2);
        finish(coordinator, 1);
        store.expectNoMessage(QUIET);
        parked.expectNoMessage(Duration.ZERO);

        finish(coordinator, 3);
        store.expectMessageClass(BetStore.Draw.class).replyTo().tell(new BetStore.Drawn(WINNERS, 3));
        parked.expectMessage(new DrawCoordinator.AgencyWinners(1, List.of("111", "0112")));
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

        finishAgain(coordinator, 1);
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
