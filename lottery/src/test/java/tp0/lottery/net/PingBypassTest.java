package tp0.lottery.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.Inbound;
import tp0.protocol.Message;

/**
 * The connection's inbound side against a session (a probe) that holds its stream, as it does
 * while it waits on the store, the registry or the coordinator: the Pings behind the frame it
 * holds still reach it, and the frames keep their order.
 */
class PingBypassTest {
    private static final ActorTestKit kit = ActorTestKit.create();
    private static final Duration QUIET = Duration.ofMillis(200);

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static Inbound decoded(Message message) {
        return new Inbound.Decoded(message);
    }

    @Test
    void pingsBehindAHeldFrameReachTheSessionAndTheOtherFramesWaitInOrder() {
        TestProbe<AgencySession.Command> session = kit.createTestProbe();
        List<Inbound> sent = new ArrayList<>();
        sent.add(decoded(new Message.Hello(2, 1, ""))); // held: the registry and the store are slow
        for (int i = 0; i < PingBypass.READ_AHEAD; i++) { // as many as the session reads ahead
            sent.add(decoded(Message.WinnersQuery.INSTANCE));
        }
        sent.add(decoded(Message.Ping.INSTANCE));
        sent.add(decoded(Message.AllBetsSent.INSTANCE));
        sent.add(decoded(Message.Ping.INSTANCE));
        Source.from(sent).runWith(PingBypass.intoSession(session.getRef()),
                Materializer.matFromSystem(kit.system()));

        AgencySession.StreamStarted started = session.expectMessageClass(AgencySession.StreamStarted.class);
        started.ackTo().tell(AgencySession.StreamAck.INSTANCE);
        AgencySession.Received hello = session.expectMessageClass(AgencySession.Received.class);
        assertEquals(sent.get(0), hello.element());
        // Not acked: the Ping behind READ_AHEAD frames comes at once.
        assertEquals(AgencySession.PingReceived.INSTANCE, session.receiveMessage());
        session.expectNoMessage(QUIET); // the one behind one frame more waits: back-pressure holds

        hello.ackTo().tell(AgencySession.StreamAck.INSTANCE);
        AgencySession.Received first = session.expectMessageClass(AgencySession.Received.class);
        assertEquals(Message.WinnersQuery.INSTANCE, assertInstanceOf(Inbound.Decoded.class, first.element()).message());
        assertEquals(AgencySession.PingReceived.INSTANCE, session.receiveMessage()); // room again: read on
        first.ackTo().tell(AgencySession.StreamAck.INSTANCE);
        for (int i = 1; i < PingBypass.READ_AHEAD; i++) {
            AgencySession.Received next = session.expectMessageClass(AgencySession.Received.class);
            assertEquals(Message.WinnersQuery.INSTANCE, assertInstanceOf(Inbound.Decoded.class, next.element()).message());
            next.ackTo().tell(AgencySession.StreamAck.INSTANCE);
        }
        AgencySession.Received last = session.expectMessageClass(AgencySession.Received.class);
        assertEquals(Message.AllBetsSent.INSTANCE, assertInstanceOf(Inbound.Decoded.class, last.element()).message());
    }
}
