package tp0.agency;

import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import tp0.agency.config.ServerAddress;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.ErrorCode;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * A scripted stand-in for the lottery server. It serves connections one after another on
 * its own thread, each with the script its {@link Sessions} gives for that connection
 * number; when there is none it stops listening, so a further connect is refused.
 */
final class FakeLotteryServer implements AutoCloseable {

    interface Script {
        void run(Peer peer) throws Exception;
    }

    /** The script for connection {@code number} (1-based), or null to stop listening. */
    interface Sessions {
        Script connection(int number);
    }

    /** The server's side of the connection; records everything the agency sends. */
    final class Peer {
        private final Socket socket;
        private final FrameReader in;
        private final OutputStream out;
        private final List<Message> mine;

        Peer(Socket socket, List<Message> mine) throws IOException {
            this.socket = socket;
            in = new FrameReader(new BufferedInputStream(socket.getInputStream()));
            out = socket.getOutputStream();
            this.mine = mine;
        }

        /** The next message, failing the script if none comes within {@code deadline}. */
        Message receiveWithin(Duration deadline) throws Exception {
            socket.setSoTimeout((int) deadline.toMillis());
            try {
                Message m = in.read();
                if (m != null) {
                    received.add(m);
                    mine.add(m);
                }
                return m;
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the agency sent nothing within " + deadline);
            } finally {
                socket.setSoTimeout(0);
            }
        }

        /**
         * Fails the script if the agency sends anything within {@code quiet}: how a test sees
         * that the agency waits (for an ack) instead of sending on.
         */
        void expectNothingWithin(Duration quiet) throws Exception {
            socket.setSoTimeout((int) quiet.toMillis());
            try {
                Message m = in.read();
                throw new AssertionError("expected the agency to wait, but it sent " + (m == null ? "EOF" : m.type()));
            } catch (java.net.SocketTimeoutException expected) {
                // Quiet, as it should be. FrameReader had read nothing: the stream is still in step.
            } finally {
                socket.setSoTimeout(0);
            }
        }

        /** The next message, or null when the agency closed the connection. */
        Message receive() throws Exception {
            Message m;
            try {
                m = in.read();
            } catch (IOException e) {
                return null; // reset by the agency: as good as closed, for these tests
            }
            if (m != null) {
                received.add(m);
                mine.add(m);
            }
            return m;
        }

        void send(Message m) throws IOException {
            out.write(Codec.encode(m));
            out.flush();
        }

        /** Reads nothing more until the test closes the server: a peer that stopped reading. */
        void holdWithoutReading() throws InterruptedException {
            closedByTest.await();
        }
    }

    private final java.util.concurrent.CountDownLatch closedByTest = new java.util.concurrent.CountDownLatch(1);

    private final ServerSocket serverSocket;
    private final Thread thread;
    private final List<Message> received = Collections.synchronizedList(new ArrayList<>());
    private final List<List<Message>> byConnection = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger finished = new AtomicInteger(); // scripts that have ended
    private volatile Throwable failure;
    private volatile Socket connection;

    private FakeLotteryServer(ServerSocket serverSocket, Sessions sessions) {
        this.serverSocket = serverSocket;
        this.thread = new Thread(() -> serveAll(sessions), "fake-lottery-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** Serves one connection with {@code script}, then stops listening. */
    static FakeLotteryServer start(Script script) throws IOException {
        return start(0, script);
    }

    static FakeLotteryServer start(int port, Script script) throws IOException {
        return serve(port, n -> n == 1 ? script : null);
    }

    static FakeLotteryServer serve(Sessions sessions) throws IOException {
        return serve(0, sessions);
    }

    static FakeLotteryServer serve(int port, Sessions sessions) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new FakeLotteryServer(socket, sessions);
    }

    private void serveAll(Sessions sessions) {
        try {
            for (int n = 1; ; n++) {
                Script script = sessions.connection(n);
                if (script == null) {
                    return;
                }
                serveOne(script);
            }
        } catch (IOException e) {
            // accept() after close(): the test is over.
        } finally {
            closeQuietly(serverSocket);
        }
    }

    private void serveOne(Script script) throws IOException {
        Socket socket = serverSocket.accept(); // throws once the test has closed the server
        try (socket) {
            connection = socket;
            List<Message> mine = Collections.synchronizedList(new ArrayList<>());
            byConnection.add(mine);
            script.run(new Peer(socket, mine));
        } catch (Throwable t) {
            if (!serverSocket.isClosed() && failure == null) {
                failure = t;
            }
        } finally {
            finished.incrementAndGet();
        }
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    ServerAddress address() {
        return new ServerAddress("127.0.0.1", port());
    }

    /** Stops taking connections: the next connect is refused. */
    void stopListening() {
        closeQuietly(serverSocket);
    }

    /** Everything every connection received, in order. */
    List<Message> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** What each connection received, by connection. */
    List<List<Message>> connections() {
        synchronized (byConnection) {
            return byConnection.stream().map(l -> {
                synchronized (l) {
                    return List.copyOf(l);
                }
            }).toList();
        }
    }

    List<Message.BetBatch> batches() {
        return received().stream().filter(m -> m instanceof Message.BetBatch)
                .map(m -> (Message.BetBatch) m).toList();
    }

    List<Bet> bets() {
        return batches().stream().flatMap(b -> b.bets().stream()).toList();
    }

    /** Waits for the first script to end and rethrows what broke it, if anything. */
    void awaitDone(Duration timeout) throws Exception {
        awaitScripts(1, timeout);
    }

    /** Waits for {@code count} scripts to end and rethrows what broke any of them. */
    void awaitScripts(int count, Duration timeout) throws Exception {
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                    .until(() -> finished.get() >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(finished.get() + " of " + count + " fake server scripts finished within " + timeout);
        }
        if (failure != null) {
            throw new AssertionError("fake server script failed", failure);
        }
    }

    /** What connection {@code number} (1-based) received. */
    List<Message> receivedOn(int number) {
        return connections().get(number - 1);
    }

    @Override
    public void close() throws IOException {
        closedByTest.countDown();
        serverSocket.close();
        Socket c = connection;
        if (c != null) {
            c.close();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Test teardown.
        }
    }

    // ------------------------------------------------------------------ scripts

    /** A well-behaved server: welcomes, acks every batch, then answers with these winners. */
    static Script lottery(List<List<String>> winnerFrames) {
        return peer -> {
            expectHello(peer);
            peer.send(new Message.Welcome(Protocol.VERSION, 0));
            long stored = 0;
            while (true) {
                Message m = peer.receive();
                if (m == null) {
                    return;
                }
                if (m instanceof Message.BetBatch batch) {
                    stored += batch.bets().size();
                    peer.send(new Message.BatchAck(batch.bets().size(), stored));
                } else if (m == Message.AllBetsSent.INSTANCE) {
                    peer.send(Message.AllBetsSentAck.INSTANCE);
                } else if (m == Message.WinnersQuery.INSTANCE) {
                    sendWinners(peer, winnerFrames);
                    return;
                } else {
                    throw new AssertionError("unexpected " + m);
                }
            }
        };
    }

    static Script lottery(String... winners) {
        return lottery(List.of(List.of(winners)));
    }

    /** Welcomes, then rejects batch number {@code rejected} (1-based), acking those before. */
    static Script rejectingBatch(int rejected, ErrorCode code) {
        return peer -> {
            expectHello(peer);
            peer.send(new Message.Welcome(Protocol.VERSION, 0));
            for (int n = 1; ; n++) {
                Message m = peer.receive();
                if (!(m instanceof Message.BetBatch batch)) {
                    throw new AssertionError("expected a BetBatch, got " + m);
                }
                if (n == rejected) {
                    peer.send(new Message.BatchRejected(code, batch.bets().size()));
                    peer.receive(); // until the agency hangs up
                    return;
                }
                peer.send(new Message.BatchAck(batch.bets().size(), 0));
            }
        };
    }

    /** Answers the Hello with an Error and hangs up, as a server refusing the session does. */
    static Script refusingHello(ErrorCode code) {
        return peer -> {
            expectHello(peer);
            peer.send(new Message.Error(code, code.description));
        };
    }

    static void sendWinners(Peer peer, List<List<String>> frames) throws IOException {
        for (int i = 0; i < frames.size(); i++) {
            peer.send(new Message.Winners(frames.get(i), i == frames.size() - 1));
        }
    }

    static Message.Hello expectHello(Peer peer) throws Exception {
        Message m = peer.receive();
        if (!(m instanceof Message.Hello hello)) {
            throw new AssertionError("expected Hello, got " + m);
        }
        return hello;
    }
}
