package tp0.agency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tp0.agency.config.AgencyConfig;
import tp0.agency.config.ServerAddress;
import tp0.agency.config.ServerAddresses;
import tp0.agency.log.LogLevel;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/** The whole client flow, in-process, against a scripted fake server. */
@Timeout(30)
class AgencyClientTest extends AgainstFakeServers {
    private static final Duration WAIT = Duration.ofSeconds(10);


    private static List<Bet> bets(int count) {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bets.add(new Bet(i % 2 == 0 ? "Nicolás" : "Santiago Lionel", "Saldaña", String.format("%08d", i),
                    LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28), i * 7));
        }
        return bets;
    }

    private Path csv(List<Bet> bets, String extraLines) throws IOException {
        return BetFiles.write(dir, bets, "\r\n", extraLines);
    }

    /** Stop-and-wait (window 1): these tests pin what the agency did before windows existed. */
    private AgencyConfig config(ServerAddress address, Path dataFile, int maxAmount, Duration connectTimeout) {
        return new AgencyConfig(1, ServerAddresses.of(address), LogLevel.DEBUG, maxAmount, 1, connectTimeout, dataFile, Optional.empty(), "");
    }

    /** The all-sent line of {@code count} bets, with the two latency figures, as a regex. */
    static String allSent(long count) {
        return "action: apuestas_enviadas \\| result: success \\| cantidad: " + count
                + " \\| ack_p50_ms: \\d+\\.\\d \\| ack_p99_ms: \\d+\\.\\d";
    }

    private AgencyConfig config(FakeLotteryServer server, Path dataFile, int maxAmount) {
        return config(server.address(), dataFile, maxAmount, Duration.ofSeconds(5));
    }

    private int run(AgencyConfig config) {
        return new AgencyClient(config, capture.log, stop).run();
    }

    private CompletableFuture<Integer> runInBackground(AgencyConfig config) {
        return CompletableFuture.supplyAsync(() -> run(config));
    }

    /** A local port with nothing listening on it (until a test starts something there). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The Hello, answered with a Welcome that holds none of the agency's bets. */
    private static void welcomeAsNew(FakeLotteryServer.Peer peer) throws Exception {
        FakeLotteryServer.expectHello(peer);
        peer.send(new Message.Welcome(Protocol.VERSION, 0));
    }

    private void assertLogged(String text) {
        assertTrue(capture.contains(text), capture.toString());
    }

    @Test
    void happyPathSendsEveryBetInBatchesAndLogsTheWinners() throws Exception {
        List<Bet> bets = bets(1234);
        FakeLotteryServer server = server(FakeLotteryServer.lottery(
                List.of(List.of("00000007", "00000014"), List.of(), List.of("00000021"))));

        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(bets, ""), 100)));
        server.awaitDone(WAIT);

        assertEquals(bets, server.bets());
        List<Message> received = server.received();
        assertInstanceOf(Message.Hello.class, received.get(0));
        assertEquals(new Message.Hello(Protocol.VERSION, 1, ""), received.get(0));
        assertEquals(Message.AllBetsSent.INSTANCE, received.get(received.size() - 2));
        assertEquals(Message.WinnersQuery.INSTANCE, received.get(received.size() - 1));
        List<Integer> sizes = server.batches().stream().map(b -> b.bets().size()).toList();
        assertEquals(13, sizes.size());
        assertTrue(sizes.subList(0, 12).stream().allMatch(n -> n == 100), sizes.toString());
        assertEquals(34, sizes.get(12));

        List<String> messages = capture.messages();
        assertTrue(messages.contains("action: conectado | result: success | stored_bets: 0 | server: " + server.address()),
                capture.toString());
        assertEquals(13, capture.count("action: batch_enviado | result: success | cantidad: "));
        assertTrue(messages.contains("action: batch_enviado | result: success | cantidad: 34"));
        assertTrue(capture.anyMessageMatches(allSent(1234)), capture.toString());
        assertEquals(List.of(
                "action: ganador | result: success | dni: 00000007",
                "action: ganador | result: success | dni: 00000014",
                "action: ganador | result: success | dni: 00000021",
                "action: consulta_ganadores | result: success | cant_ganadores: 3"),
                messages.subList(messages.size() - 4, messages.size()));
        assertFalse(capture.contains("result: fail"), capture.toString());
        assertTrue(capture.lines().get(0).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} DEBUG    action: .*"));
    }

    @Test
    void anEmptyFileStillDeclaresAllBetsSentAndAsksForWinners() throws Exception {
        FakeLotteryServer server = server(FakeLotteryServer.lottery());
        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(List.of(), ""), 500)));
        server.awaitDone(WAIT);
        assertEquals(List.of(new Message.Hello(Protocol.VERSION, 1, ""), Message.AllBetsSent.INSTANCE,
                Message.WinnersQuery.INSTANCE), server.received());
        assertTrue(capture.contains("action: consulta_ganadores | result: success | cant_ganadores: 0"));
    }

    @Test
    void singleBetModeSendsOnlyTheEnvBet() throws Exception {
        Bet bet = new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1999, 3, 17), 7574);
        FakeLotteryServer server = server(FakeLotteryServer.lottery("30904465"));
        AgencyConfig config = new AgencyConfig(1, ServerAddresses.of(server.address()), LogLevel.INFO, 500, 16, Duration.ofSeconds(5),
                dir.resolve("not-read.csv"), Optional.of(bet), "");

        assertEquals(ExitCodes.SUCCESS, run(config));
        server.awaitDone(WAIT);
        assertEquals(List.of(bet), server.bets());
        assertTrue(capture.messages().contains("action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574"),
                capture.toString());
        assertTrue(capture.contains("action: ganador | result: success | dni: 30904465"));
    }

    @Test
    void aRejectedBatchFailsWithItsCode() throws Exception {
        FakeLotteryServer server = server(FakeLotteryServer.rejectingBatch(2, ErrorCode.INVALID_FIELD));
        assertEquals(ExitCodes.FAILURE, run(config(server, csv(bets(25), ""), 10)));
        server.awaitDone(WAIT);
        assertEquals(2, server.batches().size(), "nothing is sent after the rejection");
        assertTrue(capture.messages().contains("action: batch_enviado | result: fail | cantidad: 10"
                + " | code: INVALID_FIELD | error: " + ErrorCode.INVALID_FIELD.description), capture.toString());
        assertEquals(1, capture.count("result: fail"));
    }

    @Test
    void anErrorOnHelloFailsWithItsCode() throws Exception {
        FakeLotteryServer server = server(peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(new Message.Error(ErrorCode.UNKNOWN_AGENCY, "agency 1 is not in 1..0"));
        });
        assertEquals(ExitCodes.FAILURE, run(config(server, csv(bets(3), ""), 10)));
        server.awaitDone(WAIT);
        assertTrue(capture.messages().contains(
                "action: conectado | result: fail | code: UNKNOWN_AGENCY | error: agency 1 is not in 1..0"),
                capture.toString());
        assertTrue(server.batches().isEmpty());
    }

    @Test
    void anAckForTheWrongCountIsAFailure() throws Exception {
        FakeLotteryServer server = server(peer -> {
            welcomeAsNew(peer);
            peer.receive();
            peer.send(new Message.BatchAck(9, 9));
            peer.receive();
        });
        assertEquals(ExitCodes.FAILURE, run(config(server, csv(bets(10), ""), 10)));
        assertLogged("action: batch_enviado | result: fail | cantidad: 10 | error: server acked 9");
    }

    @Test
    void aConnectionLostForGoodEndsWithAConnectFailOnceTheWindowHasPassed() throws Exception {
        FakeLotteryServer server = server(peer -> {
            welcomeAsNew(peer);
            peer.receive(); // the first batch, then hang up and stop listening
        });
        assertEquals(ExitCodes.FAILURE, run(config(server.address(), csv(bets(10), ""), 5, Duration.ofMillis(500))));
        assertLogged("WARNING  action: connection_lost | result: in_progress | error: "
                + "server closed the connection | sent: 0 | during: batch_enviado");
        assertLogged("action: connect | result: in_progress | server_address: " + server.address()
                + " | attempt: 1 | error: ");
        assertLogged("action: connect | result: fail | server_address: " + server.address());
        assertEquals(1, capture.count("result: fail"));
    }

    @Test
    void anUnexpectedMessageIsAFailure() throws Exception {
        FakeLotteryServer server = server(peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(Message.AllBetsSentAck.INSTANCE);
            peer.receive();
        });
        assertEquals(ExitCodes.FAILURE, run(config(server, csv(bets(1), ""), 5)));
        assertLogged("action: conectado | result: fail | error: unexpected ALL_BETS_SENT_ACK from server");
    }

    @Test
    void aMalformedRowStopsTheAgencyBeforeItsBatchIsSent() throws Exception {
        FakeLotteryServer server = server(FakeLotteryServer.lottery());
        Path file = csv(bets(12), "Ana,Paz,12a34,1990-01-01,5\r\n");
        assertEquals(ExitCodes.BAD_DATA, run(config(server, file, 10)));
        server.awaitDone(WAIT);
        assertEquals(bets(10), server.bets(), "only the batch before the bad row");
        assertFalse(server.received().contains(Message.AllBetsSent.INSTANCE));
        assertTrue(capture.messages().contains("action: leer_apuestas | result: fail | file: " + file
                + " | line: 13 | field: document | error: document must be digits only"), capture.toString());
    }

    @Test
    void aMissingDataFileFailsWithoutConnecting() throws Exception {
        Path missing = dir.resolve("agency-9.csv");
        int port = freePort();
        assertEquals(ExitCodes.BAD_DATA, run(config(new ServerAddress("127.0.0.1", port), missing, 10, Duration.ofSeconds(5))));
        assertEquals(List.of("action: leer_apuestas | result: fail | file: " + missing + " | error: file not found"),
                capture.messages());
    }

    @Test
    void retriesUntilTheServerComesUp() throws Exception {
        int port = freePort();
        Path file = csv(bets(5), "");
        CompletableFuture<Integer> client = runInBackground(
                config(new ServerAddress("127.0.0.1", port), file, 10, Duration.ofSeconds(20)));

        String first = capture.awaitLine("action: connect | result: in_progress", WAIT);
        assertTrue(first.contains(" INFO     action: connect | result: in_progress | server_address: 127.0.0.1:" + port
                + " | attempt: 1 | error: "), first);
        capture.awaitLine("attempt: 2", WAIT); // backing off, not giving up

        FakeLotteryServer server = closedAfterTheTest(FakeLotteryServer.start(port, FakeLotteryServer.lottery("00000003")));
        assertEquals(ExitCodes.SUCCESS, client.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        server.awaitDone(WAIT);
        assertEquals(bets(5), server.bets());
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    @Test
    void givesUpWhenTheServerNeverComesUp() throws Exception {
        int port = freePort();
        long start = System.nanoTime();
        int status = run(config(new ServerAddress("127.0.0.1", port), csv(bets(5), ""), 10, Duration.ofMillis(700)));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(ExitCodes.FAILURE, status);
        String fail = capture.awaitLine("action: connect | result: fail", Duration.ZERO);
        assertTrue(fail.contains("action: connect | result: fail | server_address: 127.0.0.1:" + port + " | attempts: "),
                fail);
        int attempts = Integer.parseInt(fail.replaceAll(".*attempts: (\\d+).*", "$1"));
        assertTrue(attempts >= 3, "backoff 100, 200, 400 ms fits at least 3 attempts in 700 ms: " + attempts);
        assertTrue(tookMillis >= 600 && tookMillis < 5_000, "took " + tookMillis + " ms");
        assertEquals(1, capture.count("result: fail"));
    }

    @Test
    void aStopWhileWaitingForWinnersClosesEverythingAndExitsZero() throws Exception {
        CountDownLatch queried = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeLotteryServer server = server(peer -> {
            welcomeAsNew(peer);
            for (Message m; (m = peer.receive()) != null; ) {
                if (m instanceof Message.BetBatch b) {
                    peer.send(new Message.BatchAck(b.bets().size(), 0));
                } else if (m == Message.AllBetsSent.INSTANCE) {
                    peer.send(Message.AllBetsSentAck.INSTANCE);
                } else {
                    queried.countDown(); // the draw "takes forever"
                    release.await();
                    return;
                }
            }
        });
        CompletableFuture<Integer> client = runInBackground(config(server, csv(bets(20), ""), 10));
        assertTrue(queried.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        stop.request();
        assertEquals(ExitCodes.SUCCESS, client.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        release.countDown();
        // The data file was closed after the last batch: only the connection was still open.
        assertEquals(1, capture.count("action: shutdown"));
        assertTrue(capture.messages().contains("action: shutdown | result: success | resource: connection"),
                capture.toString());
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    @Test
    void aStopWhileSendingStopsSendingAndClosesTheFile() throws Exception {
        CountDownLatch firstBatch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeLotteryServer server = server(peer -> {
            welcomeAsNew(peer);
            peer.receive();
            firstBatch.countDown(); // hold the ack: the agency is blocked mid-file
            release.await();
        });
        CompletableFuture<Integer> client = runInBackground(config(server, csv(bets(100), ""), 10));
        assertTrue(firstBatch.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        stop.request();
        assertEquals(ExitCodes.SUCCESS, client.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        release.countDown();
        assertEquals(1, server.batches().size());
        assertEquals(List.of("action: shutdown | result: success | resource: connection",
                "action: shutdown | result: success | resource: data_file"),
                capture.messages().stream().filter(m -> m.startsWith("action: shutdown")).toList());
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    @Test
    void aStopWhileRetryingToConnectExitsZero() throws Exception {
        int port = freePort();
        CompletableFuture<Integer> client = runInBackground(
                config(new ServerAddress("127.0.0.1", port), csv(bets(1), ""), 10, Duration.ofSeconds(60)));
        capture.awaitLine("action: connect | result: in_progress", WAIT);

        stop.request();
        assertEquals(ExitCodes.SUCCESS, client.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of("action: shutdown | result: success | resource: data_file"),
                capture.messages().stream().filter(m -> m.startsWith("action: shutdown")).toList());
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    @Test
    void aStopBeforeStartingOpensNothing() {
        stop.request();
        assertEquals(ExitCodes.SUCCESS, run(config(new ServerAddress("127.0.0.1", 1), dir.resolve("x.csv"), 10,
                Duration.ofSeconds(1))));
        assertEquals(List.of("action: shutdown | result: success | resource: none"), capture.messages());
    }
}
