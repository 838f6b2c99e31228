package tp0.lottery.session;

import tp0.protocol.Message;

/** What a session pushes into its connection's outgoing stream. */
public sealed interface Outbound {

    record Send(Message message) implements Outbound {}

    /** Completes the outgoing stream, which closes the connection once all before it is written. */
    enum Close implements Outbound {
        INSTANCE
    }
}
