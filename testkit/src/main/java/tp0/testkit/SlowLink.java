package tp0.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback whose agency-to-server direction carries at most {@code bytesPerSecond}
 * per connection, until {@link #unthrottle}: a run that takes seconds whatever the server's
 * speed, so a watcher sees the counts rise, or a crash test's kills all fall mid-ingestion.
 * The pacing shapes the input (like a slow line); it waits for nothing. A server that does not
 * answer (killed) closes that one agency connection, as a dead server's port would refuse it.
 */
public final class SlowLink implements AutoCloseable {
    private static final int CHUNK = 512;

    private final ServerSocket listener;
    private final int targetPort;
    private volatile long bytesPerSecond;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public SlowLink(int targetPort, long bytesPerSecond) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        Thread acceptor = new Thread(this::acceptLoop, "slow-link");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket agency = listener.accept();
                Socket server;
                try {
                    server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException refused) {
                    closeQuietly(agency);
                    continue;
                }
                sockets.add(agency);
                sockets.add(server);
                pump(agency, server, this);
                pump(server, agency, null);
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** From now on every connection, open or new, runs as fast as it comes. */
    public void unthrottle() {
        bytesPerSecond = 0;
    }

    /** Copies {@code from} to {@code to}, paced to {@code paced}'s rate (null: as fast as it comes). */
    private static void pump(Socket from, Socket to, SlowLink paced) {
        Thread thread = new Thread(() -> {
            byte[] buf = new byte[CHUNK];
            long start = System.nanoTime();
            long sent = 0;
            try {
                // Not closed here: closing a socket's stream closes the socket, and the other direction may still run.
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    sent += n;
                    long rate = paced == null ? 0 : paced.bytesPerSecond;
                    if (rate > 0) {
                        long due = start + sent * 1_000_000_000L / rate;
                        long ahead = due - System.nanoTime();
                        if (ahead > 0) {
                            LockSupport.parkNanos(ahead);
                        }
                    }
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "slow-link-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(SlowLink::closeQuietly);
    }
}
