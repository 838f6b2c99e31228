package tp0.lottery.session;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Notices a peer that stays silent too long while the session waits on it. The wait runs from
 * the moment the session, having handled the last frame, starts waiting on the peer; any frame
 * ends it.
 *
 * <p>The timer is not cancelled when a frame arrives (that would cost a cancel and a new timer
 * per frame): when it fires, {@link #fired} checks how long the peer has really been silent, and
 * arms it again for the rest.
 */
final class SilenceTimer {

    private final LongSupplier nanoClock;
    private final Consumer<Duration> arm;
    /** {@code nanoClock} when the current wait on the peer began, or -1 while the session is not waiting. */
    private long idleSince = -1;
    private boolean armed;
    /** {@code nanoClock} at which the armed timer fires. */
    private long due;

    /**
     * @param nanoClock as {@link System#nanoTime()}
     * @param arm       schedules the session's one silence timer to fire after the given delay,
     *                  replacing the one armed before
     */
    SilenceTimer(LongSupplier nanoClock, Consumer<Duration> arm) {
        this.nanoClock = nanoClock;
        this.arm = arm;
    }

    /**
     * How long the peer may stay silent, or null while the session does not wait on it. Owing the
     * peer nothing, any peer gets the frame timeout (one that pings, at most its heartbeat
     * timeout); while the peer waits for acks or the draw, a peer that pings gets the heartbeat
     * timeout and one that never pings (version 1) no limit: TCP keepalive still notices a
     * vanished host.
     *
     * @param waitingOnPeer false while the session holds its stream or the peer stopped sending
     * @param pings         the peer's Hello was accepted with a version that pings while it waits
     * @param owesPeer      replies are owed to the peer, or its winners query is parked
     */
    static Duration limit(boolean waitingOnPeer, boolean pings, boolean owesPeer,
                          Duration frameTimeout, Duration heartbeatTimeout) {
        if (!waitingOnPeer) {
            return null;
        }
        if (!owesPeer) {
            return pings && heartbeatTimeout.compareTo(frameTimeout) < 0 ? heartbeatTimeout : frameTimeout;
        }
        return pings ? heartbeatTimeout : null;
    }

    /** A limit as the log and the peer are told it, in seconds: "2", "0.5". */
    static String seconds(Duration limit) {
        return limit.toMillis() % 1000 == 0 ? String.valueOf(limit.toSeconds())
                : String.valueOf(limit.toMillis() / 1000.0);
    }

    /** A complete frame arrived: the peer is not silent; the wait starts again once the session waits on it. */
    void frameArrived() {
        idleSince = -1;
    }

    /** After every step of the session: {@code limit} is what the peer is allowed now (null: not waiting on it). */
    void update(Duration limit) {
        if (limit == null) {
            idleSince = -1;
            return;
        }
        if (idleSince < 0) {
            idleSince = nanoClock.getAsLong();
        }
        long dueAt = idleSince + limit.toNanos();
        if (!armed || dueAt - due < 0) { // a shorter limit than the armed one: look sooner
            armAt(dueAt);
        }
    }

    /**
     * The timer fired. True when the peer has now been silent for {@code limit} (what it is
     * allowed now, null when the session does not wait on it); otherwise the timer is armed
     * again if the wait goes on.
     */
    boolean fired(Duration limit) {
        armed = false;
        if (limit == null || idleSince < 0) {
            return false; // busy now: the timer is armed again once the session waits on the peer
        }
        long dueAt = idleSince + limit.toNanos();
        if (dueAt - nanoClock.getAsLong() > 0) {
            armAt(dueAt); // the peer spoke, and the session waits on it again, since the timer was armed
            return false;
        }
        return true;
    }

    private void armAt(long dueAt) {
        armed = true;
        due = dueAt;
        arm.accept(Duration.ofNanos(Math.max(0, dueAt - nanoClock.getAsLong())));
    }
}
