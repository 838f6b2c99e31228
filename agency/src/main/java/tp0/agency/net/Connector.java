package tp0.agency.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import tp0.agency.AgencyFailure;
import tp0.agency.ExitCodes;
import tp0.agency.StopRequested;
import tp0.agency.StopSignal;
import tp0.agency.config.ServerAddress;
import tp0.agency.log.Log;
import tp0.agency.log.LogLevel;
import tp0.logline.LogLine;

/**
 * Opens the TCP connection to the server, retrying while it is not up yet (agencies may
 * start before the server, or while its name is not yet in DNS) with exponential backoff,
 * for at most the configured connect timeout.
 */
public final class Connector {
    static final long FIRST_DELAY_MILLIS = 100;
    static final long MAX_DELAY_MILLIS = 2_000;
    /** A retry line at INFO at most this often; the rest go to DEBUG, to avoid spam. */
    static final long INFO_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * Bounds of one attempt's own timeout: normally the time left, but never so short that
     * the last attempt cannot complete a handshake, nor so long that a silent (firewalled)
     * host eats the whole budget in one try.
     */
    static final long MIN_ATTEMPT_MILLIS = 1_000;
    static final long MAX_ATTEMPT_MILLIS = 5_000;

    private final ServerAddress address;
    private final long timeoutNanos;
    private final Log log;
    private final StopSignal stop;
    private final LongSupplier nanoClock;

    public Connector(ServerAddress address, Duration timeout, Log log, StopSignal stop, LongSupplier nanoClock) {
        this.address = address;
        this.timeoutNanos = timeout.toNanos();
        this.log = log;
        this.stop = stop;
        this.nanoClock = nanoClock;
    }

    /** A connected socket with TCP_NODELAY (small frames, each waited for: no Nagle delay). */
    public Socket connect() throws AgencyFailure, StopRequested {
        long start = nanoClock.getAsLong();
        long deadline = start + timeoutNanos;
        long delayMillis = FIRST_DELAY_MILLIS;
        long lastInfoNanos = 0;
        for (int attempt = 1; ; attempt++) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - nanoClock.getAsLong());
            Socket socket = new Socket();
            stop.closeOnStop(socket); // a stop closes it, which aborts a pending connect
            String error;
            try {
                // Resolved on every attempt: the server's name may appear in DNS only later.
                socket.connect(new InetSocketAddress(address.host(), address.port()),
                        (int) Math.min(Math.max(remainingMillis, MIN_ATTEMPT_MILLIS), MAX_ATTEMPT_MILLIS));
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                if (stop.isRequested()) {
                    throw new StopRequested();
                }
                error = IoErrors.describe(e);
            }
            long now = nanoClock.getAsLong();
            if (now >= deadline) {
                throw new AgencyFailure(LogLine.fail("connect", "server_address", address,
                        "attempts", attempt, "error", error), ExitCodes.FAILURE);
            }
            boolean loud = attempt == 1 || now - lastInfoNanos >= INFO_EVERY_NANOS;
            if (loud) {
                lastInfoNanos = now;
            }
            log.log(loud ? LogLevel.INFO : LogLevel.DEBUG, LogLine.inProgress("connect",
                    "server_address", address, "attempt", attempt, "error", error));
            long untilDeadlineMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - now));
            if (stop.sleepUnlessStopped(Math.min(delayMillis, untilDeadlineMillis))) {
                throw new StopRequested();
            }
            delayMillis = Math.min(delayMillis * 2, MAX_DELAY_MILLIS);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Never connected; nothing to release.
        }
    }
}
