package tp0.agency;

/** Unwinds the flow after SIGTERM/SIGINT; not a failure: the agency exits 0. */
public final class StopRequested extends Exception {
    public StopRequested() {
        super("stop requested", null, false, false);
    }
}
