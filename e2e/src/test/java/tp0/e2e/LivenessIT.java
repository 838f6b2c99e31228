package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import tp0.protocol.Codec;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;
import tp0.protocol.Protocol;
import tp0.testkit.ChaosProxy;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.LotteryRun;

/**
 * No silent hang and no lock-out, with the real jars: a link that goes dark without closing
 * (the agency notices within its read timeout and resumes on a new connection), an agency that
 * vanishes without a FIN while its winners query is parked (the server's heartbeat timeout
 * frees it, or a restart takes its session over at once; the restarted agency gets its
 * winners), peers squatting on an agency's Hello (the honest agency takes the session over at
 * once), and an acknowledged row cut from bets.csv
 * after the agency finished (the server un-marks it; the agency resends it and gets its winners).
 */
class LivenessIT {
    private static final Duration LONG = Duration.ofMinutes(2);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

    private static Map<String, String> agencyVia(int port, String connectTimeout) {
        return Map.of("CLI_SERVER_ADDRESS", "127.0.0.1:" + port, "CLI_SERVER_CONNECTTIMEOUT", connectTimeout,
                "CLI_SERVER_READTIMEOUT", READ_TIMEOUT.toMillis() + "ms");
    }

    @Test
    void aLinkThatGoesDarkMidIngestionIsLeftWithinTheReadTimeoutAndResumedExactlyOnce() throws IOException {
        Path runDir = RunDirs.fresh("e2e", "liveness-black-hole");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {60_000, 20_000}, new int[] {2, 1}, 13);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 2, Map.of(), line -> { });
             ChaosProxy proxy = new ChaosProxy(run.port(), 1, 0).darkenFirstAfter(400_000)) {
            // Small batches, stop-and-wait: the link goes dark with the agency mid-file, waiting for an ack.
            Map<String, String> env = new java.util.HashMap<>(agencyVia(proxy.port(), "30s"));
            env.put("CLI_BATCH_WINDOW", "1");
            env.put("CLI_BATCH_MAXAMOUNT", "50");
            ChildProcess one = run.startAgency(1, data.files().get(1), env, line -> { });
            run.startAgency(2, data.files().get(2), Map.of(), line -> { });
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);

            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            Duration recovered = proxy.darkToReconnect();
            System.out.println("black hole: agency reconnected " + recovered + " after the link went dark");
            assertNotNull(recovered, "the link went dark and the agency came back");
            assertTrue(recovered.compareTo(READ_TIMEOUT.plusSeconds(2)) < 0,
                    "within the read timeout + backoff: " + recovered);
            assertEquals(1, LogLines.count(one.lines(), "action: connection_lost | result: in_progress"),
                    String.join("\n", one.tail(20)));
            assertEquals(0, LogLines.count(one.lines(), "result: fail"), String.join("\n", one.tail(20)));
            assertEquals(1, LogLines.count(one.lines(), "action: consulta_ganadores | result: success"));
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void anAgencyThatVanishesWithoutAWordWhileItsWinnersQueryIsParkedIsFreedAndGetsItsWinnersWhenBack()
            throws IOException {
        Path runDir = RunDirs.fresh("e2e", "liveness-vanished-waiter");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {5_000, 5_000}, new int[] {2, 1}, 17);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 2, Map.of("HEARTBEAT_TIMEOUT", "6"), line -> { });
             ChaosProxy proxy = new ChaosProxy(run.port(), 1, 0)) {
            ChildProcess first = run.startAgency(1, data.files().get(1), agencyVia(proxy.port(), "30s"), line -> { });
            first.awaitLine("action: apuestas_enviadas \\| result: success", LONG); // its winners query is parked next
            run.server().awaitLine("action: agencia_finalizada \\| result: success \\| agencia: 1", LONG);

            proxy.darkenOpen(); // the server will never hear of what happens to this agency now...
            first.kill();       // ...not even its FIN
            run.server().awaitLine("action: conexion_cerrada \\| result: fail \\| ip: 127.0.0.1 \\| code: FRAME_TIMEOUT"
                    + " \\| agencia: 1 \\| timeout_s: 6", Duration.ofSeconds(30));

            ChildProcess back = run.startAgency(1, data.files().get(1), agencyVia(proxy.port(), "10s"), line -> { });
            back.awaitLine("action: apuestas_enviadas \\| result: success", LONG); // welcomed, not refused
            run.startAgency(2, data.files().get(2), Map.of(), line -> { });
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);

            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void anAgencyRestartedAtOnceTakesItsVanishedSessionOverAndGetsItsWinners() throws IOException {
        Path runDir = RunDirs.fresh("e2e", "liveness-vanished-takeover");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {5_000, 5_000}, new int[] {1, 2}, 29);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 2, Map.of(), line -> { });
             ChaosProxy proxy = new ChaosProxy(run.port(), 1, 0)) {
            ChildProcess first = run.startAgency(1, data.files().get(1), agencyVia(proxy.port(), "30s"), line -> { });
            first.awaitLine("action: apuestas_enviadas \\| result: success", LONG);
            run.server().awaitLine("action: agencia_finalizada \\| result: success \\| agencia: 1", LONG);
            proxy.darkenOpen();
            first.kill(); // the server still holds its session, parked for the draw

            // Well within the 15 s heartbeat timeout: no waiting for it, the new Hello takes over.
            ChildProcess back = run.startAgency(1, data.files().get(1), agencyVia(proxy.port(), "3s"), line -> { });
            run.startAgency(2, data.files().get(2), Map.of(), line -> { });
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);

            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            assertEquals(0, LogLines.count(back.lines(), "action: connect | result: in_progress"),
                    String.join("\n", back.tail(10)));
            assertEquals(1, LogLines.count(run.server().lines(), "| code: TAKEN_OVER | agencia: 1"));
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    /** A raw peer that says Hello for {@code agency} and reads whatever comes back. */
    private static final class Squatter implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final FrameReader in;

        Squatter(int port, int agency) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            out = socket.getOutputStream();
            in = new FrameReader(socket.getInputStream());
            socket.setSoTimeout(10_000);
            hello(agency);
        }

        void hello(int agency) throws IOException {
            out.write(Codec.encode(new Message.Hello(Protocol.VERSION, agency, "")));
            out.flush();
        }

        Message read() throws Exception {
            return in.read();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void helloSquattersNeverKeepTheHonestAgencyOut() throws Exception {
        Path runDir = RunDirs.fresh("e2e", "liveness-squatters");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {3_000, 3_000}, new int[] {1, 2}, 19);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 2, Map.of(), line -> { });
             Squatter silent = new Squatter(run.port(), 1);
             Squatter repeating = new Squatter(run.port(), 2)) {
            assertInstanceOf(Message.Welcome.class, silent.read()); // holds agency 1, then says nothing
            assertInstanceOf(Message.Welcome.class, repeating.read());
            AtomicBoolean stop = new AtomicBoolean();
            Thread repeater = new Thread(() -> { // says Hello again and again on its connection
                try {
                    while (!stop.get()) {
                        repeating.hello(2);
                        if (repeating.read() == null) {
                            return;
                        }
                    }
                } catch (Exception ignored) {
                    // taken over: the server closed it
                }
            }, "hello-repeater");
            repeater.setDaemon(true);
            repeater.start();

            // A connect timeout far below the 30 s FRAME_TIMEOUT that used to free a squatted agency.
            ChildProcess one = run.startAgency(1, data.files().get(1), Map.of("CLI_SERVER_CONNECTTIMEOUT", "5s"),
                    line -> { });
            ChildProcess two = run.startAgency(2, data.files().get(2), Map.of("CLI_SERVER_CONNECTTIMEOUT", "5s"),
                    line -> { });
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);
            stop.set(true);

            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            for (ChildProcess agency : List.of(one, two)) {
                assertEquals(0, LogLines.count(agency.lines(), "action: connect | result: in_progress"),
                        agency.name() + " got in at once: " + String.join("\n", agency.tail(10)));
            }
            assertEquals(2, LogLines.count(run.server().lines(), "| code: TAKEN_OVER"), "both squatters taken over");
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }

    @Test
    void anAcknowledgedRowCutAfterItsAgencyFinishedIsUnmarkedAndSentAgain() throws IOException {
        Path runDir = RunDirs.fresh("e2e", "liveness-cut-acked-row");
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.resolve("data"),
                new int[] {2_000, 2_000}, new int[] {1, 1}, 23);
        Path betsFile;
        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 2, Map.of(), line -> { })) {
            for (int k = 1; k <= 2; k++) {
                run.startAgency(k, data.files().get(k), Map.of(), line -> { });
            }
            Outcomes.assertEachLearnedItsWinners(run.awaitAgencies(LONG), data);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
            betsFile = run.betsFile();
        }
        // The last row, acknowledged long ago, loses its line end (a bad copy, an editor).
        byte[] bytes = Files.readAllBytes(betsFile);
        Files.write(betsFile, java.util.Arrays.copyOf(bytes, bytes.length - 2));
        String text = new String(bytes, StandardCharsets.UTF_8);
        String lastRow = text.substring(text.lastIndexOf("\r\n", text.length() - 3) + 2);
        int agency = Integer.parseInt(lastRow.substring(0, lastRow.indexOf(',')));

        try (LotteryRun run = LotteryRun.start(ROOT, runDir, 2, Map.of(), line -> { })) {
            assertEquals(1, LogLines.count(run.server().lines(), "action: all_bets_sent_file | result: fail | agencia: "
                    + agency + " | marked_bets: 2000 | stored_bets: 1999"), String.join("\n", run.server().tail(10)));
            assertFalse(run.server().lines().stream().anyMatch(l -> l.contains("action: sorteo")),
                    "no draw without the agency's missing row");
            run.startAgency(agency, data.files().get(agency), Map.of(), line -> { });
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(LONG);
            Outcomes.assertEachLearnedItsWinners(outcomes, data);
            StoredBets.assertExactlyOnceInOrder(run.betsFile(), data);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        }
    }
}
