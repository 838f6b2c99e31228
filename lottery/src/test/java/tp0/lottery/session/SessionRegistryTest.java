package tp0.lottery.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Probes stand in for sessions: stopping one is a connection ending, a {@link SessionRegistry.Release}
 * sent for it is its session letting the id go.
 */
class SessionRegistryTest {

    static final ActorTestKit testKit = ActorTestKit.create();
    private static final Duration QUIET = Duration.ofMillis(200);

    @AfterAll
    static void cleanup() {
        testKit.shutdownTestKit();
    }

    private final ActorRef<SessionRegistry.Command> registry = testKit.spawn(SessionRegistry.create());

    private TestProbe<SessionRegistry.ClaimReply> claimAsync(int agency, TestProbe<AgencySession.Command> session) {
        TestProbe<SessionRegistry.ClaimReply> reply = testKit.createTestProbe();
        registry.tell(new SessionRegistry.Claim(agency, session.getRef(), reply.getRef()));
        return reply;
    }

    private SessionRegistry.ClaimReply claim(int agency, TestProbe<AgencySession.Command> session) {
        return claimAsync(agency, session).receiveMessage();
    }

    @Test
    void aSecondClaimTakesTheIdOverOnceTheHolderLetsGo() {
        TestProbe<AgencySession.Command> first = testKit.createTestProbe();
        TestProbe<AgencySession.Command> second = testKit.createTestProbe();

        assertEquals(new SessionRegistry.Granted(1), claim(1, first));
        assertEquals(new SessionRegistry.Granted(1), claim(1, first), "the holder may claim again");
        TestProbe<SessionRegistry.ClaimReply> waiting = claimAsync(1, second);
        first.expectMessage(new AgencySession.TakenOver(1));
        waiting.expectNoMessage(QUIET); // not before the holder has sent its last batch and let go

        registry.tell(new SessionRegistry.Release(1, first.getRef()));
        waiting.expectMessage(new SessionRegistry.Granted(1));
        assertEquals(new SessionRegistry.Granted(2), claim(2, first), "other agencies are independent");
        second.expectNoMessage(QUIET);
    }

    @Test
    void aHolderThatStopsHandsTheIdToTheWaitingClaim() {
        TestProbe<AgencySession.Command> first = testKit.createTestProbe();
        TestProbe<AgencySession.Command> second = testKit.createTestProbe();
        assertEquals(new SessionRegistry.Granted(3), claim(3, first));
        TestProbe<SessionRegistry.ClaimReply> waiting = claimAsync(3, second);
        first.expectMessage(new AgencySession.TakenOver(3));

        first.stop();

        waiting.expectMessage(new SessionRegistry.Granted(3));
        TestProbe<AgencySession.Command> third = testKit.createTestProbe();
        claimAsync(3, third);
        second.expectMessage(new AgencySession.TakenOver(3)); // now the second session holds it
    }

    @Test
    void aNewerClaimSupersedesOneStillWaiting() {
        TestProbe<AgencySession.Command> holder = testKit.createTestProbe();
        TestProbe<AgencySession.Command> repeated = testKit.createTestProbe();
        TestProbe<AgencySession.Command> newest = testKit.createTestProbe();
        assertEquals(new SessionRegistry.Granted(6), claim(6, holder));

        TestProbe<SessionRegistry.ClaimReply> older = claimAsync(6, repeated);
        holder.expectMessage(new AgencySession.TakenOver(6));
        TestProbe<SessionRegistry.ClaimReply> latest = claimAsync(6, newest);
        older.expectMessage(new SessionRegistry.Superseded(6));
        holder.expectNoMessage(QUIET); // told once

        registry.tell(new SessionRegistry.Release(6, holder.getRef()));
        latest.expectMessage(new SessionRegistry.Granted(6));
    }

    @Test
    void aReleasedIdCanBeClaimedWhileItsFormerHolderStillLives() {
        TestProbe<AgencySession.Command> parked = testKit.createTestProbe();
        TestProbe<AgencySession.Command> other = testKit.createTestProbe();
        TestProbe<AgencySession.Command> next = testKit.createTestProbe();
        assertEquals(new SessionRegistry.Granted(5), claim(5, parked));

        registry.tell(new SessionRegistry.Release(5, other.getRef())); // not the holder: ignored
        registry.tell(new SessionRegistry.Release(5, parked.getRef()));
        assertEquals(new SessionRegistry.Granted(5), claim(5, next));
        parked.expectNoMessage(QUIET); // it had let go: nothing to take over

        parked.stop(); // the former holder ending later must not free the new holder's id
        TestProbe<AgencySession.Command> late = testKit.createTestProbe();
        late.expectNoMessage(QUIET); // time for the registry to see the stop (a negative check)
        TestProbe<SessionRegistry.ClaimReply> lateReply = claimAsync(5, late);
        next.expectMessage(new AgencySession.TakenOver(5));
        lateReply.expectNoMessage(QUIET);
    }

    @Test
    void aClaimBySessionThatAlreadyStoppedDoesNotBlockTheId() {
        TestProbe<AgencySession.Command> gone = testKit.createTestProbe();
        gone.stop();
        claim(4, gone); // granted, but it must not keep the id

        TestProbe<AgencySession.Command> live = testKit.createTestProbe();
        live.awaitAssert(Duration.ofSeconds(3), () -> {
            assertEquals(new SessionRegistry.Granted(4), claim(4, live));
            return null;
        });
    }
}
