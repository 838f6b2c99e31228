package tp0.agency;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tp0.agency.config.ServerAddress;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.ErrorCode;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/** A scripted stand-in for the lottery server: serves one connection on its own thread. */
final class FakeLotteryServer implements AutoCloseable {

    interface Script {
        void run(Peer peer) throws Exception;
    }

    /** The server's side of the connection; records everything the agency sends. */
    final class Peer {
        private final FrameReader in;
        private final OutputStream out;

        Peer(Socket socket) throws IOException {
            in = new FrameReader(new BufferedInputStream(socket.getInputStream()));
            out = socket.getOutputStream();
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
            }
            return m;
        }

        void send(Message m) throws IOException {
            out.write(Codec.encode(m));
            out.flush();
        }
    }

    private final ServerSocket serverSocket;
    private final Thread thread;
    private final List<Message> received = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Throwable failure;
    private volatile Socket connection;

    private FakeLotteryServer(ServerSocket serverSocket, Script script) {
        this.serverSocket = serverSocket;
        this.thread = new Thread(() -> serve(script), "fake-lottery-server");
        thread.setDaemon(true);
        thread.start();
    }

    static FakeLotteryServer start(Script script) throws IOException {
        return start(0, script);
    }

    static FakeLotteryServer start(int port, Script script) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new FakeLotteryServer(socket, script);
    }

    private void serve(Script script) {
        try (Socket socket = serverSocket.accept()) {
            connection = socket;
            script.run(new Peer(socket));
        } catch (Throwable t) {
            if (!serverSocket.isClosed()) {
                failure = t;
            }
        } finally {
            done.countDown();
        }
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    ServerAddress address() {
        return new ServerAddress("127.0.0.1", port());
    }

    List<Message> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    List<Message.BetBatch> batches() {
        return received().stream().filter(m -> m instanceof Message.BetBatch)
                .map(m -> (Message.BetBatch) m).toList();
    }

    List<Bet> bets() {
        return batches().stream().flatMap(b -> b.bets().stream()).toList();
    }

    /** Waits for the script to end and rethrows what broke it, if anything. */
    void awaitDone(Duration timeout) throws Exception {
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("fake server script did not finish within " + timeout);
        }
        if (failure != null) {
            throw new AssertionError("fake server script failed", failure);
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        Socket c = connection;
        if (c != null) {
            c.close();
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
                    for (int i = 0; i < winnerFrames.size(); i++) {
                        peer.send(new Message.Winners(winnerFrames.get(i), i == winnerFrames.size() - 1));
                    }
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

    static Message.Hello expectHello(Peer peer) throws Exception {
        Message m = peer.receive();
        if (!(m instanceof Message.Hello hello)) {
            throw new AssertionError("expected Hello, got " + m);
        }
        return hello;
    }
}
