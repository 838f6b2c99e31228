package tp0.lottery.session;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tp0.logline.LogLine;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.session.AgencySession.BatchDone;
import tp0.lottery.session.AgencySession.Command;
import tp0.lottery.session.AgencySession.FinishRecorded;
import tp0.lottery.session.AgencySession.FrameTimedOut;
import tp0.lottery.session.AgencySession.PingReceived;
import tp0.lottery.session.AgencySession.Received;
import tp0.lottery.session.AgencySession.StreamCompleted;
import tp0.lottery.session.AgencySession.TakenOver;
import tp0.lottery.session.AgencySession.WinnersReady;
import tp0.lottery.session.AgencySession.WriterCheck;
import tp0.lottery.store.BetStore;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * The states of an {@link AgencySession} whose agency is identified: {@link #ingesting} batches ⇄
 * {@link #finishing} (the coordinator makes "all bets sent" durable) → {@link #finished}.
 */
final class IdentifiedSession {

    private final Connection c;
    private final ActorRef<BetStore.StoreReply> storeReplies;
    private final ActorRef<DrawCoordinator.WinnersAnswer> winnersReplies;

    IdentifiedSession(Connection connection) {
        this.c = connection;
        this.storeReplies = connection.ctx.messageAdapter(BetStore.StoreReply.class, BatchDone::new);
        this.winnersReplies = connection.ctx.messageAdapter(DrawCoordinator.WinnersAnswer.class, WinnersReady::new);
    }

    /** What an identified session knows: its agency, the version its Hello named, whether a winners query is parked. */
    record Identified(int agency, int version, boolean winnersParked) {
        Identified parked(boolean parked) {
            return new Identified(agency, version, parked);
        }
    }

    /** Welcomed: batches go to the store. */
    Behavior<Command> ingesting(Identified who) {
        return identified(who, this::ingesting, false);
    }

    /** "All bets sent" is at the coordinator, acknowledged once it is durable; the stream waits meanwhile. */
    private Behavior<Command> finishing(Identified who) {
        return identified(who, this::finishing, true);
    }

    /** All bets sent: a batch now is refused. */
    private Behavior<Command> finished(Identified who) {
        return identified(who, this::finished, true);
    }

    /**
     * @param state   the state this is, to go on in with new data
     * @param allSent the agency declared all bets sent: a batch now is refused
     */
    private Behavior<Command> identified(Identified who, Function<Identified, Behavior<Command>> state, boolean allSent) {
        Function<Inbound, Behavior<Command>> onElement = element -> identifiedElement(who, state, element, allSent);
        return c.withCommon(Behaviors.receive(Command.class)
                .onMessage(Received.class, msg -> c.received(msg, onElement))
                .onMessage(BatchDone.class, msg -> c.onBatchDone(msg, who.agency(), c.live, onElement,
                        () -> carryOn(who, Behaviors::same)))
                .onMessage(FinishRecorded.class, msg -> c.answers.allBetsSentRecorded(c.live, who.agency(), msg.failure())
                        ? carryOn(who, () -> finished(who))
                        : c.closeWith(ErrorCode.STORAGE_FAILURE, "all bets sent could not be recorded: "
                                + msg.failure().getMessage(), who.agency()))
                .onMessage(WinnersReady.class, msg -> {
                    c.answers.winners(c.live, who.agency(), msg.answer());
                    return settle(who.parked(false), () -> state.apply(who.parked(false)));
                })
                .onMessage(TakenOver.class, msg -> c.takenOver(msg, who.agency()))
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    c.intake.end();
                    if (!canStop(who)) {
                        c.release(who.agency()); // it will store nothing more; its parked query may wait for hours
                    }
                    return settle(who, Behaviors::same);
                })
                .onMessageEquals(PingReceived.INSTANCE, () -> c.pinged(() -> settle(who, Behaviors::same)))
                .onMessageEquals(FrameTimedOut.INSTANCE, () -> c.onSilence(identifiedLimit(who), who.agency()))
                .onMessageEquals(WriterCheck.INSTANCE, () -> onWriterCheck(who.agency())), who.agency());
    }

    private Behavior<Command> identifiedElement(Identified who, Function<Identified, Behavior<Command>> state,
                                                Inbound element, boolean allSent) {
        Message message = element instanceof Inbound.Decoded decoded ? decoded.message() : null;
        if (message instanceof Message.Hello) {
            c.answers.refuse(c.live, ErrorCode.ALREADY_IDENTIFIED, "already identified as agency " + who.agency());
            return carryOn(who, Behaviors::same);
        }
        if (message instanceof Message.BetBatch batch) {
            if (allSent) {
                int count = batch.count();
                ErrorCode code = ErrorCode.AGENCY_FINISHED;
                c.inTurn(to -> c.answers.batchRejected(to, who.agency(), code, count, code.description));
                return carryOn(who, Behaviors::same);
            }
            c.links.writer().tell(new BetStore.StoreBatch(who.agency(), batch, storeReplies));
            c.replies.batchSent(batch.count(), c.deps.writerTimeout() == null ? 0 : c.nanoClock.getAsLong());
            return carryOn(who, Behaviors::same); // reads on while the pipeline has room
        }
        if (message == Message.AllBetsSent.INSTANCE) {
            // Acknowledged only once the mark is durable, so a restarted server still counts it.
            c.ctx.askWithStatus(Done.class, c.deps.coordinator(), AgencySession.ASK_TIMEOUT,
                    replyTo -> new DrawCoordinator.AgencyFinished(who.agency(), replyTo),
                    (done, failure) -> new FinishRecorded(failure));
            return finishing(who);
        }
        if (message == Message.WinnersQuery.INSTANCE) {
            // Parked at the coordinator until the draw; reads on meanwhile.
            c.deps.coordinator().tell(new DrawCoordinator.QueryWinners(who.agency(), winnersReplies));
            return carryOn(who.parked(true), () -> state.apply(who.parked(true)));
        }
        return c.inAnyState(element, who.agency(), () -> carryOn(who, Behaviors::same));
    }

    /** Lets the stream go on if the pipeline has room; then {@link #settle}. */
    Behavior<Command> carryOn(Identified who, Supplier<Behavior<Command>> next) {
        c.intake.ackIf(c.replies.size() < c.deps.sessionPipeline());
        return settle(who, next);
    }

    /** Stops once the peer has stopped sending and nothing is owed to it; else goes on in {@code next}. */
    private Behavior<Command> settle(Identified who, Supplier<Behavior<Command>> next) {
        if (canStop(who)) {
            return c.closeNow(who.agency());
        }
        c.silence.update(identifiedLimit(who));
        return next.get();
    }

    private boolean canStop(Identified who) {
        return c.intake.hasEnded() && !c.intake.isHolding() && c.replies.isEmpty() && !who.winnersParked();
    }

    private Duration identifiedLimit(Identified who) {
        return SilenceTimer.limit(!c.intake.isHolding() && !c.intake.hasEnded(), who.version() >= Protocol.HEARTBEAT_VERSION,
                !c.replies.isEmpty() || who.winnersParked(), c.deps.frameTimeout(), c.deps.heartbeatTimeout());
    }

    /**
     * The oldest batch got no answer within the writer timeout: its writer is gone (a node died
     * with it). Nothing more is sent; the agency reconnects and resumes from the stored count, and
     * any of these batches delivered late is refused there (not the agency's c.live session).
     */
    private Behavior<Command> onWriterCheck(int agency) {
        var oldest = c.replies.oldestBatch();
        if (oldest.isEmpty() || c.nanoClock.getAsLong() - oldest.get().sentNanos() < c.deps.writerTimeout().toNanos()) {
            return Behaviors.same();
        }
        c.log.warn(LogLine.fail("apuesta_recibida", "agencia", agency, "code", ErrorCode.STORAGE_FAILURE,
                "error", "no answer from the agency's writer in " + c.deps.writerTimeout().toSeconds() + " s",
                "batches_unanswered", c.replies.batchesOwed()));
        return c.closeWith(ErrorCode.STORAGE_FAILURE, "the agency's writer did not answer; reconnect to resume", agency);
    }
}
