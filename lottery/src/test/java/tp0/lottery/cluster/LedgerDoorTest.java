package tp0.lottery.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.ops.LotteryStatus;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.SessionLinks;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.Message;

/**
 * A node's door to the ledgers, with a probe as the shard region: what a session tells its
 * writer and its registry reaches its agency's ledger as the ledger's own requests, in the order
 * the session sent them; a claim or a count the region lost is asked again until answered.
 */
class LedgerDoorTest {
    private static final ActorTestKit kit = ActorTestKit.create(ManualTime.config());
    private static final ManualTime time = ManualTime.get(kit.system());

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    private static final Message.BetBatch BATCH =
            Batches.of(List.of(new Bet("Ana", "Pérez", "00012345", LocalDate.of(1990, 1, 2), 7574)));

    /** The shard region, as the door sees it (a new door and probes for each test). */
    private final TestProbe<AgencyLedger.Request> ledgers = kit.createTestProbe();
    private final TestProbe<AgencySession.Command> session = kit.createTestProbe();
    private final SessionLinks door = door(ledgers);
    private final SessionLinks.Links links = linksOf(session, door);
    private final TestProbe<SessionRegistry.ClaimReply> claims = kit.createTestProbe();
    private final TestProbe<BetStore.StoredCount> counts = kit.createTestProbe();

    private static SessionLinks door(TestProbe<AgencyLedger.Request> ledgers) {
        return door(ledgers, LotteryMetrics.NONE);
    }

    private static SessionLinks door(TestProbe<AgencyLedger.Request> ledgers, LotteryMetrics metrics) {
        TestProbe<SessionLinks> spawned = kit.createTestProbe();
        kit.spawn(Behaviors.setup(ctx -> {
            spawned.ref().tell(LedgerDoor.spawn(ctx, ledgers.ref(), "ledger-door", metrics));
            return Behaviors.empty();
        }));
        return spawned.receiveMessage();
    }

    /** The links a session gets, as it starts (an actor stands in for it: the links live in its context). */
    private static SessionLinks.Links linksOf(TestProbe<AgencySession.Command> session, SessionLinks door) {
        return linksOf(session, door, kit.createTestProbe()).links();
    }

    private record StandIn(ActorRef<Stop> actor, SessionLinks.Links links) {}

    private enum Stop {
        INSTANCE
    }

    /** {@code standsIn} gets the actor in whose context the links were made (told {@link Stop}, it stops). */
    private static StandIn linksOf(TestProbe<AgencySession.Command> session, SessionLinks door,
                                   TestProbe<StandIn> standsIn) {
        kit.spawn(Behaviors.<Stop>setup(ctx -> {
            standsIn.ref().tell(new StandIn(ctx.getSelf(), door.linksFor(session.ref(), ctx)));
            return Behaviors.receiveMessage(stop -> Behaviors.stopped());
        }));
        return standsIn.receiveMessage();
    }

    @Test
    void aSessionsMessagesReachItsLedgerInTheOrderSent() {
        TestProbe<BetStore.StoreReply> replies = kit.createTestProbe();
        links.registry().tell(new SessionRegistry.Claim(4, session.ref(), claims.ref()));
        AgencyLedger.Claim claim = ledgers.expectMessageClass(AgencyLedger.Claim.class);
        assertEquals(4, claim.agency());
        assertEquals(session.ref(), claim.session());
        claim.replyTo().tell(new SessionRegistry.Granted(4));
        assertEquals(new SessionRegistry.Granted(4), claims.receiveMessage());

        links.writer().tell(new BetStore.GetStoredCount(4, counts.ref()));
        ledgers.expectMessageClass(AgencyLedger.GetStoredCount.class).replyTo().tell(new BetStore.StoredCount(4, 9));
        assertEquals(new BetStore.StoredCount(4, 9), counts.receiveMessage());

        // The batch reaches the ledger with its session (the ledger fences by it); the release comes after it.
        links.writer().tell(new BetStore.StoreBatch(4, BATCH, replies.ref()));
        links.registry().tell(new SessionRegistry.Release(4, session.ref()));
        assertEquals(new AgencyLedger.Append(4, BATCH, session.ref(), replies.ref()), ledgers.receiveMessage());
        assertEquals(new AgencyLedger.Release(4, session.ref()), ledgers.receiveMessage());
    }

    @Test
    void aClaimOrCountTheRegionLostIsAskedAgain() {

        links.registry().tell(new SessionRegistry.Claim(5, session.ref(), claims.ref()));
        ledgers.expectMessageClass(AgencyLedger.Claim.class); // lost with a node that died
        time.timePasses(LedgerDoor.RETRY);
        ledgers.expectMessageClass(AgencyLedger.Claim.class).replyTo().tell(new SessionRegistry.Granted(5));
        assertEquals(new SessionRegistry.Granted(5), claims.receiveMessage());

        links.writer().tell(new BetStore.GetStoredCount(5, counts.ref()));
        ledgers.expectMessageClass(AgencyLedger.GetStoredCount.class);
        time.timePasses(LedgerDoor.RETRY);
        ledgers.expectMessageClass(AgencyLedger.GetStoredCount.class).replyTo().tell(new BetStore.StoredCount(5, 0));
        assertEquals(new BetStore.StoredCount(5, 0), counts.receiveMessage());
        claims.expectNoMessage();
    }

    @Test
    void aCountAskedOutsideAnySessionReachesTheLedger() {
        door.counts().tell(new BetStore.GetStoredCount(1, counts.ref()));
        ledgers.expectMessageClass(AgencyLedger.GetStoredCount.class).replyTo().tell(new BetStore.StoredCount(1, 0));
        assertEquals(new BetStore.StoredCount(1, 0), counts.receiveMessage());
    }

    @Test
    void aSessionsLinksStopWithTheSession() {
        StandIn standIn = linksOf(session, door, kit.createTestProbe());
        TestProbe<Object> watcher = kit.createTestProbe();
        standIn.actor().tell(Stop.INSTANCE);
        watcher.expectTerminated(standIn.links().writer());
        watcher.expectTerminated(standIn.links().registry());
    }

    /**
     * In a cluster no registry runs on the session's node (the ledger, maybe elsewhere, is the
     * registry): this node's status learns from the session's link which agency it holds.
     */
    @Test
    void thisNodesStatusKnowsWhichAgencyItsSessionHoldsUntilReleaseOrStop() {
        LotteryStatus status = new LotteryStatus(5);
        SessionLinks counted = door(ledgers, status);
        SessionLinks.Links first = linksOf(session, counted);
        first.registry().tell(new SessionRegistry.Claim(3, session.ref(), claims.ref()));
        ledgers.expectMessageClass(AgencyLedger.Claim.class);
        assertTrue(status.connected(3));
        first.registry().tell(new SessionRegistry.Release(3, session.ref()));
        ledgers.expectMessageClass(AgencyLedger.Release.class);
        assertFalse(status.connected(3));

        StandIn second = linksOf(session, counted, kit.createTestProbe());
        second.links().registry().tell(new SessionRegistry.Claim(2, session.ref(), claims.ref()));
        ledgers.expectMessageClass(AgencyLedger.Claim.class);
        assertEquals(1, status.sessions());
        second.actor().tell(Stop.INSTANCE); // the session stopped without a release
        kit.createTestProbe().expectTerminated(second.links().registry());
        assertFalse(status.connected(2));
        assertEquals(0, status.sessions());
    }
}
