package tp0.agency;

/** Unwinds the flow after SIGTERM/SIGINT; not a failure: the agency exits 0. */
final class StopRequested extends Exception {
    StopRequested() {
        super("stop requested", null, false, false);
    }
}
