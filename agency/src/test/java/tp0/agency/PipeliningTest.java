package tp0.agency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import tp0.agency.StoringLottery.Fault;
import tp0.agency.config.AgencyConfig;
import tp0.agency.config.ServerAddresses;
import tp0.agency.log.LogLevel;
import tp0.protocol.Bet;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * The sliding window of batches ({@code batch.window}): how many the server sees before it
 * acks, acks matched in order, a loss with a window in flight, and the ack latency figures.
 */
@Timeout(30)
class PipeliningTest extends AgainstFakeServers {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long the agency must stay silent to count as waiting for an ack. */
    private static final Duration QUIET = Duration.ofMillis(300);


    private static List<Bet> bets(int count) {
        return BetFiles.numbered(count);
    }

    private Path csv(List<Bet> bets) throws IOException {
        return BetFiles.write(dir, bets, "\n", "");
    }

    private AgencyConfig config(FakeLotteryServer server, Path file, int maxAmount, int window) {
        return new AgencyConfig(1, ServerAddresses.of(server.address()), LogLevel.DEBUG, maxAmount, window, Duration.ofSeconds(5), file,
                Optional.empty(), "");
    }

    /** {@code config} with {@code loop.period} set to {@code period}. */
    private static AgencyConfig paced(AgencyConfig c, Duration period) {
        return new AgencyConfig(c.clientId(), c.servers(), c.logLevel(), c.batchMaxAmount(), c.batchWindow(),
                c.connectTimeout(), c.dataFile(), c.singleBet(), c.secret(), c.readTimeout(), c.tls(), period);
    }

    private int run(AgencyConfig config) {
        return new AgencyClient(config, capture.log, stop).run();
    }

    private static Message.BetBatch batch(Message m) {
        if (!(m instanceof Message.BetBatch b)) {
            throw new AssertionError("expected a BetBatch, got " + m);
        }
        return b;
    }

    private static List<Bet> betsOf(List<Message> messages) {
        return messages.stream().filter(m -> m instanceof Message.BetBatch)
                .flatMap(m -> ((Message.BetBatch) m).bets().stream()).toList();
    }

    /** Answers AllBetsSent, then the winners query with no winners. */
    private static void finish(FakeLotteryServer.Peer peer) throws Exception {
        if (peer.receiveWithin(WAIT) != Message.AllBetsSent.INSTANCE) {
            throw new AssertionError("expected AllBetsSent");
        }
        peer.send(Message.AllBetsSentAck.INSTANCE);
        if (peer.receiveWithin(WAIT) != Message.WinnersQuery.INSTANCE) {
            throw new AssertionError("expected WinnersQuery");
        }
        FakeLotteryServer.sendWinners(peer, List.of(List.of()));
    }

    /**
     * A server that holds its first ack until {@code window} batches are in, checks that no
     * more come while they are unacked, then acks one at a time, reading the one batch each
     * ack lets in: so it sees, at every point, exactly a full window.
     */
    private static FakeLotteryServer.Script windowChecking(int window, int batches) {
        return peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(new Message.Welcome(Protocol.VERSION, 0));
            Deque<Message.BetBatch> unacked = new ArrayDeque<>();
            int received = 0;
            while (received < Math.min(window, batches)) {
                unacked.add(batch(peer.receiveWithin(WAIT))); // an agency waiting for an ack fails here
                received++;
            }
            if (batches > window) {
                peer.expectNothingWithin(QUIET); // the window is full: the agency must wait
            }
            long stored = 0;
            while (!unacked.isEmpty()) {
                int count = unacked.poll().bets().size();
                stored += count;
                peer.send(new Message.BatchAck(count, stored));
                if (received < batches) {
                    unacked.add(batch(peer.receiveWithin(WAIT)));
                    received++;
                }
            }
            finish(peer);
        };
    }

    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {1, 4})
    void theServerSeesAWholeWindowOfBatchesBeforeItsFirstAckAndNeverMore(int window) throws Exception {
        List<Bet> all = bets(55); // batches of 10, 10, 10, 10, 10, 5
        FakeLotteryServer server = serve(n -> n == 1 ? windowChecking(window, 6) : null);

        int status = run(config(server, csv(all), 10, window));
        server.awaitDone(WAIT); // first: a script's failure says more than the exit status
        assertEquals(ExitCodes.SUCCESS, status, capture.toString());

        assertEquals(all, server.bets(), "every row once, in order");
        // Acks matched in order: each ack's count is its batch's, the short one last.
        assertEquals(List.of(
                "action: batch_enviado | result: success | cantidad: 10",
                "action: batch_enviado | result: success | cantidad: 10",
                "action: batch_enviado | result: success | cantidad: 10",
                "action: batch_enviado | result: success | cantidad: 10",
                "action: batch_enviado | result: success | cantidad: 10",
                "action: batch_enviado | result: success | cantidad: 5"),
                capture.messages().stream().filter(m -> m.startsWith("action: batch_enviado")).toList());
        assertTrue(capture.anyMessageMatches(AgencyClientTest.allSent(55)), capture.toString());
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    @Test
    void anAckWhoseCountIsNotTheOldestBatchsIsAFailure() throws Exception {
        FakeLotteryServer server = serve(n -> n == 1 ? peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(new Message.Welcome(Protocol.VERSION, 0));
            List<Message.BetBatch> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                inFlight.add(batch(peer.receiveWithin(WAIT)));
            }
            // Out of order: the last batch (5 bets) acked first.
            peer.send(new Message.BatchAck(inFlight.get(3).bets().size(), 5));
            peer.receive(); // until the agency hangs up
        } : null);

        int status = run(config(server, csv(bets(35)), 10, 4));
        server.awaitDone(WAIT);
        assertEquals(ExitCodes.FAILURE, status, capture.toString());

        assertEquals(List.of("action: batch_enviado | result: fail | cantidad: 10"
                + " | error: server acked 5 bets for a batch of 10"),
                capture.messages().stream().filter(m -> m.contains("result: fail")).toList());
        assertFalse(capture.contains("action: batch_enviado | result: success"), capture.toString());
        assertFalse(server.received().contains(Message.AllBetsSent.INSTANCE));
        assertFalse(capture.contains("connection_lost"), "a protocol failure, not a reconnection");
    }

    @ParameterizedTest(name = "{0} of them acked")
    @ValueSource(ints = {0, 1})
    void aLossWithFourBatchesInFlightOfWhichTwoWereStoredResumesAtTheThird(int acked) throws Exception {
        List<Bet> all = bets(80); // 8 batches of 10
        StoringLottery lottery = new StoringLottery("00000042");
        FakeLotteryServer server = serve(n -> n != 1 ? lottery.connection(n) : peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(new Message.Welcome(Protocol.VERSION, 0));
            List<Message.BetBatch> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                inFlight.add(batch(peer.receiveWithin(WAIT)));
            }
            // A crash after writing two of the four, before (most of) their acks left.
            lottery.holding(inFlight.get(0).bets()).holding(inFlight.get(1).bets());
            for (int i = 0; i < acked; i++) {
                peer.send(new Message.BatchAck(10, 10L * (i + 1)));
            }
        });

        int status = run(config(server, csv(all), 10, 4));
        server.awaitScripts(2, WAIT);
        assertEquals(ExitCodes.SUCCESS, status, capture.toString());

        assertEquals(all, lottery.stored(), "the whole file exactly once, in order");
        List<List<Message>> connections = server.connections();
        assertEquals(2, connections.size());
        assertEquals(all.subList(0, 40), betsOf(connections.get(0)).subList(0, 40), "four batches were in flight");
        assertEquals(all.subList(20, 80), betsOf(connections.get(1)), "the unstored two sent again, then the rest");
        assertTrue(capture.contains("action: connection_lost | result: in_progress | error: "), capture.toString());
        assertTrue(capture.contains(" | sent: " + 10 * acked + " | during: batch_enviado"), capture.toString());
        assertTrue(capture.messages().contains("action: resume | result: success | stored_bets: 20 | skipped_rows: 20"),
                capture.toString());
        assertTrue(capture.anyMessageMatches(AgencyClientTest.allSent(80)), capture.toString());
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"DROP_BEFORE_STORING", "DROP_AFTER_STORING", "DROP_AFTER_ACKING"})
    void anyLossWithAWindowStillStoresEveryRowOnce(Fault fault) throws Exception {
        List<Bet> all = bets(200);
        StoringLottery lottery = new StoringLottery().on(1, fault, 5).on(2, fault, 2);
        FakeLotteryServer server = serve(lottery);

        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all), 7, 4)));
        server.awaitScripts(3, WAIT);

        // The fake's store appends whatever reaches it: a wrong resume shows as a gap or a repeat.
        assertEquals(all, lottery.stored());
        assertEquals(3, server.connections().size());
        assertEquals(2, capture.count("action: connection_lost | result: in_progress"));
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    @Test
    void theAllSentLineCarriesTheMedianAndThe99thPercentileOfTheAckTimes() throws Exception {
        // The fake server moves the agency's clock: 98 batches take 3 ms, two take 50 ms.
        AtomicLong clock = new AtomicLong();
        FakeLotteryServer server = serve(n -> n == 1 ? peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(new Message.Welcome(Protocol.VERSION, 0));
            for (int i = 1; i <= 100; i++) {
                Message.BetBatch b = batch(peer.receiveWithin(WAIT));
                clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(i % 50 == 0 ? 50 : 3));
                peer.send(new Message.BatchAck(b.bets().size(), i));
            }
            finish(peer);
        } : null);

        // Window 1: each batch's time is exactly what the server added while holding it.
        int status = new AgencyClient(config(server, csv(bets(100)), 1, 1), capture.log, stop, clock::get).run();
        server.awaitDone(WAIT);

        assertEquals(ExitCodes.SUCCESS, status, capture.toString());
        assertTrue(capture.messages().contains(
                "action: apuestas_enviadas | result: success | cantidad: 100 | ack_p50_ms: 3.0 | ack_p99_ms: 50.0"),
                capture.toString());
    }

    @Test
    void withAWindowEachAckIsTimedAgainstItsOwnBatch() throws Exception {
        // Window 3, and 5 ms pass before each ack: batches 1-3 go out at 0 and are acked at
        // 5, 10, 15; then each batch goes out when an ack frees its slot and is acked three
        // acks (15 ms) later, until the last three, acked together at 35 ms: 15, 10 and 5 ms.
        // Mixing up the slots would show other times.
        AtomicLong clock = new AtomicLong();
        FakeLotteryServer server = serve(n -> n == 1 ? peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(new Message.Welcome(Protocol.VERSION, 0));
            for (int i = 0; i < 3; i++) {
                batch(peer.receiveWithin(WAIT));
            }
            for (int k = 1; k <= 6; k++) {
                clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
                peer.send(new Message.BatchAck(1, k));
                batch(peer.receiveWithin(WAIT)); // sent once the ack was read: the clock waits for it
            }
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
            for (int k = 7; k <= 9; k++) {
                peer.send(new Message.BatchAck(1, k));
            }
            finish(peer);
        } : null);

        int status = new AgencyClient(config(server, csv(bets(9)), 1, 3), capture.log, stop, clock::get).run();
        server.awaitDone(WAIT);

        assertEquals(ExitCodes.SUCCESS, status, capture.toString());
        assertTrue(capture.messages().contains(
                "action: apuestas_enviadas | result: success | cantidad: 9 | ack_p50_ms: 15.0 | ack_p99_ms: 15.0"),
                capture.toString());
    }

    @Test
    void withoutBatchesThereAreNoAckTimesToReport() throws Exception {
        List<Bet> all = bets(12);
        FakeLotteryServer server = serve(new StoringLottery().holding(all)); // all stored by an earlier run
        assertEquals(ExitCodes.SUCCESS, run(config(server, csv(all), 10, 4)));
        server.awaitScripts(1, WAIT);
        assertTrue(capture.messages().contains(
                "action: apuestas_enviadas | result: success | cantidad: 12 | ack_p50_ms: none | ack_p99_ms: none"),
                capture.toString());
    }

    @Test
    void aLoopPeriodPausesAfterEachBatchTheLastOneIncludedAndAfterTheAllSentNotice() throws Exception {
        Duration period = Duration.ofMillis(150);
        // When each message came: the 4 batches, AllBetsSent, the winners query.
        List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
        FakeLotteryServer server = serve(n -> n == 1 ? peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(new Message.Welcome(Protocol.VERSION, 0));
            long stored = 0;
            for (int i = 0; i < 4; i++) {
                Message.BetBatch b = batch(peer.receiveWithin(WAIT));
                arrivals.add(System.nanoTime());
                stored += b.bets().size();
                peer.send(new Message.BatchAck(b.bets().size(), stored));
            }
            if (peer.receiveWithin(WAIT) != Message.AllBetsSent.INSTANCE) {
                throw new AssertionError("expected AllBetsSent");
            }
            arrivals.add(System.nanoTime());
            peer.send(Message.AllBetsSentAck.INSTANCE);
            if (peer.receiveWithin(WAIT) != Message.WinnersQuery.INSTANCE) {
                throw new AssertionError("expected WinnersQuery");
            }
            arrivals.add(System.nanoTime());
            FakeLotteryServer.sendWinners(peer, List.of(List.of()));
        } : null);

        // Window 4 and 4 batches: unpaced, all four would be on the wire at once.
        long start = System.nanoTime();
        int status = run(paced(config(server, csv(bets(40)), 10, 4), period));
        long elapsed = System.nanoTime() - start;
        server.awaitDone(WAIT);

        assertEquals(ExitCodes.SUCCESS, status, capture.toString());
        assertEquals(bets(40), server.bets());
        assertEquals(6, arrivals.size());
        for (int i = 1; i < arrivals.size(); i++) {
            long gap = arrivals.get(i) - arrivals.get(i - 1);
            // Half the period: a late read of one message may shorten the gap the server sees.
            assertTrue(gap >= period.toNanos() / 2, "message " + (i + 1) + " came " + gap / 1_000_000 + " ms after the last");
        }
        assertTrue(elapsed >= 5 * period.toNanos(),
                "a pause after each of the 4 batches and after AllBetsSent: " + elapsed / 1_000_000 + " ms");
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    @Test
    void aStopDuringTheLoopPeriodEndsItAtOnce() throws Exception {
        CountDownLatch firstBatch = new CountDownLatch(1);
        FakeLotteryServer server = serve(n -> n == 1 ? peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(new Message.Welcome(Protocol.VERSION, 0));
            Message.BetBatch b = batch(peer.receiveWithin(WAIT));
            peer.send(new Message.BatchAck(b.bets().size(), b.bets().size()));
            firstBatch.countDown();
            peer.receive(); // until the agency hangs up
        } : null);

        AgencyConfig paced = paced(config(server, csv(bets(30)), 10, 4), Duration.ofHours(1));
        CompletableFuture<Integer> client = CompletableFuture.supplyAsync(() -> run(paced));
        assertTrue(firstBatch.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        stop.request();

        assertEquals(ExitCodes.SUCCESS, client.get(WAIT.toSeconds(), TimeUnit.SECONDS), capture.toString());
        server.awaitDone(WAIT);
        assertEquals(bets(10), server.bets(), "nothing more is sent after the stop");
        assertFalse(capture.contains("result: fail"), capture.toString());
    }
}
