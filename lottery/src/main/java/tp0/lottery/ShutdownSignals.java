package tp0.lottery;

import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import tp0.logline.LogLine;

/**
 * SIGTERM and SIGINT, from the first step of {@code main} on. Without a handler the JVM dies
 * with 143/130; with one, a stop is ours and ends in 0 — also when it comes while the settings
 * are read, the files are repaired or the actor system starts: until the system exists a
 * signal is only remembered, and {@link Main} checks for it between its start-up steps; once
 * {@link #attach attached}, a signal (a remembered one included) runs CoordinatedShutdown.
 */
final class ShutdownSignals {

    /** Why CoordinatedShutdown ran, shown in Pekko's own logs. */
    enum Reason implements CoordinatedShutdown.Reason {
        SIGNAL, FATAL
    }

    private ActorSystem<?> system;
    private boolean received;

    private ShutdownSignals() {}

    /** Installs the handlers; the first thing main does, before any logging is set up. */
    static ShutdownSignals install() {
        ShutdownSignals signals = new ShutdownSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> signals.onSignal("SIG" + name));
        }
        return signals;
    }

    private synchronized void onSignal(String name) {
        LoggerFactory.getLogger(Main.class).info(LogLine.inProgress("shutdown", "signal", name));
        received = true;
        if (system != null) {
            CoordinatedShutdown.get(system).run(Reason.SIGNAL);
        }
    }

    /** A signal came (before or after {@link #attach}). */
    synchronized boolean received() {
        return received;
    }

    /** From now on a signal shuts {@code system} down; one that came before does so now. */
    synchronized void attach(ActorSystem<?> system) {
        this.system = system;
        if (received) {
            CoordinatedShutdown.get(system).run(Reason.SIGNAL);
        }
    }
}
