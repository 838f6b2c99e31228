package tp0.agency.net;

import java.util.EnumSet;
import java.util.Set;
import tp0.protocol.ErrorCode;

/**
 * The connection is gone, or the server asked us to come back later: not a failure, but a
 * reason to reconnect and resume. Carries the step ({@code action}) that was under way, a
 * short reason for the log and, for a refusal, the server's code; never a fail line of its own.
 */
public final class ConnectionLost extends Exception {
    /**
     * Refusals about this agency's session rather than about the node: the node works, it
     * only has not yet noticed our previous connection is gone (or a newer one took the
     * session). Another node would say the same, so the agency retries the same node.
     */
    private static final Set<ErrorCode> ABOUT_THE_SESSION = EnumSet.of(ErrorCode.SESSION_ACTIVE, ErrorCode.TAKEN_OVER);

    private final String action;
    private final String detail;
    /** The server's refusal, or null when the connection broke (closed, reset, silent). */
    private final ErrorCode refusal;

    public ConnectionLost(String action, String detail) {
        this(action, detail, null);
    }

    public ConnectionLost(String action, String detail, ErrorCode refusal) {
        super(action + ": " + detail, null, false, false);
        this.action = action;
        this.detail = detail;
        this.refusal = refusal;
    }

    /** The step that was under way, e.g. {@code batch_enviado}. */
    public String action() {
        return action;
    }

    public String detail() {
        return detail;
    }

    /** Whether the server refused (and asked to retry later), rather than the connection breaking. */
    public boolean isRefusal() {
        return refusal != null;
    }

    /**
     * Whether the next attempt goes to the next node of the list: yes when the node is gone,
     * silent or refusing for its own reasons (shutting down, full, its store failing); no when
     * it refused only because our session is still open there.
     */
    public boolean triesAnotherNode() {
        return refusal == null || !ABOUT_THE_SESSION.contains(refusal);
    }
}
