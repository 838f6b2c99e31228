package tp0.lottery.session;

import org.apache.pekko.util.ByteString;
import tp0.protocol.Message;

/** What a session pushes into its connection's outgoing stream. */
public sealed interface Outbound {

    /** A protocol message, encoded as one frame. */
    record Send(Message message) implements Outbound {}

    /** The health check's answer: the line received, sent back with its newline. */
    record Echo(ByteString line) implements Outbound {}

    /** Completes the outgoing stream, which closes the connection once all before it is written. */
    enum Close implements Outbound {
        INSTANCE
    }
}
