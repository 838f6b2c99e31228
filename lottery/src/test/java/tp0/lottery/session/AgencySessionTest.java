package tp0.lottery.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.config.AgencySecrets;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.store.BetStore;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.MessageType;

/**
 * One session, no sockets: probes stand in for its stream (acks), its connection (what it sends),
 * the store, the registry and the draw coordinator; {@link ManualTime} moves its timers, and the
 * session's clock moves with it.
 */
class AgencySessionTest {

    private static final ActorTestKit kit =
            ActorTestKit.create(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()));
    private static final ManualTime time = ManualTime.get(kit.system());

    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(100);

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    private final TestProbe<AgencySession.StreamAck> acks = kit.createTestProbe();
    private final TestProbe<Outbound> out = kit.createTestProbe();
    private final TestProbe<BetStore.Command> store = kit.createTestProbe();
    private final TestProbe<SessionRegistry.Command> registry = kit.createTestProbe();
    private final TestProbe<DrawCoordinator.Command> coordinator = kit.createTestProbe();
    private final AtomicLong nanos = new AtomicLong();
    private ActorRef<AgencySession.Command> session;

    // ------------------------------------------------------------------ helpers

    private void start(int pipeline, Duration writerTimeout) {
        AgencySession.Deps deps = new AgencySession.Deps(5, store.getRef(), coordinator.getRef(), registry.getRef(),
                AgencySecrets.NONE, FRAME_TIMEOUT, pipeline, HEARTBEAT_TIMEOUT, LotteryMetrics.NONE, writerTimeout);
        session = kit.spawn(AgencySession.create(deps, out.getRef(), "10.0.0.7", nanos::get));
        session.tell(new AgencySession.StreamStarted(acks.getRef()));
        expectAck();
    }

    private void start() {
        start(4, null);
    }

    /** Time passes for the session's timers and its clock alike. */
    private void passes(Duration duration) {
        nanos.addAndGet(duration.toNanos());
        time.timePasses(duration);
    }

    private void receive(Inbound element) {
        session.tell(new AgencySession.Received(acks.getRef(), element));
    }

    private void receive(Message message) {
        receive(new Inbound.Decoded(message));
    }

    private void expectAck() {
        acks.expectMessage(AgencySession.StreamAck.INSTANCE);
    }

    private void expectSent(Message message) {
        assertEquals(new Outbound.Send(message), out.receiveMessage());
    }

    private void expectClose() {
        assertEquals(Outbound.Close.INSTANCE, out.receiveMessage());
    }

    /** An Error, then the connection closes. */
    private void expectClosedWith(ErrorCode code, String text) {
        expectSent(new Message.Error(code, text));
        expectClose();
    }

    /** Says Hello as {@code agency}; the registry grants it, the store counts {@code stored}. */
    private void identify(int agency, int version, long stored) {
        receive(new Message.Hello(version, agency, ""));
        SessionRegistry.Claim claim = registry.expectMessageClass(SessionRegistry.Claim.class);
        assertEquals(agency, claim.agency());
        acks.expectNoMessage(QUIET); // the stream waits while the id is claimed
        claim.replyTo().tell(new SessionRegistry.Granted(agency));
        BetStore.GetStoredCount count = store.expectMessageClass(BetStore.GetStoredCount.class);
        count.replyTo().tell(new BetStore.StoredCount(agency, stored));
        expectSent(new Message.Welcome(version, stored));
        expectAck();
    }

    private static Message.BetBatch batchOf(int n) {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bets.add(new Bet("Ana", "Perez", "3000000" + i, LocalDate.of(1990, 5, 17), 100 + i));
        }
        return Batches.of(bets);
    }

    /** Sends a batch of {@code n} bets and returns it as the store got it. */
    private BetStore.StoreBatch sendBatch(int n) {
        receive(batchOf(n));
        BetStore.StoreBatch atStore = store.expectMessageClass(BetStore.StoreBatch.class);
        assertEquals(n, atStore.batch().count());
        return atStore;
    }

    /** A Ping as the connection hands it over, beside the frames the session holds; its Pong comes at once. */
    private void pingGetsPong() {
        session.tell(AgencySession.PingReceived.INSTANCE);
        expectSent(Message.Pong.INSTANCE);
    }

    /** A frame a second before {@code limit} restarts the wait: the session closes {@code limit} after it, not before. */
    private void aFrameBeforeTheLimitRestartsTheWait(Duration limit, Runnable frame) {
        passes(limit.minusSeconds(1));
        frame.run();
        passes(limit.minusSeconds(1));
        out.expectNoMessage(QUIET);
        passes(Duration.ofSeconds(1));
        expectClosedWith(ErrorCode.FRAME_TIMEOUT, "no complete frame in " + limit.toSeconds() + " s");
    }

    /** Agency 1 welcomed on a pipeline of two, two batches at the store: the stream waits. Returns the oldest. */
    private BetStore.StoreBatch aFullPipelineOfTwo() {
        start(2, null);
        identify(1, 2, 0);
        BetStore.StoreBatch first = sendBatch(1);
        expectAck();
        sendBatch(1);
        acks.expectNoMessage(QUIET); // two replies owed: the stream waits
        return first;
    }

    /** The store answers the oldest batch, of one bet: its ack goes out next, and the stream reads on. */
    private void theOldestIsStoredAndTheStreamReadsOn(BetStore.StoreBatch oldest) {
        oldest.replyTo().tell(new BetStore.Stored(1, 1));
        expectSent(new Message.BatchAck(1, 1));
        expectAck();
    }

    private void expectStopped() {
        out.expectTerminated(session);
    }

    /** The id goes back to the registry: the session will store nothing more. */
    private void expectReleased(int agency) {
        assertEquals(new SessionRegistry.Release(agency, session), registry.receiveMessage());
    }

    private void endStream() {
        session.tell(AgencySession.StreamCompleted.INSTANCE);
    }

    // ------------------------------------------------------------------ identifying

    @Test
    void beforeHelloEverythingButAPingIsRefusedAsNotIdentifiedAndTheConnectionGoesOn() {
        start();
        receive(batchOf(2));
        expectSent(new Message.BatchRejected(ErrorCode.NOT_IDENTIFIED, 2));
        expectAck();
        receive(Message.AllBetsSent.INSTANCE);
        expectSent(new Message.Error(ErrorCode.NOT_IDENTIFIED, "Hello must come first"));
        expectAck();
        receive(Message.Ping.INSTANCE);
        expectSent(Message.Pong.INSTANCE);
        expectAck();
        store.expectNoMessage(QUIET);

        endStream();
        expectClose();
        expectStopped();
    }

    @Test
    void aHelloThatFailsItsChecksIsRefusedAndTheConnectionClosed() {
        start();
        receive(new Message.Hello(2, 6, ""));
        expectClosedWith(ErrorCode.UNKNOWN_AGENCY, "agency 6 is outside 1..5");
        expectAck();
        registry.expectNoMessage(QUIET);

        receive(new Message.Hello(2, 1, "")); // closing: read and dropped
        expectAck();
        registry.expectNoMessage(QUIET);
        endStream();
        expectClose();
        expectStopped();
    }

    @Test
    void aTextLineIsEchoedAndTheConnectionClosed() {
        start();
        receive(new Inbound.TextLine(ByteString.fromString("hola")));
        assertEquals(new Outbound.Echo(ByteString.fromString("hola")), out.receiveMessage());
        expectClose();
        expectAck();
    }

    // ------------------------------------------------------------------ claiming, welcoming

    @Test
    void aSupersededClaimIsRefusedAsTakenOver() {
        start();
        receive(new Message.Hello(2, 3, ""));
        registry.expectMessageClass(SessionRegistry.Claim.class).replyTo().tell(new SessionRegistry.Superseded(3));
        expectClosedWith(ErrorCode.TAKEN_OVER, "a newer connection said Hello for agency 3");
        expectAck();
        store.expectNoMessage(QUIET);
    }

    @Test
    void aRegistryThatNeverAnswersIsRetriedLater() {
        start();
        receive(new Message.Hello(2, 3, ""));
        registry.expectMessageClass(SessionRegistry.Claim.class); // and never answered
        passes(Duration.ofSeconds(30));
        expectClosedWith(ErrorCode.SESSION_ACTIVE, "agency 3 could not be claimed in time; retry later");
        expectAck();
    }

    @Test
    void overMutualTlsOnlyTheAgencyTheCertificateNamesGetsIn() {
        start();
        receive(new Inbound.Secured(true, List.of("agency-2")));
        expectAck();
        receive(new Message.Hello(2, 3, ""));
        expectClosedWith(ErrorCode.AUTH_FAILED, "the client certificate names agency-2, not agency-3");
        expectAck();
        registry.expectNoMessage(QUIET);
    }

    @Test
    void aTakeOverBeforeTheGrantArrivesGivesTheIdStraightBackWhenItDoes() {
        start();
        receive(new Message.Hello(2, 3, ""));
        SessionRegistry.Claim claim = registry.expectMessageClass(SessionRegistry.Claim.class);
        session.tell(new AgencySession.TakenOver(3)); // the grant and the take-over travel separately
        expectClosedWith(ErrorCode.TAKEN_OVER, "a newer connection said Hello for agency 3");
        expectAck();
        claim.replyTo().tell(new SessionRegistry.Granted(3));
        expectReleased(3);
        store.expectNoMessage(QUIET); // no Welcome count for a closing session
    }

    @Test
    void aStoreThatCannotCountRefusesTheWelcomeAndGivesTheIdBack() {
        start();
        receive(new Message.Hello(2, 3, ""));
        registry.expectMessageClass(SessionRegistry.Claim.class).replyTo().tell(new SessionRegistry.Granted(3));
        store.expectMessageClass(BetStore.GetStoredCount.class).replyTo().tell(new BetStore.StoredCount(3, -1));
        expectClosedWith(ErrorCode.STORAGE_FAILURE, "store did not answer");
        expectAck();
        expectReleased(3);
    }

    // ------------------------------------------------------------------ ingesting

    @Test
    void aSecondHelloIsRefusedAndTheSessionGoesOn() {
        start();
        identify(2, 2, 40);
        receive(new Message.Hello(2, 2, ""));
        expectSent(new Message.Error(ErrorCode.ALREADY_IDENTIFIED, "already identified as agency 2"));
        expectAck();
        BetStore.StoreBatch batch = sendBatch(3);
        batch.replyTo().tell(new BetStore.Stored(3, 43));
        expectSent(new Message.BatchAck(3, 43));
    }

    @Test
    void pipelinedBatchesAreAckedInOrderWithRefusalsInTheirPlace() {
        start(4, null);
        identify(1, 2, 0);
        BetStore.StoreBatch first = sendBatch(2);
        expectAck(); // the pipeline has room: read on
        DecodeException bad = new DecodeException(ErrorCode.BAD_DATE, "bad date", MessageType.BET_BATCH, 7);
        receive(new Inbound.Malformed(bad));
        expectAck();
        receive(Message.Ping.INSTANCE);
        expectSent(Message.Pong.INSTANCE); // out of turn
        expectAck();
        BetStore.StoreBatch second = sendBatch(3);
        expectAck();
        out.expectNoMessage(QUIET);

        first.replyTo().tell(new BetStore.Stored(2, 2));
        expectSent(new Message.BatchAck(2, 2));
        expectSent(new Message.BatchRejected(ErrorCode.BAD_DATE, 7));
        second.replyTo().tell(new BetStore.Refused(ErrorCode.STORAGE_FAILURE, "disk full"));
        expectSent(new Message.BatchRejected(ErrorCode.STORAGE_FAILURE, 3));
    }

    @Test
    void aFullPipelineStopsReadingUntilTheStoreAnswers() {
        BetStore.StoreBatch first = aFullPipelineOfTwo();

        theOldestIsStoredAndTheStreamReadsOn(first);
    }

    // ------------------------------------------------------------------ finishing, finished, winners

    @Test
    void allBetsSentWaitsForItsBatchesThenForTheDurableMarkAndThenBatchesAreRefused() {
        start();
        identify(4, 2, 0);
        BetStore.StoreBatch batch = sendBatch(5);
        expectAck();
        receive(Message.AllBetsSent.INSTANCE);
        coordinator.expectNoMessage(QUIET); // not before its batches are answered

        batch.replyTo().tell(new BetStore.Stored(5, 5));
        expectSent(new Message.BatchAck(5, 5));
        DrawCoordinator.AgencyFinished finished = coordinator.expectMessageClass(DrawCoordinator.AgencyFinished.class);
        assertEquals(4, finished.agency());
        acks.expectNoMessage(QUIET); // the stream waits for the mark
        finished.replyTo().tell(StatusReply.success(Done.getInstance()));
        expectSent(Message.AllBetsSentAck.INSTANCE);
        expectAck();

        receive(batchOf(1));
        expectSent(new Message.BatchRejected(ErrorCode.AGENCY_FINISHED, 1));
        expectAck();
        store.expectNoMessage(QUIET);
    }

    @Test
    void aMarkThatCannotBeRecordedClosesWithStorageFailure() {
        start();
        identify(4, 2, 0);
        receive(Message.AllBetsSent.INSTANCE);
        coordinator.expectMessageClass(DrawCoordinator.AgencyFinished.class).replyTo().tell(StatusReply.error("db down"));
        expectClosedWith(ErrorCode.STORAGE_FAILURE, "all bets sent could not be recorded: db down");
        expectAck();
        expectReleased(4);
    }

    @Test
    void aParkedWinnersQueryOutlivesThePeerStoppingAndIsAnsweredBeforeTheClose() {
        start();
        identify(3, 1, 0);
        receive(Message.WinnersQuery.INSTANCE);
        DrawCoordinator.QueryWinners query = coordinator.expectMessageClass(DrawCoordinator.QueryWinners.class);
        expectAck();
        endStream();
        // It will store nothing more: the id goes back now, so a reconnecting agency is not kept out until the draw.
        expectReleased(3);
        out.expectNoMessage(QUIET);

        query.replyTo().tell(new DrawCoordinator.AgencyWinners(3, List.of("30000001")));
        expectSent(new Message.Winners(List.of("30000001"), true));
        expectClose();
        expectStopped();
    }

    @Test
    void aFailedDrawIsToldToTheParkedQuery() {
        start();
        identify(3, 2, 0);
        receive(Message.WinnersQuery.INSTANCE);
        expectAck();
        coordinator.expectMessageClass(DrawCoordinator.QueryWinners.class).replyTo()
                .tell(new DrawCoordinator.DrawUnavailable("store closed"));
        expectSent(new Message.Error(ErrorCode.STORAGE_FAILURE, "the draw failed: store closed"));
    }

    // ------------------------------------------------------------------ taken over, closed

    @Test
    void aSessionTakenOverStoresNothingMoreAndGivesItsIdBack() {
        start();
        identify(2, 2, 0);
        BetStore.StoreBatch inFlight = sendBatch(1);
        expectAck();
        session.tell(new AgencySession.TakenOver(2));
        expectClosedWith(ErrorCode.TAKEN_OVER, "a newer connection said Hello for agency 2");
        expectReleased(2);

        receive(batchOf(1));
        expectAck();
        store.expectNoMessage(QUIET);
        inFlight.replyTo().tell(new BetStore.Stored(1, 1)); // stored before the new Welcome's count; not acked here
        out.expectNoMessage(QUIET);
        endStream();
        expectClose();
        expectStopped();
    }

    @Test
    void aPeerThatStopsWithNothingOwedIsClosedAtOnce() {
        start();
        identify(2, 2, 0);
        endStream();
        expectClose();
        expectStopped();
    }

    @Test
    void aPeerThatStopsWithBatchesInFlightGetsTheirAcksThenTheClose() {
        start();
        identify(2, 2, 0);
        BetStore.StoreBatch batch = sendBatch(4);
        expectAck();
        endStream();
        expectReleased(2);
        batch.replyTo().tell(new BetStore.Stored(4, 4));
        expectSent(new Message.BatchAck(4, 4));
        expectClose();
        expectStopped();
    }

    // ------------------------------------------------------------------ silence, writer timeout

    @Test
    void aSilentPeerIsClosedAfterTheFrameTimeoutAndAFrameRestartsTheWait() {
        start();
        aFrameBeforeTheLimitRestartsTheWait(FRAME_TIMEOUT, () -> {
            receive(Message.Ping.INSTANCE);
            expectSent(Message.Pong.INSTANCE);
            expectAck();
        });
    }

    @Test
    void aVersionTwoPeerWaitingForAcksMustPingWithinTheHeartbeatTimeout() {
        start();
        identify(1, 2, 0);
        sendBatch(1);
        expectAck();
        passes(HEARTBEAT_TIMEOUT);
        expectClosedWith(ErrorCode.FRAME_TIMEOUT, "no complete frame in 10 s");
    }

    @Test
    void aVersionOnePeerWaitingForTheDrawIsNeverTimedOut() {
        start();
        identify(1, 1, 0);
        receive(Message.WinnersQuery.INSTANCE);
        coordinator.expectMessageClass(DrawCoordinator.QueryWinners.class);
        expectAck();
        passes(FRAME_TIMEOUT.multipliedBy(3));
        out.expectNoMessage(QUIET);
    }

    @Test
    void aBatchWhoseWriterNeverAnswersClosesTheSessionSoTheAgencyResumesElsewhere() {
        Duration writerTimeout = Duration.ofSeconds(8);
        start(4, writerTimeout);
        identify(5, 1, 0);
        sendBatch(2);
        expectAck();
        passes(writerTimeout.minusSeconds(2));
        out.expectNoMessage(QUIET);
        passes(Duration.ofSeconds(2));
        expectSent(new Message.Error(ErrorCode.STORAGE_FAILURE, "the agency's writer did not answer; reconnect to resume"));
        expectClose();
        expectReleased(5);
    }

    // ------------------------------------------------------------------ a Ping in every state

    @Test
    void aPingBeforeHelloIsAnsweredAtOnce() {
        start();
        pingGetsPong();
        acks.expectNoMessage(QUIET); // it came beside the stream: nothing to ack
    }

    @Test
    void aPingWhileTheRegistryClaimsTheIdAndWhileTheStoreCountsIsAnsweredAtOnce() {
        start();
        receive(new Message.Hello(2, 3, ""));
        SessionRegistry.Claim claim = registry.expectMessageClass(SessionRegistry.Claim.class);
        passes(Duration.ofSeconds(20));
        pingGetsPong(); // claiming
        acks.expectNoMessage(QUIET); // the Hello still holds the stream

        claim.replyTo().tell(new SessionRegistry.Granted(3));
        BetStore.GetStoredCount count = store.expectMessageClass(BetStore.GetStoredCount.class);
        pingGetsPong(); // welcoming
        acks.expectNoMessage(QUIET);

        count.replyTo().tell(new BetStore.StoredCount(3, 7));
        expectSent(new Message.Welcome(2, 7));
        expectAck();
    }

    @Test
    void theClaimAndTheCountShareTheHellosBoundSoARefusalToRetryComesWithinIt() {
        start();
        receive(new Message.Hello(2, 3, ""));
        SessionRegistry.Claim claim = registry.expectMessageClass(SessionRegistry.Claim.class);
        passes(Duration.ofSeconds(20));
        claim.replyTo().tell(new SessionRegistry.Granted(3));
        store.expectMessageClass(BetStore.GetStoredCount.class); // and never answered
        passes(AgencySession.HELLO_TIMEOUT.minusSeconds(21));
        out.expectNoMessage(QUIET);
        passes(Duration.ofSeconds(1)); // the Hello's 30 s are up, not the count's own
        expectClosedWith(ErrorCode.STORAGE_FAILURE, "store did not answer");
    }

    @Test
    void aPingWhileThePipelineIsFullIsAnsweredAtOnceAndTheAcksKeepTheirOrder() {
        BetStore.StoreBatch first = aFullPipelineOfTwo();
        pingGetsPong();

        theOldestIsStoredAndTheStreamReadsOn(first); // the Pong took no ack's place
    }

    @Test
    void aPingWhileAllBetsSentWaitsForItsBatchesIsAnsweredAtOnce() {
        start();
        identify(4, 2, 0);
        BetStore.StoreBatch batch = sendBatch(5);
        expectAck();
        receive(Message.AllBetsSent.INSTANCE);
        pingGetsPong();
        coordinator.expectNoMessage(QUIET);

        batch.replyTo().tell(new BetStore.Stored(5, 5));
        expectSent(new Message.BatchAck(5, 5));
        coordinator.expectMessageClass(DrawCoordinator.AgencyFinished.class);
    }

    @Test
    void aPingWhileTheCoordinatorRecordsAllBetsSentIsAnsweredAtOnce() {
        start();
        identify(4, 2, 0);
        receive(Message.AllBetsSent.INSTANCE);
        DrawCoordinator.AgencyFinished finished = coordinator.expectMessageClass(DrawCoordinator.AgencyFinished.class);
        for (int i = 0; i < 5; i++) { // the coordinator's store is cut off: the agency keeps pinging
            passes(HEARTBEAT_TIMEOUT.dividedBy(2));
            pingGetsPong();
        }
        acks.expectNoMessage(QUIET); // the stream waits for the mark

        finished.replyTo().tell(StatusReply.success(Done.getInstance()));
        expectSent(Message.AllBetsSentAck.INSTANCE);
        expectAck();
    }

    @Test
    void aPingWhileTheWinnersQueryIsParkedIsAnsweredAtOnceAndRestartsTheHeartbeatWait() {
        start();
        identify(3, 2, 0);
        receive(Message.WinnersQuery.INSTANCE);
        coordinator.expectMessageClass(DrawCoordinator.QueryWinners.class);
        expectAck();
        aFrameBeforeTheLimitRestartsTheWait(HEARTBEAT_TIMEOUT, this::pingGetsPong);
    }

    @Test
    void aPingWhileClosingGetsNothingTheErrorBeforeItIsTheLastFrame() {
        start();
        identify(2, 2, 0);
        session.tell(new AgencySession.TakenOver(2));
        expectClosedWith(ErrorCode.TAKEN_OVER, "a newer connection said Hello for agency 2");
        session.tell(AgencySession.PingReceived.INSTANCE);
        out.expectNoMessage(QUIET);
    }
}
