package tp0.lottery.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Probes stand in for sessions: stopping one is a connection ending. */
class SessionRegistryTest {

    static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void cleanup() {
        testKit.shutdownTestKit();
    }

    private final ActorRef<SessionRegistry.Command> registry = testKit.spawn(SessionRegistry.create());

    private SessionRegistry.ClaimReply claim(int agency, TestProbe<AgencySession.Command> session) {
        TestProbe<SessionRegistry.ClaimReply> reply = testKit.createTestProbe();
        registry.tell(new SessionRegistry.Claim(agency, session.getRef(), reply.getRef()));
        return reply.receiveMessage();
    }

    @Test
    void aSecondClaimIsRefusedWhileTheFirstSessionLives() {
        TestProbe<AgencySession.Command> first = testKit.createTestProbe();
        TestProbe<AgencySession.Command> second = testKit.createTestProbe();

        assertEquals(new SessionRegistry.Granted(1), claim(1, first));
        assertEquals(new SessionRegistry.Held(1), claim(1, second));
        assertEquals(new SessionRegistry.Held(1), claim(1, second), "still held");
        assertEquals(new SessionRegistry.Granted(1), claim(1, first), "the holder may claim again");
        assertEquals(new SessionRegistry.Granted(2), claim(2, second), "other agencies are independent");
    }

    @Test
    void theIdIsFreedWhenItsSessionStops() {
        TestProbe<AgencySession.Command> first = testKit.createTestProbe();
        TestProbe<AgencySession.Command> second = testKit.createTestProbe();
        assertEquals(new SessionRegistry.Granted(3), claim(3, first));
        assertEquals(new SessionRegistry.Held(3), claim(3, second));

        first.stop();

        // The registry learns of the stop asynchronously; a refused agency retries, as this does.
        second.awaitAssert(Duration.ofSeconds(3), () -> {
            assertEquals(new SessionRegistry.Granted(3), claim(3, second));
            return null;
        });
        TestProbe<AgencySession.Command> third = testKit.createTestProbe();
        assertEquals(new SessionRegistry.Held(3), claim(3, third), "now the second session holds it");
    }

    @Test
    void aReleasedIdCanBeClaimedWhileItsFormerHolderStillLives() {
        TestProbe<AgencySession.Command> parked = testKit.createTestProbe();
        TestProbe<AgencySession.Command> other = testKit.createTestProbe();
        TestProbe<AgencySession.Command> next = testKit.createTestProbe();
        assertEquals(new SessionRegistry.Granted(5), claim(5, parked));

        registry.tell(new SessionRegistry.Release(5, other.getRef())); // not the holder: ignored
        assertEquals(new SessionRegistry.Held(5), claim(5, next));

        registry.tell(new SessionRegistry.Release(5, parked.getRef()));
        assertEquals(new SessionRegistry.Granted(5), claim(5, next));

        parked.stop(); // the former holder ending later must not free the new holder's id
        TestProbe<AgencySession.Command> late = testKit.createTestProbe();
        late.expectNoMessage(Duration.ofMillis(200)); // time for the registry to see the stop (a negative check)
        assertEquals(new SessionRegistry.Held(5), claim(5, late));
    }

    @Test
    void aClaimBySessionThatAlreadyStoppedDoesNotBlockTheId() {
        TestProbe<AgencySession.Command> gone = testKit.createTestProbe();
        gone.stop();
        claim(4, gone); // granted or not, it must not keep the id

        TestProbe<AgencySession.Command> live = testKit.createTestProbe();
        live.awaitAssert(Duration.ofSeconds(3), () -> {
            assertEquals(new SessionRegistry.Granted(4), claim(4, live));
            return null;
        });
    }
}
