package tp0.agency.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import tp0.agency.AgencyFailure;
import tp0.agency.StopRequested;
import tp0.agency.StopSignal;
import tp0.agency.config.ServerAddress;

/**
 * Opens the TCP connection to the server, retrying while it is not up (agencies may start
 * before the server, its name may not be in DNS yet, or it is restarting) with the
 * {@link Outage}'s backoff, until that outage's window runs out.
 */
public final class Connector {
    /**
     * Upper bound of one connect attempt's timeout (the outage gives the lower one): a
     * silent (firewalled) host must not eat the whole budget in one try.
     */
    static final long MAX_ATTEMPT_MILLIS = 5_000;

    private final ServerAddress address;
    private final StopSignal stop;

    public Connector(ServerAddress address, StopSignal stop) {
        this.address = address;
        this.stop = stop;
    }

    /** A connected socket with TCP_NODELAY (small frames, each waited for: no Nagle delay). */
    public Socket connect(Outage outage) throws AgencyFailure, StopRequested {
        while (true) {
            Socket socket = new Socket();
            stop.closeOnStop(socket); // a stop closes it, which aborts a pending connect or read
            try {
                // Resolved on every attempt: the server's name may appear in DNS only later.
                socket.connect(new InetSocketAddress(address.host(), address.port()),
                        (int) Math.min(outage.attemptMillis(), MAX_ATTEMPT_MILLIS));
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                if (stop.isRequested()) {
                    throw new StopRequested();
                }
                outage.failed(IoErrors.describe(e));
            }
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
