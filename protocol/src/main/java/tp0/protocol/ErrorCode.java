package tp0.protocol;

/**
 * Why the server refused something. Sent as a 2-byte code in Error and BatchRejected; the
 * numbers are part of the wire contract: never renumber, only append.
 */
public enum ErrorCode {
    UNKNOWN_MESSAGE_TYPE(1, "unknown message type"),
    TRUNCATED_PAYLOAD(2, "payload shorter than its fields declare"),
    TRAILING_BYTES(3, "bytes left over after the last field"),
    INVALID_UTF8(4, "string is not valid UTF-8"),
    BAD_DATE(5, "birthdate is not a valid date"),
    NEGATIVE_NUMBER(6, "bet number is negative"),
    EMPTY_FIELD(7, "required field is empty"),
    BAD_DOCUMENT(8, "document must be digits only"),
    BAD_TEXT(9, "text field contains control characters"),
    FRAME_TOO_LARGE(10, "frame exceeds 8192 bytes"),
    UNSUPPORTED_VERSION(11, "unsupported protocol version"),
    UNKNOWN_AGENCY(12, "agency id outside 1..NUM_AGENCIES"),
    NOT_IDENTIFIED(13, "Hello must come first"),
    ALREADY_IDENTIFIED(14, "Hello sent twice"),
    UNEXPECTED_MESSAGE(15, "message not valid from a client or in this state"),
    BETS_CLOSED(16, "the draw has been held; no more bets"),
    AGENCY_FINISHED(17, "this agency already declared all bets sent"),
    STORAGE_FAILURE(18, "bets could not be stored"),
    SHUTTING_DOWN(19, "server is shutting down"),
    INVALID_FIELD(20, "field holds a value outside its range"),
    SESSION_ACTIVE(21, "another connection of this agency is still open; retry later"),
    AUTH_FAILED(22, "wrong or missing agency secret"),
    TOO_MANY_CONNECTIONS(23, "the server's connection limit is reached; retry later"),
    FRAME_TIMEOUT(24, "no complete frame within the time limit"),
    TAKEN_OVER(25, "a newer connection said Hello for this agency and took its session over"),
    TLS_REQUIRED(26, "this server takes frames only inside TLS");

    private static final ErrorCode[] BY_CODE;

    static {
        int max = 0;
        for (ErrorCode c : values()) {
            max = Math.max(max, c.code);
        }
        BY_CODE = new ErrorCode[max + 1];
        for (ErrorCode c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    public final int code;
    public final String description;

    ErrorCode(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The error with this code, or null for a code this version does not know. */
    public static ErrorCode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
