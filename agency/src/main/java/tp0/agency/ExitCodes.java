package tp0.agency;

/** The agency's exit statuses: what the launcher and the black-box tests branch on. */
public final class ExitCodes {
    /** All bets stored and winners received, or stopped on request (SIGTERM/SIGINT). */
    public static final int SUCCESS = 0;
    /**
     * Bad configuration, the server refused something (unknown agency, wrong secret, a
     * rejected batch), or it could not be reached within the connect timeout of an outage.
     */
    public static final int FAILURE = 1;
    /** The bets file is missing, unreadable or has a malformed row. */
    public static final int BAD_DATA = 2;

    private ExitCodes() {}
}
