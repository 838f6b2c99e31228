package tp0.agency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tp0.agency.config.AgencyConfig;
import tp0.agency.config.ServerAddresses;
import tp0.agency.log.LogLevel;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * No budget that ends exactly when the answer comes: a server whose store does not answer
 * refuses the Hello to retry later only at its bound (30 s), answering the agency's Pings
 * meanwhile; here that bound falls after the agency's whole connect window, as it did when both
 * were 30 s. The refusal is still heard, and retried.
 */
class RefusalPastTheWindowTest extends AgainstFakeServers {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(600);
    /** When the scripted server refuses: past the agency's window, within the server's bound. */
    private static final Duration REFUSED_AFTER = Duration.ofMillis(1_500);

    private AgencyConfig config(FakeLotteryServer server, List<Bet> bets) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Bet bet : bets) {
            sb.append(BetFiles.row(bet)).append('\n');
        }
        return new AgencyConfig(1, ServerAddresses.of(server.address()), LogLevel.DEBUG, 10, 4, CONNECT_TIMEOUT,
                BetFiles.write(dir, sb), Optional.empty(), "", READ_TIMEOUT);
    }

    /** As a server whose store is cut off: Pongs for every Ping, then STORAGE_FAILURE at {@link #REFUSED_AFTER}. */
    private static FakeLotteryServer.Script refusingLate() {
        return peer -> {
            FakeLotteryServer.expectHello(peer);
            long start = System.nanoTime();
            while (System.nanoTime() - start < REFUSED_AFTER.toNanos()) {
                Message m = peer.receiveWithin(READ_TIMEOUT);
                assertEquals(Message.Ping.INSTANCE, m, "while it waits for Welcome the agency only pings");
                peer.send(Message.Pong.INSTANCE);
            }
            peer.send(new Message.Error(ErrorCode.STORAGE_FAILURE, "store did not answer"));
        };
    }

    @Test
    void aRefusalThatComesAfterTheWindowIsRetriedAndTheRunSucceeds() throws Exception {
        List<Bet> bets = BetFiles.numbered(12);
        FakeLotteryServer server = serve(n -> n == 1 ? refusingLate() : n == 2 ? FakeLotteryServer.lottery("7") : null);

        int exit = new AgencyClient(config(server, bets), capture.log, stop).run();

        assertEquals(ExitCodes.SUCCESS, exit, capture.toString());
        assertEquals(0, capture.count("result: fail"), capture.toString());
        assertTrue(capture.anyMessageMatches("action: connect \\| result: in_progress \\| .*attempt: 1 \\| error: no Welcome: "
                + "STORAGE_FAILURE: store did not answer"), capture.toString());
        assertEquals(2, server.connections().size());
        assertEquals(0, capture.count("connection_lost"), "the Pongs kept the wait alive: " + capture);
    }

    @Test
    void aSecondRefusalPastTheWindowIsFinal() throws Exception {
        FakeLotteryServer server = serve(n -> n <= 2 ? refusingLate() : null);

        int exit = new AgencyClient(config(server, BetFiles.numbered(3)), capture.log, stop).run();

        assertEquals(ExitCodes.FAILURE, exit, capture.toString());
        assertTrue(capture.anyMessageMatches("action: connect \\| result: fail \\| .*attempts: 2 \\| error: no Welcome: "
                + "STORAGE_FAILURE: store did not answer"), capture.toString());
    }

    @Test
    void theWelcomeWaitCoversTheServersHelloBoundWithAMargin() {
        assertTrue(AgencyClient.WELCOME_WAIT_MILLIS
                >= Protocol.SERVER_HELLO_BOUND.toMillis() + Protocol.HELLO_ANSWER_MARGIN.toMillis());
    }
}
