package tp0.lottery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import tp0.logline.LogLine;
import tp0.lottery.config.IniFile;
import tp0.lottery.config.ServerSettings;
import tp0.lottery.store.file.StoreRecovery;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.Codec;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * The training run behind the server's class-data archive (built by {@code ./mvnw package}
 * through {@code target/bin/lottery} with {@code TP0_DUMP_ARCHIVE=1}): the real server —
 * settings from a config.ini, the store's files, the actor system, the TCP listener — in a
 * temporary folder on a free loopback port, and a real lottery against it: an echo health
 * check, then five agencies at once, each Hello, a window of batches with accented names, all
 * bets sent, the winners after the draw, then CoordinatedShutdown as after SIGTERM. The HTTP port
 * is on, as config.ini ships it: the training waits for its {@code http_listen} line and asks
 * every endpoint, before the agencies and after the draw, so its classes (Pekko HTTP, the
 * default TLS context Pekko's plain-TCP stages create, the JVM metrics) are in the archive too;
 * a training that ended before the port was bound left them out, and every real start then loaded
 * and linked them from the jar while the agencies started. Run under
 * {@code -XX:ArchiveClassesAtExit} (JDK 17) or {@code -XX:AOTCacheOutput} (JDK 25), the JVM
 * stores every class this loaded, already parsed and verified (on 25 also linked, with method
 * profiles), so a real server maps them instead of loading each from the jar: most of its
 * start and of its first session's cost. The server's log lines go nowhere.
 *
 * <pre>TP0_DUMP_ARCHIVE=1 lottery/target/bin/lottery</pre>
 */
public final class ClassDataTraining {
    private static final int AGENCIES = 5;
    private static final int BATCHES_PER_AGENCY = 6;
    private static final int BETS_PER_BATCH = 100;
    private static final Pattern LISTEN = Pattern.compile("action: listen \\| result: success .*\\| port: (\\d+)");
    private static final Pattern HTTP_LISTEN = Pattern.compile("action: http_listen \\| result: success .*\\| port: (\\d+)");
    private static final List<String> HTTP_PATHS = List.of("/health/live", "/health/ready", "/status", "/metrics",
            "/", "/status.js", "/status.css", "/events", "/no-such-page");

    private ClassDataTraining() {}

    private enum Reason implements CoordinatedShutdown.Reason {
        TRAINING_DONE
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("lottery-cds-training");
        PrintStream stdout = System.out;
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        CompletableFuture<Integer> httpListening = new CompletableFuture<>();
        // Logback's console appender writes to whatever System.out is at each line.
        System.setOut(new PrintStream(new ListenLineWatcher(listening, httpListening), true, StandardCharsets.UTF_8));
        try {
            Files.writeString(dir.resolve("config.ini"), "[DEFAULT]\nSERVER_PORT = 12345\nSERVER_IP = 0.0.0.0\n"
                    + "LOGGING_LEVEL = INFO\nNUM_AGENCIES = 5\n", StandardCharsets.UTF_8);
            ServerSettings settings = ServerSettings.load(IniFile.load(dir.resolve("config.ini")),
                    Map.of("SERVER_IP", "127.0.0.1", "SERVER_PORT", "0", "NUM_AGENCIES", Integer.toString(AGENCIES),
                            "HTTP_IP", "127.0.0.1", "HTTP_PORT", "any"),
                    dir);
            org.slf4j.LoggerFactory.getLogger(ClassDataTraining.class)
                    .info(LogLine.success("config", "port", settings.port(), "num_agencies", settings.numAgencies()));
            StoreRecovery.Recovered files = StoreRecovery.recover(settings.betsFile(), settings.finishMarksFile(),
                    settings.numAgencies());
            ActorSystem<Void> system = ActorSystem.create(LotteryGuardian.create(settings, files, reason -> {
                listening.completeExceptionally(new IllegalStateException("server failed: " + reason));
                httpListening.completeExceptionally(new IllegalStateException("server failed: " + reason));
            }), "lottery");
            int port = listening.get(60, TimeUnit.SECONDS);
            echo(port);
            int httpPort = httpListening.get(60, TimeUnit.SECONDS);
            askEveryEndpoint(httpPort);
            List<Thread> agencies = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int id = 1; id <= AGENCIES; id++) {
                int agency = id;
                Thread t = new Thread(() -> {
                    try {
                        runAgency(port, agency);
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }, "training-agency-" + id);
                t.start();
                agencies.add(t);
            }
            for (Thread t : agencies) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            askEveryEndpoint(httpPort); // now with stored bets, finished agencies and the draw's winners
            CoordinatedShutdown.get(system).run(Reason.TRAINING_DONE);
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (!failures.isEmpty()) {
                throw new IllegalStateException("training agency failed", failures.get(0));
            }
        } finally {
            System.setOut(stdout);
            try (var entries = Files.list(dir)) {
                for (Path f : (Iterable<Path>) entries::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
        // The actor system is gone; nothing else may keep the JVM (and the archive dump) waiting.
        System.exit(0);
    }

    /** The health check's shape: one text line, echoed back. */
    private static void echo(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write("hola\n".getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (!"hola".equals(line)) {
                throw new IllegalStateException("echo answered " + line);
            }
        }
    }

    /**
     * GET of each of the HTTP port's paths, as a browser and Prometheus ask them; the event
     * stream is read up to its first event.
     */
    private static void askEveryEndpoint(int httpPort) throws IOException {
        for (String path : HTTP_PATHS) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpPort)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                BufferedReader answer = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                String status = answer.readLine();
                if (status == null || !status.startsWith("HTTP/1.1 ")) {
                    throw new IllegalStateException("GET " + path + " answered " + status);
                }
                String line;
                while ((line = answer.readLine()) != null && !line.startsWith("data:")) {
                    // headers and body; an event stream ends here at its first event
                }
            }
        }
    }

    /** One agency's whole session: Hello, pipelined batches, all bets sent, winners. */
    private static void runAgency(int port, int agency) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            FrameReader in = new FrameReader(socket.getInputStream());
            out.write(Codec.encode(new Message.Hello(Protocol.VERSION, agency, "")));
            out.flush();
            expect(in.read(), Message.Welcome.class);
            BetBatchWriter batch = new BetBatchWriter();
            int row = 0;
            for (int b = 0; b < BATCHES_PER_AGENCY; b++) {
                batch.clear();
                for (int i = 0; i < BETS_PER_BATCH; i++, row++) {
                    batch.add(row % 3 == 0 ? "Nicolás" : "Juana", row % 2 == 0 ? "Saldaña" : "Pérez",
                            String.format("%08d", agency * 100_000 + row), 1990, 1 + row % 12, 1 + row % 28,
                            row % 50 == 0 ? 7574 : row);
                }
                out.write(batch.frame(), 0, batch.size());
            }
            out.flush();
            for (int b = 0; b < BATCHES_PER_AGENCY; b++) {
                expect(in.read(), Message.BatchAck.class);
            }
            out.write(Codec.encode(Message.AllBetsSent.INSTANCE));
            out.flush();
            expect(in.read(), Message.AllBetsSentAck.class);
            out.write(Codec.encode(Message.WinnersQuery.INSTANCE));
            out.flush();
            while (!expect(in.read(), Message.Winners.class).last()) {
                // more winners frames follow
            }
        }
    }

    private static <T extends Message> T expect(Message got, Class<T> type) {
        if (!type.isInstance(got)) {
            throw new IllegalStateException("expected " + type.getSimpleName() + ", got " + got);
        }
        return type.cast(got);
    }

    /** Drops the server's output, but tells when its listen and http_listen lines say the ports. */
    private static final class ListenLineWatcher extends OutputStream {
        private final CompletableFuture<Integer> listening;
        private final CompletableFuture<Integer> httpListening;
        private final StringBuilder line = new StringBuilder();

        ListenLineWatcher(CompletableFuture<Integer> listening, CompletableFuture<Integer> httpListening) {
            this.listening = listening;
            this.httpListening = httpListening;
        }

        @Override
        public synchronized void write(int b) {
            if (b != '\n') {
                line.append((char) b);
                return;
            }
            Matcher m = LISTEN.matcher(line);
            if (m.find()) {
                listening.complete(Integer.parseInt(m.group(1)));
            }
            Matcher http = HTTP_LISTEN.matcher(line);
            if (http.find()) {
                httpListening.complete(Integer.parseInt(http.group(1)));
            }
            line.setLength(0);
        }
    }
}
