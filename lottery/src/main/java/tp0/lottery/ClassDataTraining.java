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
 * bets sent, the winners after the draw, then CoordinatedShutdown as after SIGTERM. Run under
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

    private ClassDataTraining() {}

    private enum Reason implements CoordinatedShutdown.Reason {
        TRAINING_DONE
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("lottery-cds-training");
        PrintStream stdout = System.out;
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        // Logback's console appender writes to whatever System.out is at each line.
        System.setOut(new PrintStream(new ListenLineWatcher(listening), true, StandardCharsets.UTF_8));
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
            }), "lottery");
            int port = listening.get(60, TimeUnit.SECONDS);
            echo(port);
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

    /** Drops the server's output, but tells when its listen line says the port. */
    private static final class ListenLineWatcher extends OutputStream {
        private final CompletableFuture<Integer> listening;
        private final StringBuilder line = new StringBuilder();

        ListenLineWatcher(CompletableFuture<Integer> listening) {
            this.listening = listening;
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
            line.setLength(0);
        }
    }
}
