package tp0.lottery.session;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * The session's end of its inbound stream's back-pressure. The stream delivers one element and
 * waits for its ack; the session holds that ack while it handles the element, while the element
 * waits for the replies owed before it ({@link #defer}), or while the pipeline is full. So a slow
 * store slows only this connection's reads.
 */
final class Intake {

    /** The ack owed to the stream for the last element, or null. */
    private ActorRef<AgencySession.StreamAck> held;
    /** An element that must wait for the replies owed before it; its ack stays held meanwhile. */
    private Inbound deferred;
    private boolean ended;

    /** An element arrived: the stream waits until {@link #ackIf} lets it go on. */
    void hold(ActorRef<AgencySession.StreamAck> ackTo) {
        held = ackTo;
    }

    /** The element just held must wait for the replies owed before it. */
    void defer(Inbound element) {
        deferred = element;
    }

    boolean hasDeferred() {
        return deferred != null;
    }

    /** The deferred element, to be handled now (its ack stays held until then). */
    Inbound takeDeferred() {
        Inbound element = deferred;
        deferred = null;
        return element;
    }

    /** Lets the stream deliver the next element, unless the held one still waits or there is no {@code room}. */
    void ackIf(boolean room) {
        if (held != null && deferred == null && room) {
            held.tell(AgencySession.StreamAck.INSTANCE);
            held = null;
        }
    }

    /** An element is being handled or waits: the stream delivers nothing meanwhile. */
    boolean isHolding() {
        return held != null;
    }

    /** The peer sent all it will send. */
    void end() {
        ended = true;
    }

    boolean hasEnded() {
        return ended;
    }
}
