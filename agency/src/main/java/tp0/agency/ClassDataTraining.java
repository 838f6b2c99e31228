package tp0.agency;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tp0.agency.log.Log;
import tp0.agency.log.LogLevel;
import tp0.protocol.Codec;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * The training run behind the agency's class-data archive (built by {@code ./mvnw package}
 * through {@code target/bin/agency} with {@code TP0_DUMP_ARCHIVE=1}): one whole agency run —
 * config.yaml, env, a small bets file with accented names, connect, Hello, batches in a
 * window, all bets sent, winners, log lines — against a minimal in-process responder on
 * loopback. Run under {@code -XX:ArchiveClassesAtExit} (JDK 17) or {@code -XX:AOTCacheOutput}
 * (JDK 25), the JVM stores every class this loaded, already parsed and verified, so a real
 * agency started with that archive maps them instead of loading them one by one from the
 * jar: a shorter start, which is most of a small agency's run.
 *
 * <pre>TP0_DUMP_ARCHIVE=1 agency/target/bin/agency</pre>
 */
public final class ClassDataTraining {
    private static final int BETS = 4_000;

    private ClassDataTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("agency-cds-training");
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> respond(listener), "training-responder");
            responder.setDaemon(true);
            responder.start();
            Path config = dir.resolve("config.yaml");
            // With comments, as the shipped file has them (the YAML parser has classes for them).
            Files.writeString(config, "# the agency's settings\nserver:\n  # host:port\n  address: \"127.0.0.1:1\"\n  connectTimeout: 10s\n"
                    + "log:\n  level: INFO\nbatch:\n  maxAmount: 500\n  window: 32\n", StandardCharsets.UTF_8);
            Path bets = dir.resolve("agency-1.csv");
            Files.write(bets, sampleBets());
            Map<String, String> env = Map.of(
                    "CLI_ID", "1",
                    "CLI_SERVER_ADDRESS", "127.0.0.1:" + listener.getLocalPort(),
                    "CLI_DATA_FILE", bets.toString());
            // The same stream types Main writes through, into nothing.
            PrintStream out = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
            Log log = new Log(out, LogLevel.INFO);
            StopSignal stop = new StopSignal();
            // What Main does before the run, so those classes are archived too.
            SignalHandlers.install(stop, log);
            System.getenv("CLI_ID");
            int status = Main.run(env, config, log, stop);
            if (status != ExitCodes.SUCCESS) {
                throw new IllegalStateException("training run ended with status " + status);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /** CRLF rows like the course's files, with accented names and a leading-zero document. */
    private static byte[] sampleBets() {
        StringBuilder sb = new StringBuilder(BETS * 48);
        for (int i = 0; i < BETS; i++) {
            sb.append(i % 3 == 0 ? "Nicolás" : "Juana").append(',')
                    .append(i % 2 == 0 ? "Saldaña" : "Pérez").append(',')
                    .append(String.format("%08d", i)).append(',')
                    .append("1990-0").append(1 + i % 9).append("-1").append(i % 10).append(',')
                    .append(i % 10_000).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The server's side of one session: Welcome, an ack per batch, the all-sent ack, no winners. */
    private static void respond(ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            FrameReader in = new FrameReader(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            long stored = 0;
            while (true) {
                Message request = in.read();
                Message reply;
                if (request instanceof Message.Hello) {
                    reply = new Message.Welcome(Protocol.VERSION, 0);
                } else if (request instanceof Message.BetBatch batch) {
                    int count = batch.bets().size();
                    stored += count;
                    reply = new Message.BatchAck(count, stored);
                } else if (request instanceof Message.AllBetsSent) {
                    reply = Message.AllBetsSentAck.INSTANCE;
                } else if (request instanceof Message.WinnersQuery) {
                    out.write(Codec.encode(new Message.Winners(List.of(), true)));
                    out.flush();
                    return;
                } else {
                    throw new IllegalStateException("unexpected " + request);
                }
                out.write(Codec.encode(reply));
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
