package tp0.lottery.net;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.Inbound;
import tp0.protocol.Message;

/**
 * Hands every Ping to its session beside the stream's back-pressure, so it is answered at once
 * in every session state. A session holds its stream while it waits on the server (the registry's
 * claim, the store's count, a full pipeline, the coordinator's "all bets sent" mark, a message
 * waiting for the acks before it); a Ping queued behind the frame it holds would wait as long,
 * and the agency, hearing nothing, would count the connection as lost. This stage keeps pulling
 * while the frames behind it wait: a Ping goes straight to the session
 * ({@link AgencySession.PingReceived}), any other frame waits here, one at a time (the session's
 * sink buffers up to {@link #READ_AHEAD} more), so back-pressure still reaches the peer.
 */
final class PingBypass {

    /**
     * Frames the session's sink reads ahead of the one the session holds (its input buffer): a
     * Ping with at most this many frames between it and the held one is read, and answered, at
     * once; one behind more waits until the session takes some (docs/protocol.md, "Versions and
     * the heartbeat"). So with an agency's {@code batch.window} at most SESSION_PIPELINE plus
     * this (the defaults: 32 and 32 + 16), no Ping of it ever waits.
     */
    static final int READ_AHEAD = 16;

    private PingBypass() {}

    /**
     * Where a connection's inbound elements go: every Ping straight to {@code session}, the rest
     * one at a time, each acked by the session ({@link AgencySession.StreamAck}).
     */
    static Sink<Inbound, NotUsed> intoSession(ActorRef<AgencySession.Command> session) {
        return to(session).to(ActorSink.actorRefWithBackpressure(
                        session,
                        AgencySession.Received::new,
                        AgencySession.StreamStarted::new,
                        AgencySession.StreamAck.INSTANCE,
                        AgencySession.StreamCompleted.INSTANCE,
                        AgencySession.StreamFailed::new)
                .addAttributes(Attributes.inputBuffer(READ_AHEAD, READ_AHEAD)));
    }

    /** Inbound elements with every Ping taken out and told to {@code session}. */
    static Flow<Inbound, Inbound, NotUsed> to(ActorRef<AgencySession.Command> session) {
        return Flow.of(Inbound.class).divertTo(
                Sink.<Inbound>foreach(ping -> session.tell(AgencySession.PingReceived.INSTANCE)),
                PingBypass::isPing);
    }

    static boolean isPing(Inbound element) {
        return element instanceof Inbound.Decoded decoded && decoded.message() == Message.Ping.INSTANCE;
    }
}
