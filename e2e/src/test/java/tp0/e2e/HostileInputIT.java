package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.ErrorCode;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;
import tp0.protocol.Protocol;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.LotteryRun;

/**
 * The live port under hostile or careless peers — random and mutated frames, a thousand idle
 * connections, more connections than allowed, wrong secrets — while good agencies run
 * alongside and must still finish with the right winners.
 */
class HostileInputIT {
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final int FUZZ_CONNECTIONS = 1_000;
    private static final int FRAMES_PER_CONNECTION = 100;
    @RegisterExtension
    final RunDir folder = new RunDir("e2e");

    @Test
    void fuzzedFramesNeitherCrashNorHangNorSlowTheGoodAgencies() throws Exception {
        Path runDir = folder.path();
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {20_000, 15_000, 10_000, 8_000, 5_000}, new int[] {2, 0, 1, 1, 3}, 31);
        long seed = Seeds.of("tp0.fuzz.seed", "live fuzz");

        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 5, Map.of("MAX_CONNECTIONS", "200"), line -> { })) {
            long rssBefore = run.server().memoryKib("VmRSS");
            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, data.files().get(k), Map.of("CLI_SERVER_CONNECTTIMEOUT", "120s"), line -> { });
            }
            AtomicLong cases = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < FUZZ_CONNECTIONS; c++) {
                long connectionSeed = seed + c;
                work.add(pool.submit(() -> {
                    fuzzOneConnection(run.port(), new Random(connectionSeed));
                    cases.addAndGet(FRAMES_PER_CONNECTION);
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(3, TimeUnit.MINUTES); // a hang (server never closing) fails here
            }
            pool.shutdown();

            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);
            assertTrue(run.server().isAlive(), "the server survived");
            long peak = run.server().memoryKib("VmHWM");
            System.out.printf("live fuzz: %d cases on %d connections; server RSS %d MiB before, peak %d MiB%n",
                    cases.get(), FUZZ_CONNECTIONS, rssBefore / 1024, peak / 1024);
            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            assertTrue(cases.get() >= 100_000, "fuzz cases: " + cases.get());
            assertTrue(peak < 1024 * 1024, "server peak RSS " + peak / 1024 + " MiB stays bounded");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aThousandIdleConnectionsDoNotDisturbIngestion() throws Exception {
        Path runDir = folder.path();
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {10_000, 10_000, 10_000, 10_000, 10_000}, new int[] {1, 1, 1, 1, 1}, 8);
        try (HeldSockets idle = new HeldSockets();
             LotteryRun run = LotteryRun.start(ROOT, runDir, 5,
                // A backlog of 5 would make a burst of 1000 connects wait on SYN retries.
                Map.of("MAX_CONNECTIONS", "1100", "FRAME_TIMEOUT", "600", "SERVER_LISTEN_BACKLOG", "1024"), line -> { })) {
            for (int i = 0; i < 1_000; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), run.port()), 5_000);
                idle.add(s);
            }
            long rssIdle = run.server().memoryKib("VmRSS");
            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, data.files().get(k), Map.of(), line -> { });
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);
            long peak = run.server().memoryKib("VmHWM");
            System.out.printf("idle connections: 1000 held; server RSS %d MiB with them, peak %d MiB%n",
                    rssIdle / 1024, peak / 1024);
            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            for (Socket s : idle.all()) {
                assertTrue(!s.isClosed(), "idle connections are held, not dropped");
            }
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void connectionsOverTheCapAreRefusedPolitely() throws Exception {
        Path runDir = folder.path();
        try (HeldSockets held = new HeldSockets();
             LotteryRun run = LotteryRun.start(ROOT, runDir, 1, Map.of("MAX_CONNECTIONS", "3"), line -> { })) {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), run.port());
                held.add(s);
                if (i == 0) { // one agency and two idle peers fill the cap
                    s.getOutputStream().write(Codec.encode(new Message.Hello(Protocol.VERSION, 1, "")));
                    assertInstanceOf(Message.Welcome.class, new FrameReader(s.getInputStream()).read());
                }
            }
            try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), run.port())) {
                extra.setSoTimeout(10_000);
                Message refusal = new FrameReader(extra.getInputStream()).read();
                assertEquals(ErrorCode.TOO_MANY_CONNECTIONS, ((Message.Error) refusal).code());
            }
            run.server().awaitLine("code: TOO_MANY_CONNECTIONS", Duration.ofSeconds(30));
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void secretsKeepAgenciesFromActingAsEachOther() throws Exception {
        Path runDir = folder.path();
        Path secrets = runDir.resolve("secrets.txt");
        Files.writeString(secrets, "# agency=secret\n1=alfa-1\n2=bravo-2\n");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {500, 500}, new int[] {1, 1}, 3);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 2,
                Map.of("AGENCY_SECRETS_FILE", secrets.toString()), line -> { })) {
            ChildProcess impostor = run.startAgency(2, data.files().get(2), Map.of("CLI_SECRET", "alfa-1"), line -> { });
            assertTrue(impostor.awaitExit(LONG).orElseThrow() != 0, "a wrong secret is refused");
            assertTrue(impostor.lines().stream().anyMatch(l -> l.contains("result: fail") && l.contains("AUTH_FAILED")),
                    "the agency says why");
            assertTrue(impostor.lines().stream().noneMatch(l -> l.contains("alfa-1")), "secrets are never logged");
            assertTrue(run.server().lines().stream().noneMatch(l -> l.contains("alfa-1")), "secrets are never logged");
            assertEquals(List.of(), StoredBets.rows(run.betsFile()), "nothing stored for the impostor");
        }
        try (LotteryRun run = LotteryRun.start(ROOT, runDir.resolve("honest"), 2,
                Map.of("AGENCY_SECRETS_FILE", secrets.toString()), line -> { })) {
            run.startAgency(1, data.files().get(1), Map.of("CLI_SECRET", "alfa-1"), line -> { });
            run.startAgency(2, data.files().get(2), Map.of("CLI_SECRET", "bravo-2"), line -> { });
            Outcomes.assertEachLearnedItsWinners(run.awaitAgencies(LONG), data);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    // ------------------------------------------------------------------ fuzzing

    /** Sends a burst of random and mutated frames, stops sending, and reads until the server closes. */
    private static void fuzzOneConnection(int port, Random random) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(60_000);
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < FRAMES_PER_CONNECTION; i++) {
                burst.write(fuzzFrame(random, i == FRAMES_PER_CONNECTION - 1));
            }
            try {
                socket.getOutputStream().write(burst.toByteArray());
                socket.shutdownOutput();
            } catch (SocketException closedEarly) {
                return; // the server refused the stream (e.g. an oversized frame) and closed: fine
            }
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[8192];
            try {
                while (in.read(sink) >= 0) {
                    // drain replies until the server closes
                }
            } catch (SocketTimeoutException hang) {
                throw new AssertionError("the server neither answered nor closed within 60 s", hang);
            } catch (SocketException reset) {
                // closed abruptly after a refusal: fine
            }
        }
    }

    /**
     * Every frame but the last keeps a truthful length, so the server must decode (and refuse)
     * each one on the same connection; the last one may break the stream itself.
     */
    private static byte[] fuzzFrame(Random random, boolean last) {
        if (last && random.nextInt(4) == 0) {
            return streamBreaker(random);
        }
        byte[] frame = Codec.encode(template(random, last));
        switch (random.nextInt(4)) {
            case 0 -> frame[4 + random.nextInt(frame.length - 4)] ^= (byte) (1 << random.nextInt(8)); // flip a bit
            case 1 -> frame[4 + random.nextInt(frame.length - 4)] = (byte) random.nextInt(256);     // any byte
            case 2 -> { // random payload behind a valid type byte
                byte[] payload = new byte[random.nextInt(200)];
                random.nextBytes(payload);
                byte[] f = new byte[5 + payload.length];
                int length = 1 + payload.length;
                f[0] = (byte) (length >>> 24); f[1] = (byte) (length >>> 16); f[2] = (byte) (length >>> 8); f[3] = (byte) length;
                f[4] = frame[4];
                System.arraycopy(payload, 0, f, 5, payload.length);
                frame = f;
            }
            default -> { } // valid as it is
        }
        return frame;
    }

    /** Bytes that leave the stream unusable: noise, an oversized or lying length, a cut-off frame. */
    private static byte[] streamBreaker(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] noise = new byte[1 + random.nextInt(64)];
                random.nextBytes(noise);
                yield noise;
            }
            case 1 -> new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 3};
            default -> java.util.Arrays.copyOf(Codec.encode(template(random, false)), 3);
        };
    }

    /**
     * Valid messages to mutate. A Hello only comes last (a refused Hello closes the connection),
     * and names agencies far outside 1..5, so no mutation can impersonate a good agency.
     */
    private static Message template(Random random, boolean last) {
        return switch (random.nextInt(last ? 6 : 5)) {
            case 0, 1 -> Batches.of(List.of(
                    new Bet("Nicolás", "Saldaña", "00" + random.nextInt(999_999), LocalDate.of(1990, 1, 1 + random.nextInt(28)),
                            random.nextInt(10_000)),
                    new Bet("Zoë", "Muñoz", Integer.toString(random.nextInt(99_999_999)), LocalDate.of(2001, 2, 3), 7574)));
            case 2 -> Message.AllBetsSent.INSTANCE;
            case 3 -> Message.WinnersQuery.INSTANCE;
            case 4 -> new Message.Error(ErrorCode.BAD_DATE, "not from a client " + random.nextInt());
            default -> new Message.Hello(Protocol.VERSION, 0x7F00_0000 | random.nextInt(0xFFFF), "");
        };
    }

    // ------------------------------------------------------------------ helpers
}
