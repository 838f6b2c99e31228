package tp0.agency;

import sun.misc.Signal;
import tp0.agency.log.Log;
import tp0.logline.LogLine;

/**
 * Turns SIGTERM (docker stop) and SIGINT (Ctrl-C) into a stop request. Handling them, rather
 * than a shutdown hook, keeps the JVM from exiting with 128+signal: the handler only asks
 * the main flow to stop, and Main exits 0 once it has closed everything.
 */
final class SignalHandlers {

    private SignalHandlers() {}

    static void install(StopSignal stop, Log log) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> stop.request(
                        () -> log.info(LogLine.success("signal", "signal", "SIG" + signal.getName()))));
            } catch (IllegalArgumentException e) {
                // The JVM reserves the signal (e.g. INT under -Xrs): keep its default.
                log.warning(LogLine.fail("signal", "signal", "SIG" + name, "error", e.getMessage()));
            }
        }
    }
}
