package tp0.lottery.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import tp0.logline.LogLine;
import tp0.lottery.session.AgencySession.BatchDone;
import tp0.lottery.session.AgencySession.Claimed;
import tp0.lottery.session.AgencySession.Command;
import tp0.lottery.session.AgencySession.FinishRecorded;
import tp0.lottery.session.AgencySession.FrameTimedOut;
import tp0.lottery.session.AgencySession.PingReceived;
import tp0.lottery.session.AgencySession.Received;
import tp0.lottery.session.AgencySession.StreamAck;
import tp0.lottery.session.AgencySession.StreamCompleted;
import tp0.lottery.session.AgencySession.StreamFailed;
import tp0.lottery.session.AgencySession.StreamStarted;
import tp0.lottery.session.AgencySession.TakenOver;
import tp0.lottery.session.AgencySession.Welcomed;
import tp0.lottery.session.AgencySession.WinnersReady;
import tp0.lottery.session.AgencySession.WriterCheck;
import tp0.lottery.session.Answers.Outlet;
import tp0.lottery.store.BetStore;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/**
 * What every state of one {@link AgencySession} shares: its connection (where replies go, how it
 * closes), its inbound stream's back-pressure ({@link Intake}), the replies owed in order
 * ({@link ReplyOrder}), the silence timer ({@link SilenceTimer}); what every state does alike,
 * and the closing state every state can end in.
 */
final class Connection {

    final ActorContext<Command> ctx;
    final AgencySession.Deps deps;
    /** This session's writer and registry. */
    final SessionLinks.Links links;
    final ActorRef<Outbound> out;
    final String peer;
    final Logger log;
    /** What the silence and writer timeouts are measured by. */
    final LongSupplier nanoClock;
    final Intake intake = new Intake();
    final ReplyOrder<Consumer<Outlet>> replies = new ReplyOrder<>();
    final SilenceTimer silence;
    final Answers answers;
    /** Where replies go while the connection is open; a closing session's go nowhere ({@link Answers#SILENT}). */
    final Outlet live;

    Connection(ActorContext<Command> ctx, TimerScheduler<Command> timers, AgencySession.Deps deps,
               ActorRef<Outbound> out, String peer, LongSupplier nanoClock) {
        this.ctx = ctx;
        this.deps = deps;
        this.links = deps.links().linksFor(ctx.getSelf(), ctx);
        this.out = out;
        this.peer = peer;
        ctx.setLoggerName(AgencySession.class); // the session's lines, whichever of its classes writes them
        this.log = ctx.getLog();
        this.nanoClock = nanoClock;
        this.silence = new SilenceTimer(nanoClock, delay -> timers.startSingleTimer(FrameTimedOut.INSTANCE, delay));
        this.answers = new Answers(log, peer, deps.metrics());
        this.live = message -> out.tell(new Outbound.Send(message));
    }

    // ------------------------------------------------------------------ closing

    /**
     * Refused, taken over or timed out: the connection closes once what was sent is written, and
     * nothing more is acted on or sent. Answers still arriving are logged as before; the session
     * stops once the peer has stopped sending.
     */
    Behavior<Command> closing(int agency) {
        return withCommon(Behaviors.receive(Command.class)
                .onMessage(Received.class, msg -> {
                    silence.frameArrived();
                    intake.hold(msg.ackTo());
                    return carryOnClosing(agency, Behaviors::same);
                })
                .onMessage(BatchDone.class, msg -> onBatchDone(msg, agency, Answers.SILENT,
                        ignored -> carryOnClosing(agency, Behaviors::same), () -> carryOnClosing(agency, Behaviors::same)))
                .onMessage(FinishRecorded.class, msg -> {
                    if (!answers.allBetsSentRecorded(Answers.SILENT, agency, msg.failure())) {
                        out.tell(Outbound.Close.INSTANCE);
                    }
                    return carryOnClosing(agency, Behaviors::same);
                })
                .onMessage(WinnersReady.class, msg -> {
                    answers.winners(Answers.SILENT, agency, msg.answer());
                    return settleClosing(agency, Behaviors::same);
                })
                .onMessage(Claimed.class, this::lateClaim)
                .onMessage(Welcomed.class, msg -> carryOnClosing(agency, Behaviors::same))
                .onMessage(TakenOver.class, msg -> Behaviors.same()) // already letting it go
                .onMessageEquals(PingReceived.INSTANCE, Behaviors::same) // its last frame, the Error, is on its way
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    intake.end();
                    return settleClosing(agency, Behaviors::same);
                }), agency);
    }

    /** Closes: acks what the stream holds, and gives the agency id back unless it stops at once. */
    Behavior<Command> enterClosing(int agency) {
        intake.ackIf(true);
        if (agency != 0 && !intake.hasEnded()) {
            release(agency); // a peer that stopped sending gave it back then
        }
        return settleClosing(agency, () -> closing(agency));
    }

    Behavior<Command> carryOnClosing(int agency, Supplier<Behavior<Command>> next) {
        intake.ackIf(true);
        return settleClosing(agency, next);
    }

    Behavior<Command> settleClosing(int agency, Supplier<Behavior<Command>> next) {
        if (intake.hasEnded() && !intake.isHolding()) {
            return closeNow(agency);
        }
        silence.update(null);
        return next.get();
    }

    /** The registry answered a claim after the session was taken over; a granted id goes straight back. */
    Behavior<Command> lateClaim(Claimed msg) {
        int id = msg.agency();
        if (msg.reply() instanceof SessionRegistry.Granted) {
            return enterClosing(id);
        }
        HelloCheck.Refusal refusal = HelloCheck.notGranted(id, msg.reply() instanceof SessionRegistry.Superseded);
        answers.agencyRefused(id, refusal.code(), refusal.text());
        out.tell(Outbound.Close.INSTANCE);
        return carryOnClosing(0, Behaviors::same);
    }

    // ------------------------------------------------------------------ in every state

    /** What every state does alike; a state's own handlers come first. */
    Behavior<Command> withCommon(BehaviorBuilder<Command> state, int agency) {
        return state
                .onMessage(StreamStarted.class, msg -> {
                    msg.ackTo().tell(StreamAck.INSTANCE);
                    return Behaviors.same();
                })
                .onMessage(StreamFailed.class, msg -> closeNow(agency))
                // Claiming and welcoming: the session waits on the server, not on the peer.
                .onMessageEquals(PingReceived.INSTANCE, () -> pinged(Behaviors::same))
                .onMessageEquals(FrameTimedOut.INSTANCE, () -> {
                    silence.fired(null); // not waiting on the peer in this state
                    return Behaviors.same();
                })
                .onMessageEquals(WriterCheck.INSTANCE, Behaviors::same) // no batch is at the store
                // However the session ends (even by a failure), its connection must not outlive it.
                .onSignal(PostStop.class, signal -> {
                    out.tell(Outbound.Close.INSTANCE);
                    return Behaviors.same();
                })
                .build();
    }

    /**
     * A frame arrived; the stream waits until it is handled. Batches, malformed frames (answered in
     * their turn) and Pings (answered out of turn) are handled while replies are owed; anything
     * else waits until they are all sent.
     */
    Behavior<Command> received(Received msg, Function<Inbound, Behavior<Command>> handle) {
        silence.frameArrived();
        intake.hold(msg.ackTo());
        Inbound element = msg.element();
        boolean pipelined = element instanceof Inbound.Malformed || (element instanceof Inbound.Decoded decoded
                && (decoded.message() instanceof Message.BetBatch || decoded.message() == Message.Ping.INSTANCE));
        if (!replies.isEmpty() && !pipelined) {
            intake.defer(element);
            return Behaviors.same();
        }
        return handle.apply(element);
    }

    /**
     * A Ping handed over beside the stream ({@link PingReceived}): a Pong at once, out of turn (it
     * answers no batch, so it waits for none); then {@code settle}, which measures the peer's
     * silence again from now if the state waits on the peer.
     */
    Behavior<Command> pinged(Supplier<Behavior<Command>> settle) {
        silence.frameArrived();
        live.send(Message.Pong.INSTANCE);
        return settle.get();
    }

    /** What means the same in every state that reads: Pings, server-only messages, malformed frames, text, a broken stream. */
    Behavior<Command> inAnyState(Inbound element, int agency, Supplier<Behavior<Command>> carryOn) {
        if (element instanceof Inbound.Decoded decoded) {
            if (decoded.message() == Message.Ping.INSTANCE) {
                live.send(Message.Pong.INSTANCE); // out of turn: it answers no batch, so it waits for none
            } else {
                answers.refuse(live, ErrorCode.UNEXPECTED_MESSAGE, decoded.message().type() + " is sent by servers, not agencies");
            }
            return carryOn.get();
        }
        if (element instanceof Inbound.Malformed malformed) {
            DecodeException error = malformed.error();
            inTurn(to -> answers.malformed(to, error));
            return carryOn.get();
        }
        if (element instanceof Inbound.TextLine text) { // the health check: echo, then close
            log.info(LogLine.success("receive_message", "ip", peer, "msg", text.line().decodeString(StandardCharsets.UTF_8)));
            out.tell(new Outbound.Echo(text.line()));
            out.tell(Outbound.Close.INSTANCE);
            return enterClosing(agency);
        }
        if (element instanceof Inbound.Secured) {
            return carryOn.get(); // learnt before the first frame
        }
        Inbound.Broken broken = (Inbound.Broken) element;
        log.warn(LogLine.fail("mensaje_invalido", "ip", peer, "code", broken.code(), "error", broken.detail()));
        return closeWith(broken.code(), broken.detail(), agency);
    }

    Behavior<Command> onSilence(Duration limit, int agency) {
        if (!silence.fired(limit)) {
            return Behaviors.same();
        }
        String timeout = SilenceTimer.seconds(limit);
        log.warn(LogLine.fail("conexion_cerrada", "ip", peer, "code", ErrorCode.FRAME_TIMEOUT, "agencia", agency,
                "timeout_s", timeout));
        return closeWith(ErrorCode.FRAME_TIMEOUT, "no complete frame in " + timeout + " s", agency);
    }

    /**
     * A newer Hello for the agency: store nothing more, let the id go, close. It may come before
     * the registry's grant does (they travel separately); the grant then finds the session
     * closing and gives the id straight back.
     */
    Behavior<Command> takenOver(TakenOver msg, int agency) {
        log.warn(LogLine.fail("conexion_cerrada", "ip", peer, "code", ErrorCode.TAKEN_OVER, "agencia", msg.agency()));
        return closeWith(ErrorCode.TAKEN_OVER, "a newer connection said Hello for agency " + msg.agency(), agency);
    }

    /** Gives {@code answer} once every reply owed before it has gone out. */
    void inTurn(Consumer<Outlet> answer) {
        replies.inTurn(answer, give -> give.accept(live));
    }

    /**
     * The store answered the oldest batch (it answers one session's batches in order): ack or
     * reject it, give the answers that waited for it, then handle the element that waited for
     * them all, if any.
     */
    Behavior<Command> onBatchDone(BatchDone msg, int agency, Outlet to, Function<Inbound, Behavior<Command>> handle,
                                          Supplier<Behavior<Command>> carryOn) {
        ReplyOrder.Answered<Consumer<Outlet>> answered = replies.batchAnswered(msg.reply());
        int declared = answered.batch().declared();
        if (msg.reply() instanceof BetStore.Stored stored) {
            if (stored.count() != declared) {
                throw new IllegalStateException("store reply " + stored + " does not match the oldest owed batch of " + declared);
            }
            answers.batchStored(to, stored);
        } else {
            BetStore.Refused refused = (BetStore.Refused) msg.reply();
            answers.batchRejected(to, agency, refused.code(), declared, refused.reason());
        }
        answered.nowDue().forEach(answer -> answer.accept(to));
        if (replies.isEmpty() && intake.hasDeferred()) {
            return handle.apply(intake.takeDeferred()); // its ack is still held
        }
        return carryOn.get();
    }

    /** A refused Hello or claim: logged, then the connection closes. */
    Behavior<Command> refuseAndClose(int id, HelloCheck.Refusal refusal, int agency) {
        if (refusal.agencyKnown()) {
            answers.agencyRefused(id, refusal.code(), refusal.text());
        } else {
            answers.connectionRefused(refusal.code(), refusal.text());
        }
        return closeWith(refusal.code(), refusal.text(), agency);
    }

    /** Send the error, then close the connection once it is written; ignore what follows. */
    Behavior<Command> closeWith(ErrorCode code, String text, int agency) {
        live.send(new Message.Error(code, text));
        out.tell(Outbound.Close.INSTANCE);
        return enterClosing(agency);
    }

    void release(int agency) {
        links.registry().tell(new SessionRegistry.Release(agency, ctx.getSelf()));
    }

    Behavior<Command> closeNow(int agency) {
        log.debug(LogLine.success("conexion_cerrada", "ip", peer, "agencia", agency));
        out.tell(Outbound.Close.INSTANCE);
        return Behaviors.stopped();
    }
}
