package tp0.protocol;

/**
 * A frame that breaks the protocol. Carries what a reply needs: the error code, and — when
 * the frame was recognisably a BetBatch — its type and the bet count it declared.
 */
public final class DecodeException extends Exception {
    private final ErrorCode code;
    private final MessageType type;
    private final int declaredCount;

    public DecodeException(ErrorCode code, String detail, MessageType type, int declaredCount) {
        super(detail);
        this.code = code;
        this.type = type;
        this.declaredCount = declaredCount;
    }

    public DecodeException(ErrorCode code, String detail) {
        this(code, detail, null, -1);
    }

    public ErrorCode code() {
        return code;
    }

    /** The frame's message type, or null when it was not a known one. */
    public MessageType type() {
        return type;
    }

    /** Bets the batch header declared, or -1 when unknown or not a batch. */
    public int declaredCount() {
        return declaredCount;
    }
}
