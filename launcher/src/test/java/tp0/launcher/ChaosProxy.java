package tp0.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that forwards agencies to the server and, for its first
 * {@code cuts} connections, aborts both sides (RST) after a random number of bytes in a random
 * direction: a batch cut mid-frame on its way in, or an acknowledgement lost on its way out.
 */
final class ChaosProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final Random random;
    private final AtomicInteger cutsLeft;
    private final AtomicInteger cutsDone = new AtomicInteger();
    private final Thread acceptor;

    ChaosProxy(int targetPort, long seed, int cuts) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.random = new Random(seed);
        this.cutsLeft = new AtomicInteger(cuts);
        this.acceptor = new Thread(this::acceptLoop, "chaos-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    int cutsDone() {
        return cutsDone.get();
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
                            budgetIn = 1 + random.nextInt(40_000);   // mid-batch, agency → server
                        } else {
                            budgetOut = 1 + random.nextInt(600);     // an ack lost, server → agency
                        }
                    }
                }
                Connection connection = new Connection(client, server);
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
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                    out.write(buf, 0, n);
                    left -= n;
                    if (left == 0) {
                        connection.abort();
                        cutsDone.incrementAndGet();
                        return;
                    }
                }
                to.shutdownOutput(); // pass a half-close along
            } catch (IOException e) {
                connection.abort();
            }
        }, "chaos-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Both sockets of one proxied connection. */
    private record Connection(Socket client, Socket server) {
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
    }
}
