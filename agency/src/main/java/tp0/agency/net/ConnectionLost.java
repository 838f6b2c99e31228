package tp0.agency.net;

/**
 * The connection is gone, or the server asked us to come back later: not a failure, but a
 * reason to reconnect and resume. Carries the step ({@code action}) that was under way and
 * a short reason for the log; never a fail line of its own.
 */
public final class ConnectionLost extends Exception {
    private final String action;
    private final String detail;

    public ConnectionLost(String action, String detail) {
        super(action + ": " + detail, null, false, false);
        this.action = action;
        this.detail = detail;
    }

    /** The step that was under way, e.g. {@code batch_enviado}. */
    public String action() {
        return action;
    }

    public String detail() {
        return detail;
    }
}
