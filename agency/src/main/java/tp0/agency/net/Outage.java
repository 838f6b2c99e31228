package tp0.agency.net;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import tp0.agency.AgencyFailure;
import tp0.agency.ExitCodes;
import tp0.agency.StopRequested;
import tp0.agency.StopSignal;
import tp0.agency.config.ServerAddress;
import tp0.agency.config.ServerAddresses;
import tp0.agency.log.Log;
import tp0.agency.log.LogLevel;
import tp0.logline.LogLine;

/**
 * One stretch of time without a working connection: from the start (the server may not be
 * up yet) or from a lost connection, until the server answers again. Every failed attempt
 * in it — a refused connect, a handshake cut off, a "retry later" refusal — backs off
 * exponentially; the first failure after the window (the connect timeout) has passed is
 * final. A new outage starts a new window, so a long run survives any number of restarts.
 * With several nodes the attempts go round them (see {@link Connector}) and share the one
 * window and backoff: the agency gives up only when no node answered for the whole window.
 *
 * <p>One exception: a server that answered "retry later" (SESSION_ACTIVE, STORAGE_FAILURE, ...)
 * is alive, and its answer may come up to {@link tp0.protocol.Protocol#SERVER_HELLO_BOUND} after
 * the Hello, past the end of the window. Such a refusal is retried once more (without a retry
 * after it, the window would end exactly when the answer comes); a second failure past the
 * window is final.
 */
public final class Outage {
    static final long FIRST_DELAY_MILLIS = 100;
    static final long MAX_DELAY_MILLIS = 2_000;
    /** A retry line at INFO at most this often; the rest go to DEBUG, to avoid spam. */
    static final long INFO_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** The shortest time one attempt gets, even at the end of the window: enough for a handshake. */
    static final long MIN_ATTEMPT_MILLIS = 1_000;

    private final ServerAddresses servers;
    private final Log log;
    private final StopSignal stop;
    private final LongSupplier nanoClock;
    private final long deadline;
    private long delayMillis = FIRST_DELAY_MILLIS;
    private int attempts;
    private long lastInfoNanos;
    /** The one retry a refusal past the window gets has been used. */
    private boolean refusalRetriedLate;

    /** Starts now. */
    public Outage(ServerAddresses servers, Duration window, Log log, StopSignal stop, LongSupplier nanoClock) {
        this.servers = servers;
        this.log = log;
        this.stop = stop;
        this.nanoClock = nanoClock;
        this.deadline = nanoClock.getAsLong() + window.toNanos();
    }

    /** Time left in the window, never negative. */
    public long remainingMillis() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - nanoClock.getAsLong()));
    }

    /** How long one attempt (a connect, a wait for Welcome) may take: the time left, at least the minimum. */
    public long attemptMillis() {
        return Math.max(remainingMillis(), MIN_ATTEMPT_MILLIS);
    }

    /**
     * Counts a failed attempt on {@code node}: logs it as {@code connect | in_progress} (its
     * {@code server_address} is that node) and sleeps the backoff — or, once the window has
     * passed, gives up with the {@code connect | fail} line (its {@code server_address} is the
     * whole list, as configured, and its error the last attempt's).
     *
     * @throws StopRequested when a stop is requested before or during the backoff
     */
    public void failed(ServerAddress node, String error) throws AgencyFailure, StopRequested {
        failed(node, error, false);
    }

    /**
     * As {@link #failed(ServerAddress, String)}; {@code refused}: the server answered with a
     * refusal to retry later, which is retried once more even past the window.
     */
    public void failed(ServerAddress node, String error, boolean refused) throws AgencyFailure, StopRequested {
        attempts++;
        if (stop.isRequested()) {
            throw new StopRequested();
        }
        long now = nanoClock.getAsLong();
        if (now >= deadline) {
            if (!refused || refusalRetriedLate) {
                throw new AgencyFailure(LogLine.fail("connect", "server_address", servers,
                        "attempts", attempts, "error", error), ExitCodes.FAILURE);
            }
            refusalRetriedLate = true;
        }
        boolean loud = attempts == 1 || now - lastInfoNanos >= INFO_EVERY_NANOS;
        if (loud) {
            lastInfoNanos = now;
        }
        log.log(loud ? LogLevel.INFO : LogLevel.DEBUG, LogLine.inProgress("connect",
                "server_address", node, "attempt", attempts, "error", error));
        long untilDeadlineMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - now));
        if (stop.sleepUnlessStopped(now >= deadline ? delayMillis : Math.min(delayMillis, untilDeadlineMillis))) {
            throw new StopRequested();
        }
        delayMillis = Math.min(delayMillis * 2, MAX_DELAY_MILLIS);
    }
}
