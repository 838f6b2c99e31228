package tp0.agency.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.Security;
import tp0.agency.AgencyFailure;
import tp0.agency.StopRequested;
import tp0.agency.StopSignal;
import tp0.agency.config.ServerAddress;
import tp0.agency.config.ServerAddresses;
import tp0.net.TcpKeepAlive;

/**
 * Opens the TCP connection to the server, retrying while it is not up (agencies may start
 * before the server, its name may not be in DNS yet, or it is restarting) with the
 * {@link Outage}'s backoff, until that outage's window runs out.
 *
 * <p>With several nodes it keeps a place in the list, round-robin: the first run starts at
 * the first node; every failed attempt, and every loss that was the node's doing
 * ({@link ConnectionLost#triesAnotherNode}), moves on to the next one, wrapping around. So
 * after a node dies the agency tries the one after it first, not the dead one again, and
 * stays wherever it landed. Spreading agencies over the nodes is the list's business: give
 * each agency the nodes in another order (as {@code generar-compose.sh} does).
 */
public final class Connector {
    /**
     * Upper bound of one connect attempt's timeout (the outage gives the lower one): a
     * silent (firewalled) host must not eat the whole budget in one try.
     */
    static final long MAX_ATTEMPT_MILLIS = 5_000;

    private static final String NEGATIVE_DNS_TTL = "networkaddress.cache.negative.ttl";
    /** Set once the JDK has been told not to cache failed lookups; guarded by Connector.class. */
    private static boolean failedLookupsUncached;

    private final ServerAddresses servers;
    private final StopSignal stop;
    private final Link link;
    /** The node connected to, or tried next. */
    private int current;

    public Connector(ServerAddresses servers, StopSignal stop) {
        this(servers, stop, Link.PLAIN);
    }

    public Connector(ServerAddresses servers, StopSignal stop, Link link) {
        this.servers = servers;
        this.stop = stop;
        this.link = link;
    }

    /** The node connected to (after {@link #connect}), or the one the next attempt goes to. */
    public ServerAddress current() {
        return servers.get(current);
    }

    /** The next attempt goes to the next node of the list (the same one when there is one). */
    public void moveOn() {
        current = (current + 1) % servers.size();
    }

    /**
     * A connected socket with TCP_NODELAY (small frames, each waited for: no Nagle delay) and
     * TCP keepalive, through the {@link Link} (TLS when configured).
     *
     * @throws AgencyFailure when the link cannot be set up and retrying would not help (a bad certificate)
     */
    public Socket connect(Outage outage) throws AgencyFailure, StopRequested {
        while (true) {
            ServerAddress address = current();
            if (!isIpLiteral(address.host())) {
                uncacheFailedLookups();
            }
            Socket socket = new Socket();
            stop.closeOnStop(socket); // a stop closes it, which aborts a pending connect or read
            try {
                // Resolved on every attempt: the server's name may appear in DNS only later.
                int attemptMillis = (int) Math.min(outage.attemptMillis(), MAX_ATTEMPT_MILLIS);
                socket.connect(new InetSocketAddress(address.host(), address.port()), attemptMillis);
                socket.setTcpNoDelay(true);
                TcpKeepAlive.enable(socket);
                return link.open(socket, address.host(), address.port(), attemptMillis);
            } catch (IOException | AgencyFailure e) {
                closeQuietly(socket);
                if (stop.isRequested()) {
                    throw new StopRequested();
                }
                if (e instanceof AgencyFailure failure) {
                    throw failure; // a certificate no retry (nor another node of the same PKI) cures
                }
                outage.failed(address, IoErrors.describe((IOException) e));
                moveOn();
            }
        }
    }

    /**
     * The JDK caches "unknown host" for 10 s by default, which would make connect retries
     * useless while the server's container name is not yet resolvable; so before the first
     * lookup of a name (the JDK reads the setting once, then), failures stop being cached.
     * Not at start, and not for an IP literal, which is never looked up: setting a security
     * property also boots the JDK's System.Logger machinery, ~15 ms of a ~300 ms start.
     */
    static synchronized void uncacheFailedLookups() {
        if (!failedLookupsUncached) {
            Security.setProperty(NEGATIVE_DNS_TTL, "0");
            failedLookupsUncached = true;
        }
    }

    /**
     * Whether {@code host} is an IP address rather than a name: an IPv6 literal (names have
     * no colons) or a dotted-quad IPv4 one. Strict on purpose: whatever it misses is merely
     * treated as a name.
     */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        int parts = 0;
        int i = 0;
        while (i < host.length() && parts < 4) {
            int start = i;
            int value = 0;
            while (i < host.length() && i - start < 3 && host.charAt(i) >= '0' && host.charAt(i) <= '9') {
                value = value * 10 + (host.charAt(i) - '0');
                i++;
            }
            if (i == start || value > 255) {
                return false;
            }
            parts++;
            if (i < host.length()) {
                if (host.charAt(i) != '.' || parts == 4) {
                    return false;
                }
                i++;
                if (i == host.length()) {
                    return false; // a trailing dot
                }
            }
        }
        return parts == 4 && i == host.length();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Never connected; nothing to release.
        }
    }
}
