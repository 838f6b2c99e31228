package tp0.protocol;

/** The type byte of a frame. Values are part of the wire contract: never renumber. */
public enum MessageType {
    HELLO(0x01),
    WELCOME(0x02),
    BET_BATCH(0x03),
    BATCH_ACK(0x04),
    BATCH_REJECTED(0x05),
    ALL_BETS_SENT(0x06),
    ALL_BETS_SENT_ACK(0x07),
    WINNERS_QUERY(0x08),
    WINNERS(0x09),
    ERROR(0x0A),
    PING(0x0B),
    PONG(0x0C);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    public final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The type with this code, or null when the byte names no message. */
    public static MessageType of(int code) {
        return BY_CODE[code & 0xFF];
    }
}
