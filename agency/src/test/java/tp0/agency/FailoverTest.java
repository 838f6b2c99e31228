package tp0.agency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tp0.agency.StoringLottery.Fault;
import tp0.agency.config.AgencyConfig;
import tp0.agency.config.ServerAddress;
import tp0.agency.config.ServerAddresses;
import tp0.agency.log.LogLevel;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;

/**
 * An agency given several lottery nodes ({@code server.address} a list), against fake nodes
 * that share one store: which node it tries in which order, and that a resume on another
 * node stores every row exactly once. Dead nodes are loopback ports nobody listens on, so
 * their connects are refused at once.
 */
@Timeout(30)
class FailoverTest extends AgainstFakeServers {
    private static final Duration WAIT = Duration.ofSeconds(10);


    private static ServerAddress deadNode() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return new ServerAddress("127.0.0.1", s.getLocalPort());
        }
    }

    private int run(List<Bet> bets, Duration connectTimeout, ServerAddress... nodes) throws IOException {
        StringBuilder csv = new StringBuilder();
        for (Bet bet : bets) {
            csv.append(BetFiles.row(bet)).append('\n');
        }
        // Stop-and-wait batches of 10, so a fault at batch n meets exactly the batches before it.
        AgencyConfig config = new AgencyConfig(1, ServerAddresses.of(nodes), LogLevel.DEBUG, 10, 1, connectTimeout,
                BetFiles.write(dir, csv), Optional.empty(), "");
        return new AgencyClient(config, capture.log, stop).run();
    }

    private void assertNoFailLine() {
        assertFalse(capture.contains("result: fail"), capture.toString());
    }

    @Test
    void aDeadFirstNodeAtStartIsPassedOverForTheNextOne() throws Exception {
        List<Bet> all = BetFiles.numbered(25);
        ServerAddress dead = deadNode();
        StoringLottery lottery = new StoringLottery("00000007");
        FakeLotteryServer second = serve(lottery);

        assertEquals(ExitCodes.SUCCESS, run(all, Duration.ofSeconds(5), dead, second.address()));
        second.awaitScripts(1, WAIT);

        assertEquals(all, lottery.stored());
        assertEquals(1, capture.count("action: connect | result: in_progress"), capture.toString());
        assertTrue(capture.contains("action: connect | result: in_progress | server_address: " + dead
                + " | attempt: 1 | error: "), capture.toString());
        assertTrue(capture.lines().stream().anyMatch(l -> l.endsWith(" INFO     action: conectado | result: success"
                + " | stored_bets: 0 | server: " + second.address())), "at INFO with several nodes: " + capture);
        assertNoFailLine();
    }

    @Test
    void aNodeLostMidFileIsResumedOnTheNextNodeFromItsCount() throws Exception {
        List<Bet> all = BetFiles.numbered(95);
        StoringLottery lottery = new StoringLottery("00000042").on(1, Fault.DROP_AFTER_STORING, 3);
        FakeLotteryServer first = serve(lottery);
        FakeLotteryServer second = serve(lottery.anotherNode());

        assertEquals(ExitCodes.SUCCESS, run(all, Duration.ofSeconds(5), first.address(), second.address()));
        first.awaitScripts(1, WAIT);
        second.awaitScripts(1, WAIT);

        assertEquals(all, lottery.stored(), "the whole file exactly once, in order, over two nodes");
        assertEquals(1, first.connections().size());
        assertEquals(1, second.connections().size(), "straight to the other node, not back to the lost one");
        assertTrue(capture.messages().contains("action: connection_lost | result: in_progress | error: server closed the"
                + " connection | sent: 20 | during: batch_enviado | server: " + first.address()), capture.toString());
        assertTrue(capture.messages().contains("action: conectado | result: success | stored_bets: 30 | server: "
                + second.address()), capture.toString());
        assertEquals(0, capture.count("action: connect | result: in_progress"), capture.toString());
        assertNoFailLine();
    }

    /**
     * Round-robin: after a loss on the last node the next try wraps around to the first; a
     * node refusing because it shuts down is passed over like a dead one.
     */
    @Test
    void afterALossTheNodesAreTriedFromTheOneAfterItWrappingAround() throws Exception {
        List<Bet> all = BetFiles.numbered(40);
        ServerAddress dead = deadNode();
        StoringLottery lottery = new StoringLottery();
        FakeLotteryServer shuttingDown = serve(lottery.on(1, Fault.REFUSE_HELLO, ErrorCode.SHUTTING_DOWN));
        FakeLotteryServer dropping = serve(lottery.anotherNode().on(1, Fault.DROP_AFTER_ACKING, 2));

        // Tries: dead (refused), shuttingDown (refuses), dropping (welcomes, drops after 2 batches),
        // then from the one after it: dead again, shuttingDown (now takes it to the end).
        assertEquals(ExitCodes.SUCCESS, run(all, Duration.ofSeconds(5), dead, shuttingDown.address(), dropping.address()));
        shuttingDown.awaitScripts(2, WAIT);

        assertEquals(all, lottery.stored());
        assertEquals(1, dropping.connections().size());
        List<String> tried = capture.messages().stream()
                .filter(m -> m.startsWith("action: connect | result: in_progress") || m.startsWith("action: conectado"))
                .map(m -> m.replaceAll(".*?server(?:_address)?: ([^ |]+).*", "$1")).toList();
        assertEquals(List.of(dead.toString(), shuttingDown.address().toString(), dropping.address().toString(),
                dead.toString(), shuttingDown.address().toString()), tried, capture.toString());
        assertNoFailLine();
    }

    /** SESSION_ACTIVE is about our session, not the node: retried on the same node, with the backoff. */
    @Test
    void aRefusalAboutTheSessionRetriesTheSameNode() throws Exception {
        List<Bet> all = BetFiles.numbered(15);
        StoringLottery lottery = new StoringLottery().on(1, Fault.REFUSE_HELLO, ErrorCode.SESSION_ACTIVE);
        FakeLotteryServer first = serve(lottery);
        FakeLotteryServer second = serve(lottery.anotherNode());

        assertEquals(ExitCodes.SUCCESS, run(all, Duration.ofSeconds(5), first.address(), second.address()));
        first.awaitScripts(2, WAIT);

        assertEquals(all, lottery.stored());
        assertEquals(2, first.connections().size());
        assertEquals(0, second.connections().size(), "the other node was never tried");
        assertNoFailLine();
    }

    /** No node answers for the whole window: one fail line naming the list; the tries went round the nodes. */
    @Test
    void givesUpOnlyWhenNoNodeAnswersForTheWholeWindow() throws Exception {
        ServerAddress a = deadNode();
        ServerAddress b = deadNode();
        assertEquals(ExitCodes.FAILURE, run(BetFiles.numbered(5), Duration.ofMillis(700), a, b));

        assertEquals(1, capture.count("result: fail"), capture.toString());
        assertTrue(capture.messages().stream().anyMatch(m -> m.startsWith(
                "action: connect | result: fail | server_address: " + a + "," + b + " | attempts: ")), capture.toString());
        List<String> tried = capture.messages().stream()
                .filter(m -> m.startsWith("action: connect | result: in_progress"))
                .map(m -> m.replaceAll(".*?server_address: ([^ |]+).*", "$1")).toList();
        assertTrue(tried.size() >= 3, capture.toString());
        for (int i = 0; i < tried.size(); i++) {
            assertEquals((i % 2 == 0 ? a : b).toString(), tried.get(i), "attempt " + (i + 1) + ": " + capture);
        }
    }
}
