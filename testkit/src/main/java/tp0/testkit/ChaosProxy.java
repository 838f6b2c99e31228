package tp0.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that forwards agencies to the server and, for its first
 * {@code cuts} connections, aborts both sides (RST) after a random number of bytes in a random
 * direction: a batch cut mid-frame on its way in, or an acknowledgement lost on its way out.
 *
 * <p>Black-hole mode: a connection that goes dark stops forwarding in both directions and
 * stops reading, without closing anything — a dead NAT entry, a pulled cable, a frozen host.
 * Neither end gets a FIN or RST; the bytes pile up in the socket buffers. {@link #darkenOpen}
 * darkens every connection open now, {@link #darkenFirstAfter} the first connection once that
 * many bytes went towards the server. New connections are forwarded normally.
 */
public final class ChaosProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final Random random;
    private final AtomicInteger cutsLeft;
    private final AtomicInteger cutsDone = new AtomicInteger();
    private final Thread acceptor;
    private final java.util.List<Connection> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final AtomicInteger accepted = new AtomicInteger();
    /** Bytes towards the server after which the first connection goes dark; 0: never. */
    private volatile long darkenFirstAfter;
    private volatile long darkenedAtNanos;
    private volatile long acceptedAfterDarkNanos;

    public ChaosProxy(int targetPort, long seed, int cuts) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.random = new Random(seed);
        this.cutsLeft = new AtomicInteger(cuts);
        this.acceptor = new Thread(this::acceptLoop, "chaos-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public int cutsDone() {
        return cutsDone.get();
    }

    /** Makes the first connection go dark once {@code bytes} have gone through it towards the server. */
    public ChaosProxy darkenFirstAfter(long bytes) {
        darkenFirstAfter = bytes;
        return this;
    }

    /** Every connection open now stops forwarding and reading, without closing. */
    public void darkenOpen() {
        for (Connection c : open) {
            c.darken();
        }
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** From the first darkening to the next connection accepted, or null if either has not happened. */
    public Duration darkToReconnect() {
        long dark = darkenedAtNanos;
        long next = acceptedAfterDarkNanos;
        return dark == 0 || next == 0 ? null : Duration.ofNanos(next - dark);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                long budgetIn = Long.MAX_VALUE;
                long budgetOut = Long.MAX_VALUE;
                if (cutsLeft.getAndDecrement() > 0) {
                    synchronized (random) {
                        if (random.nextBoolean()) {
                            budgetIn = 1L + random.nextInt(40_000);   // mid-batch, agency → server
                        } else {
                            budgetOut = 1L + random.nextInt(600);     // an ack lost, server → agency
                        }
                    }
                }
                Connection connection = new Connection(client, server, accepted.incrementAndGet() == 1
                        ? darkenFirstAfter : 0);
                if (darkenedAtNanos != 0 && acceptedAfterDarkNanos == 0) {
                    acceptedAfterDarkNanos = System.nanoTime();
                }
                open.add(connection);
                pump(client, server, budgetIn, connection);
                pump(server, client, budgetOut, connection);
            } catch (IOException e) {
                // listener closed, or the server is not up: the agency sees a closed connection and retries
            }
        }
    }

    private void pump(Socket from, Socket to, long budget, Connection connection) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            long left = budget;
            boolean towardsServer = to == connection.server();
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                    if (towardsServer && connection.countTowardsServer(n)) {
                        connection.darken();
                    }
                    if (connection.dark) {
                        closed.await(); // swallow this and read nothing more, until the test ends
                        return;
                    }
                    out.write(buf, 0, n);
                    left -= n;
                    if (left == 0) {
                        connection.abort();
                        cutsDone.incrementAndGet();
                        return;
                    }
                }
                if (connection.dark) {
                    closed.await(); // a dark link passes no FIN along either
                    return;
                }
                to.shutdownOutput(); // pass a half-close along
            } catch (IOException e) {
                if (connection.dark) {
                    try {
                        closed.await(); // nor a reset
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                connection.abort();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (!connection.dark) {
                    open.remove(connection);
                }
            }
        }, "chaos-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Both sockets of one proxied connection. */
    private final class Connection {
        private final Socket client;
        private final Socket server;
        private final long darkAfter;
        private final AtomicInteger sent = new AtomicInteger();
        volatile boolean dark;

        Connection(Socket client, Socket server, long darkAfter) {
            this.client = client;
            this.server = server;
            this.darkAfter = darkAfter;
        }

        Socket server() {
            return server;
        }

        /** Counts bytes towards the server; true when this connection should now go dark. */
        boolean countTowardsServer(int n) {
            return darkAfter > 0 && sent.addAndGet(n) >= darkAfter;
        }

        void darken() {
            if (!dark) {
                dark = true;
                if (darkenedAtNanos == 0) {
                    darkenedAtNanos = System.nanoTime();
                }
            }
        }

        void abort() {
            for (Socket s : new Socket[] {client, server}) {
                try {
                    s.setSoLinger(true, 0); // RST, not a polite FIN
                    s.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        closed.countDown();
        for (Connection c : open) {
            c.abort();
        }
    }
}
