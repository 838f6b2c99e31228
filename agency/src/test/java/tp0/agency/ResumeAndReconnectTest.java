package tp0.agency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tp0.agency.StoringLottery.Fault;
import tp0.agency.config.AgencyConfig;
import tp0.agency.config.ServerAddresses;
import tp0.agency.log.LogLevel;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * Exactly-once delivery: the agency resumes at the server's stored count, and reconnects
 * when the connection is lost at any step, against a fake server whose store outlives its
 * connections.
 */
@Timeout(30)
class ResumeAndReconnectTest extends AgainstFakeServers {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Message HELLO = new Message.Hello(Protocol.VERSION, 1, "");

    /** Added to the agency's clock: lets a test make time "pass" without waiting for it. */
    private final AtomicLong skewNanos = new AtomicLong();

    private static List<Bet> bets(int count) {
        return BetFiles.numbered(count);
    }

    /** The bets as the agency's file; {@code blankEvery} > 0 adds a blank line after every so many rows. */
    private Path csv(List<Bet> bets, int blankEvery) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bets.size(); i++) {
            sb.append(BetFiles.row(bets.get(i))).append('\n');
            if (blankEvery > 0 && i % blankEvery == 0) {
                sb.append('\n');
            }
        }
        return BetFiles.write(dir, sb);
    }

    /** Stop-and-wait (window 1), so a fault at batch n meets exactly the batches before it. */
    private AgencyConfig config(FakeLotteryServer server, Path file, int maxAmount, Duration connectTimeout) {
        return new AgencyConfig(1, ServerAddresses.of(server.address()), LogLevel.DEBUG, maxAmount, 1, connectTimeout, file,
                Optional.empty(), "");
    }

    private AgencyConfig config(FakeLotteryServer server, Path file, int maxAmount) {
        return config(server, file, maxAmount, Duration.ofSeconds(5));
    }

    private AgencyConfig singleBet(FakeLotteryServer server, Bet bet) {
        return new AgencyConfig(1, ServerAddresses.of(server.address()), LogLevel.DEBUG, 500, 16, Duration.ofSeconds(5),
                dir.resolve("not-read.csv"), Optional.of(bet), "");
    }

    private int run(AgencyConfig config) {
        return new AgencyClient(config, capture.log, stop, () -> System.nanoTime() + skewNanos.get()).run();
    }

    private static List<Bet> betsOf(List<Message> messages) {
        return messages.stream().filter(m -> m instanceof Message.BetBatch)
                .flatMap(m -> ((Message.BetBatch) m).bets().stream()).toList();
    }

    private void assertNoFailLine() {
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    // ------------------------------------------------------------------ resume

    @Test
    void sendsOnlyTheRowsAfterThoseTheServerHolds() throws Exception {
        List<Bet> all = bets(50);
        StoringLottery lottery = new StoringLottery("00000030").holding(all.subList(0, 23));
        FakeLotteryServer server = serve(lottery);

        // Blank lines are not rows: the 23 stored are the first 23 bets, wherever the blanks are.
        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all, 4), 10)));
        server.awaitScripts(1, WAIT);

        assertEquals(all.subList(23, 50), server.bets(), "rows 23.. exactly, in order");
        assertEquals(List.of(10, 10, 7), server.batches().stream().map(b -> b.bets().size()).toList());
        assertEquals(all, lottery.stored());
        List<String> messages = capture.messages();
        assertTrue(messages.contains("action: resume | result: success | stored_bets: 23 | skipped_rows: 23"),
                capture.toString());
        assertTrue(capture.anyMessageMatches(AgencyClientTest.allSent(50)), capture.toString());
        assertTrue(messages.contains("action: consulta_ganadores | result: success | cant_ganadores: 1"));
        assertNoFailLine();
    }

    @Test
    void aFileTheServerHoldsWhollyOnlyDeclaresAllSentAndAsks() throws Exception {
        List<Bet> all = bets(12);
        FakeLotteryServer server = serve(new StoringLottery().holding(all));
        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all, 0), 5)));
        server.awaitScripts(1, WAIT);
        assertEquals(List.of(HELLO, Message.AllBetsSent.INSTANCE, Message.WinnersQuery.INSTANCE), server.received());
        assertTrue(capture.messages().contains("action: resume | result: success | stored_bets: 12 | skipped_rows: 12"));
        assertNoFailLine();
    }

    @Test
    void theServerHoldingMoreThanTheFileHasIsAFailure() throws Exception {
        FakeLotteryServer server = serve(new StoringLottery().holding(bets(12)));
        assertEquals(ExitCodes.FAILURE, run(config(server, csv(bets(10), 3), 5)));
        server.awaitScripts(1, WAIT);
        assertEquals(List.of(HELLO), server.received(), "nothing sent, nothing declared");
        assertTrue(capture.messages().contains("action: resume | result: fail | stored_bets: 12 | file_rows: 10"
                + " | error: the server holds more bets of agency 1 than the data file has rows"), capture.toString());
        assertEquals(1, capture.count("result: fail"));
        assertFalse(capture.contains("action: resume | result: success"));
    }

    @Test
    void aSingleBetTheServerHoldsIsNotSentAgainNorAnnounced() throws Exception {
        Bet bet = new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1999, 3, 17), 7574);
        FakeLotteryServer server = serve(new StoringLottery("30904465").holding(List.of(bet)));
        assertEquals(ExitCodes.SUCCESS, run(singleBet(server, bet)));
        server.awaitScripts(1, WAIT);
        assertEquals(List.of(HELLO, Message.AllBetsSent.INSTANCE, Message.WinnersQuery.INSTANCE), server.received());
        assertTrue(capture.messages().contains("action: resume | result: success | stored_bets: 1 | skipped_rows: 1"));
        assertFalse(capture.contains("action: apuesta_enviada"), "an earlier run stored it: " + capture);
        assertTrue(capture.contains("action: ganador | result: success | dni: 30904465"));
        assertNoFailLine();
    }

    @Test
    void aSingleBetWhoseAckWasLostIsAnnouncedOnceFromTheNextWelcome() throws Exception {
        Bet bet = new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1999, 3, 17), 7574);
        StoringLottery lottery = new StoringLottery().on(1, Fault.DROP_AFTER_STORING, 1);
        FakeLotteryServer server = serve(lottery);
        assertEquals(ExitCodes.SUCCESS, run(singleBet(server, bet)));
        server.awaitScripts(2, WAIT);
        assertEquals(List.of(bet), lottery.stored());
        assertEquals(List.of(HELLO, Message.AllBetsSent.INSTANCE, Message.WinnersQuery.INSTANCE),
                server.connections().get(1), "not sent again");
        assertEquals(1, capture.count("action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574"),
                capture.toString());
        assertNoFailLine();
    }

    // ------------------------------------------------------------------ reconnect

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"DROP_BEFORE_STORING", "DROP_AFTER_STORING", "DROP_AFTER_ACKING"})
    void aConnectionLostMidFileResumesAndStoresEveryRowOnce(Fault fault) throws Exception {
        List<Bet> all = bets(95);
        StoringLottery lottery = new StoringLottery("00000042").on(1, fault, 3);
        FakeLotteryServer server = serve(lottery);

        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all, 7), 10)));
        server.awaitScripts(2, WAIT);

        assertEquals(all, lottery.stored(), "the whole file exactly once, in order");
        long storedBeforeLoss = fault == Fault.DROP_BEFORE_STORING ? 20 : 30;
        long ackedBeforeLoss = fault == Fault.DROP_AFTER_ACKING ? 30 : 20;
        List<List<Message>> connections = server.connections();
        assertEquals(2, connections.size());
        assertEquals(all.subList(0, 30), betsOf(connections.get(0)), "batch 3 reached the first connection");
        assertEquals(all.subList((int) storedBeforeLoss, 95), betsOf(connections.get(1)));
        assertEquals(HELLO, connections.get(1).get(0));

        List<String> lines = capture.lines();
        assertTrue(lines.stream().anyMatch(l -> l.contains(" WARNING  action: connection_lost | result: in_progress | error: ")
                && l.contains(" | sent: " + ackedBeforeLoss + " | during: ")), capture.toString());
        assertTrue(capture.messages().contains("action: conectado | result: success | stored_bets: " + storedBeforeLoss
                + " | server: " + server.address()),
                capture.toString());
        assertTrue(capture.messages().contains("action: resume | result: success | stored_bets: " + storedBeforeLoss
                + " | skipped_rows: " + storedBeforeLoss), capture.toString());
        assertTrue(capture.anyMessageMatches(AgencyClientTest.allSent(95)), capture.toString());
        assertTrue(capture.messages().contains("action: consulta_ganadores | result: success | cant_ganadores: 1"));
        assertNoFailLine();
    }

    @Test
    void severalLossesInARowStillStoreEveryRowOnce() throws Exception {
        List<Bet> all = bets(60);
        StoringLottery lottery = new StoringLottery()
                .on(1, Fault.DROP_AFTER_STORING, 2)
                .on(2, Fault.DROP_BEFORE_STORING, 1)
                .on(3, Fault.DROP_AFTER_ACKING, 2);
        FakeLotteryServer server = serve(lottery);
        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all, 0), 7)));
        server.awaitScripts(4, WAIT);
        assertEquals(all, lottery.stored());
        assertEquals(3, capture.count("action: connection_lost | result: in_progress"));
        assertNoFailLine();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"FRAME_TIMEOUT", "SHUTTING_DOWN"})
    void anErrorThatMeansComeBackLaterMidFileIsAReconnection(ErrorCode code) throws Exception {
        List<Bet> all = bets(40);
        StoringLottery lottery = new StoringLottery().on(1, Fault.ERROR_ON_BATCH, 2, code, () -> { });
        FakeLotteryServer server = serve(lottery);
        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all, 0), 10)));
        server.awaitScripts(2, WAIT);
        assertEquals(all, lottery.stored());
        assertTrue(capture.messages().contains("action: connection_lost | result: in_progress | error: " + code + ": "
                + code.description + " | sent: 10 | during: batch_enviado | server: " + server.address()), capture.toString());
        assertNoFailLine();
    }

    /**
     * The database behind the server is lost mid-file: the batch is rejected with the
     * retryable STORAGE_FAILURE (and the pipelined ones after it), the next Welcome too, then
     * it is back: the agency resumes from the stored count, every row stored once, in order.
     */
    @Test
    void aStorageFailureIsRetriedAndResumesFromTheStoredCount() throws Exception {
        List<Bet> all = bets(60);
        StoringLottery lottery = new StoringLottery()
                .on(1, Fault.REJECT_FROM_BATCH, 3, ErrorCode.STORAGE_FAILURE, () -> { })
                .on(2, Fault.REFUSE_HELLO, ErrorCode.STORAGE_FAILURE);
        FakeLotteryServer server = serve(lottery);
        AgencyConfig config = new AgencyConfig(1, ServerAddresses.of(server.address()), LogLevel.DEBUG, 7, 4, Duration.ofSeconds(5),
                csv(all, 0), Optional.empty(), "");
        assertEquals(ExitCodes.SUCCESS, run(config));
        server.awaitScripts(3, WAIT);
        assertEquals(all, lottery.stored(), "every row once, in order");
        assertTrue(capture.messages().contains("action: connection_lost | result: in_progress | error: STORAGE_FAILURE: "
                + ErrorCode.STORAGE_FAILURE.description + " | sent: 14 | during: batch_enviado | server: " + server.address()),
                capture.toString());
        assertTrue(capture.anyMessageMatches("action: connect \\| result: in_progress \\| .*STORAGE_FAILURE.*"),
                capture.toString());
        assertTrue(capture.messages().contains("action: resume | result: success | stored_bets: 14 | skipped_rows: 14"),
                capture.toString());
        assertNoFailLine();
    }

    /** A store that stays broken past connectTimeout: one clear fail line, exit 1. */
    @Test
    void aStorageFailureThatOutlastsTheConnectTimeoutFails() throws Exception {
        List<Bet> all = bets(30);
        StoringLottery lottery = new StoringLottery().on(1, Fault.REJECT_FROM_BATCH, 2, ErrorCode.STORAGE_FAILURE,
                () -> { });
        for (int connection = 2; connection < 100; connection++) {
            lottery.on(connection, Fault.REFUSE_HELLO, ErrorCode.STORAGE_FAILURE);
        }
        FakeLotteryServer server = serve(lottery);
        assertEquals(ExitCodes.FAILURE, run(config(server, csv(all, 0), 10, Duration.ofMillis(800))));
        assertEquals(all.subList(0, 10), lottery.stored());
        assertEquals(1, capture.count("result: fail"), capture.toString());
        assertTrue(capture.anyMessageMatches("action: connect \\| result: fail \\| server_address: .* \\| attempts: \\d+"
                + " \\| error: no Welcome: STORAGE_FAILURE: .*"), capture.toString());
    }

    @Test
    void aLossWhileAwaitingTheWinnersDeclaresAndAsksAgain() throws Exception {
        List<Bet> all = bets(25);
        StoringLottery lottery = new StoringLottery(List.of(List.of("00000001", "00000002"), List.of("00000003")))
                .on(1, Fault.DROP_ON_WINNERS_QUERY);
        FakeLotteryServer server = serve(lottery);

        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all, 0), 10)));
        server.awaitScripts(2, WAIT);

        assertEquals(all, lottery.stored());
        assertEquals(List.of(HELLO, Message.AllBetsSent.INSTANCE, Message.WinnersQuery.INSTANCE),
                server.connections().get(1));
        assertTrue(capture.messages().contains("action: connection_lost | result: in_progress"
                + " | error: server closed the connection | sent: 25 | during: consulta_ganadores | server: " + server.address()),
                capture.toString());
        // The first answer was cut off after one frame: each winner is still logged once.
        assertEquals(List.of(
                "action: ganador | result: success | dni: 00000001",
                "action: ganador | result: success | dni: 00000002",
                "action: ganador | result: success | dni: 00000003",
                "action: consulta_ganadores | result: success | cant_ganadores: 3"),
                capture.messages().stream().filter(m -> m.startsWith("action: ganador")
                        || m.startsWith("action: consulta_ganadores")).toList());
        assertEquals(1, capture.lines().stream()
                .filter(l -> l.contains(" INFO     action: apuestas_enviadas | result: success | cantidad: 25 | ")).count());
        assertNoFailLine();
    }

    @Test
    void aServerThatLostStoredBetsGetsTheMissingRowsBeforeAllSent() throws Exception {
        List<Bet> all = bets(50);
        StoringLottery lottery = new StoringLottery();
        lottery.on(1, Fault.DROP_ON_WINNERS_QUERY, 0, null, () -> lottery.forgetLast(5));
        FakeLotteryServer server = serve(lottery);

        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all, 0), 10)));
        server.awaitScripts(2, WAIT);

        List<Message> second = server.connections().get(1);
        assertEquals(List.of(HELLO, Batches.of(all.subList(45, 50)), Message.AllBetsSent.INSTANCE,
                Message.WinnersQuery.INSTANCE), second, "the closed file reopened for the last 5 rows");
        assertEquals(all, lottery.stored());
        assertNoFailLine();
    }

    // ------------------------------------------------------------------ refusals

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"SESSION_ACTIVE", "TOO_MANY_CONNECTIONS", "SHUTTING_DOWN"})
    void aRefusalThatMeansRetryLaterIsRetried(ErrorCode code) throws Exception {
        List<Bet> all = bets(15);
        StoringLottery lottery = new StoringLottery().on(1, Fault.REFUSE_HELLO, code);
        FakeLotteryServer server = serve(lottery);

        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all, 0), 10)));
        server.awaitScripts(2, WAIT);

        assertEquals(all, lottery.stored());
        assertTrue(capture.messages().contains("action: connect | result: in_progress | server_address: "
                + server.address() + " | attempt: 1 | error: no Welcome: " + code + ": " + code.description),
                capture.toString());
        assertFalse(capture.contains("connection_lost"), "never connected: still the first connect");
        assertNoFailLine();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"AUTH_FAILED", "UNKNOWN_AGENCY", "UNSUPPORTED_VERSION"})
    void aRefusalAboutTheAgencyIsFinal(ErrorCode code) throws Exception {
        FakeLotteryServer server = serve(new StoringLottery().on(1, Fault.REFUSE_HELLO, code));

        assertEquals(ExitCodes.FAILURE, run(config(server, csv(bets(5), 0), 10)));

        assertEquals(List.of("action: conectado | result: fail | code: " + code + " | error: " + code.description),
                capture.messages().stream().filter(m -> m.contains("result: fail")).toList());
        assertFalse(capture.contains("action: connect | result: in_progress"), "not retried: " + capture);
        server.awaitScripts(1, WAIT);
        assertEquals(1, server.connections().size());
    }

    @Test
    void aRejectedBatchAfterTheDrawIsStillAFailure() throws Exception {
        FakeLotteryServer server = serve(n -> n == 1 ? FakeLotteryServer.rejectingBatch(1, ErrorCode.BETS_CLOSED) : null);
        assertEquals(ExitCodes.FAILURE, run(config(server, csv(bets(5), 0), 10)));
        assertTrue(capture.contains("action: batch_enviado | result: fail | cantidad: 5 | code: BETS_CLOSED"),
                capture.toString());
        assertEquals(1, server.connections().size());
    }

    // ------------------------------------------------------------------ giving up, stopping

    @Test
    void anOutageLongerThanTheConnectTimeoutFailsCountingFromTheLoss() throws Exception {
        List<Bet> all = bets(50);
        // Just before the loss an hour "passes": measured from the start, the window would be
        // long gone at the first retry; measured from the loss, it still allows several.
        StoringLottery lottery = new StoringLottery()
                .on(1, Fault.DROP_AFTER_ACKING, 2, null, () -> skewNanos.addAndGet(TimeUnit.HOURS.toNanos(1)))
                .downAfter(1);
        FakeLotteryServer server = serve(lottery);

        assertEquals(ExitCodes.FAILURE, run(config(server, csv(all, 0), 10, Duration.ofMillis(700))));

        assertEquals(all.subList(0, 20), lottery.stored());
        List<String> messages = capture.messages();
        int lost = indexOf(messages, "action: connection_lost | result: in_progress");
        int firstRetry = indexOf(messages, "action: connect | result: in_progress");
        String fail = messages.get(indexOf(messages, "action: connect | result: fail"));
        assertTrue(lost >= 0 && lost < firstRetry, capture.toString());
        int attempts = Integer.parseInt(fail.replaceAll(".*attempts: (\\d+).*", "$1"));
        assertTrue(attempts >= 3, "backoff 100, 200, 400 ms fits at least 3 attempts in 700 ms: " + fail);
        assertEquals(1, capture.count("result: fail"));
    }

    @Test
    void aServerThatWelcomesAndDropsEveryTimeIsGivenUpOn() throws Exception {
        StoringLottery lottery = new StoringLottery().on(1, Fault.DROP_BEFORE_STORING, 1);
        FakeLotteryServer server = serve(n -> lottery.connection(1)); // every connection the same

        assertEquals(ExitCodes.FAILURE, run(config(server, csv(bets(30), 0), 10, Duration.ofMillis(700))));

        assertTrue(capture.count("action: connection_lost | result: in_progress") >= 2, capture.toString());
        assertTrue(capture.contains("action: connect | result: fail | server_address: " + server.address()
                + " | attempts: "), capture.toString());
        assertTrue(capture.contains("| error: no answer after Welcome: "), capture.toString());
        assertEquals(1, capture.count("result: fail"));
        assertTrue(lottery.stored().isEmpty());
    }

    @Test
    void aServerThatNeverAnswersTheHelloIsAFailedAttemptNotAHang() throws Exception {
        FakeLotteryServer server = serve(new StoringLottery().on(1, Fault.SILENT).downAfter(1));
        assertEquals(ExitCodes.FAILURE, run(config(server, csv(bets(3), 0), 10, Duration.ofMillis(300))));
        assertTrue(capture.messages().contains("action: connect | result: fail | server_address: " + server.address()
                + " | attempts: 1 | error: no Welcome: no frame from the server in 1s"), capture.toString());
    }

    @Test
    void aStopDuringTheReconnectBackoffExitsZeroAtOnce() throws Exception {
        StoringLottery lottery = new StoringLottery().on(1, Fault.DROP_AFTER_ACKING, 1).downAfter(1);
        FakeLotteryServer server = serve(lottery);
        AgencyConfig config = config(server, csv(bets(100), 0), 10, Duration.ofSeconds(60));
        CompletableFuture<Integer> client = CompletableFuture.supplyAsync(() -> run(config));
        capture.awaitLine("action: connect | result: in_progress", WAIT);

        long requested = System.nanoTime();
        stop.request();
        assertEquals(ExitCodes.SUCCESS, client.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - requested);
        assertTrue(tookMillis < 2_000, "a backoff sleep wakes on the stop: took " + tookMillis + " ms");
        // Mid-file: the connection is already closed, the data file is still open.
        assertEquals(List.of("action: shutdown | result: success | resource: data_file"),
                capture.messages().stream().filter(m -> m.startsWith("action: shutdown")).toList());
        assertNoFailLine();
    }

    private static int indexOf(List<String> messages, String prefix) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' in\n" + String.join("\n", messages));
    }
}
