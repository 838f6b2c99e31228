package tp0.agency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tp0.agency.StoringLottery.Fault;
import tp0.agency.config.AgencyConfig;
import tp0.agency.config.ServerAddresses;
import tp0.agency.log.LogLevel;
import tp0.protocol.Bet;
import tp0.protocol.Message;

/**
 * The agency's side of liveness against a scripted server: Pings while it waits, a server
 * silent for the read timeout counts as a lost connection (and the agency resumes on a new
 * one), a server that answers the Pings is waited for however long the draw takes.
 */
class HeartbeatTest extends AgainstFakeServers {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(600);


    private AgencyConfig config(FakeLotteryServer server, List<Bet> bets, int maxAmount, int window) throws IOException {
        return config(server, bets, maxAmount, window, Duration.ofSeconds(10));
    }

    private AgencyConfig config(FakeLotteryServer server, List<Bet> bets, int maxAmount, int window,
                                Duration connectTimeout) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Bet bet : bets) {
            sb.append(BetFiles.row(bet)).append('\n');
        }
        return new AgencyConfig(1, ServerAddresses.of(server.address()), LogLevel.DEBUG, maxAmount, window, connectTimeout,
                BetFiles.write(dir, sb), Optional.empty(), "", READ_TIMEOUT);
    }

    private int run(AgencyConfig config) {
        return new AgencyClient(config, capture.log, new StopSignal()).run();
    }

    @Test
    void aServerThatGoesDarkMidBatchIsLeftAfterTheReadTimeoutAndResumedOnANewConnection() throws Exception {
        List<Bet> bets = BetFiles.numbered(50);
        StoringLottery lottery = new StoringLottery("7").on(1, Fault.BLACK_HOLE, 3).downAfter(2);
        FakeLotteryServer server = serve(lottery);

        long start = System.nanoTime();
        assertEquals(ExitCodes.SUCCESS, run(config(server, bets, 10, 1)), capture.toString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(bets, lottery.stored(), "each bet once, in order");
        assertTrue(capture.contains("action: connection_lost | result: in_progress | error: no frame from the server in"
                + " 600ms | sent: 20 | during: batch_enviado"), capture.toString());
        assertEquals(0, capture.count("result: fail"), capture.toString());
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "recovered in " + took);
        List<Message> dark = server.receivedOn(1);
        assertTrue(dark.contains(Message.Ping.INSTANCE), "it pinged the dark server first: " + dark);
    }

    @Test
    void aDrawLongerThanTheReadTimeoutIsWaitedForWhileTheServerAnswersThePings() throws Exception {
        List<Bet> bets = BetFiles.numbered(5);
        StoringLottery lottery = new StoringLottery("00002").on(1, Fault.SLOW_DRAW).downAfter(1);
        FakeLotteryServer server = serve(lottery);

        assertEquals(ExitCodes.SUCCESS, run(config(server, bets, 10, 16)), capture.toString());

        assertEquals(0, capture.count("connection_lost"), capture.toString());
        assertTrue(capture.contains("action: consulta_ganadores | result: success | cant_ganadores: 1"),
                capture.toString());
        long pings = server.receivedOn(1).stream().filter(m -> m == Message.Ping.INSTANCE).count();
        assertTrue(pings >= 4, pings + " pings");
    }

    @Test
    void aServerThatStopsReadingIsLeftEvenWhileTheAgencyIsBlockedWriting() throws Exception {
        // A window of 1024 batches is 8 MiB in flight: more than any socket buffers take, so
        // the agency's write blocks on the server that reads nothing; the watchdog cuts it.
        List<Bet> bets = BetFiles.numbered(200_000);
        FakeLotteryServer server = serve(n -> n == 1 ? peer -> {
            FakeLotteryServer.expectHello(peer);
            peer.send(new Message.Welcome(tp0.protocol.Protocol.VERSION, 0));
            peer.holdWithoutReading();
        } : null);

        int status = run(config(server, bets, 500, 1024, Duration.ofMillis(500)));

        assertEquals(ExitCodes.FAILURE, status, capture.toString()); // the server never came back
        assertTrue(capture.contains("action: connection_lost | result: in_progress | error: the server took none of"
                + " our data for 600ms"), capture.toString());
    }
}
