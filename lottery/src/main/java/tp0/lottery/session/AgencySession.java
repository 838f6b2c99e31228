package tp0.lottery.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import tp0.logline.LogLine;
import tp0.lottery.config.AgencySecrets;
import tp0.lottery.session.Answers.Outlet;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.store.BetStore;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.MessageType;
import tp0.protocol.Protocol;

/**
 * One agency connection, as states: {@link #identifying} (until a Hello passes its checks) →
 * {@link #claiming} (the registry grants the agency id) → {@link #welcoming} (the store counts what
 * the agency stored) → {@link #ingesting} batches ⇄ {@link #finishing} (the coordinator makes "all
 * bets sent" durable) → {@link #finished}; any of them → {@link #closing} on a refusal that ends
 * the connection, a take-over or a timeout. A parked winners query is part of the identified
 * states' data.
 *
 * <p>Receives decoded frames one at a time ({@link Intake}). Pipelining: a batch is passed to the
 * store and the next frame read at once, up to {@code sessionPipeline} replies owed; replies go
 * out strictly in the order the frames came ({@link ReplyOrder}). Any other message (Hello,
 * AllBetsSent, WinnersQuery, ...) waits until everything before it is answered — so an
 * AllBetsSent is only acted on, and its mark written, once all its batches are stored. A Ping is
 * answered at once, out of turn, whenever the session is reading.
 *
 * <p>Bad input gets an explicit refusal and a {@code fail} log line; the connection goes on unless
 * the byte stream itself is broken or the Hello was refused. When the peer stops sending, the
 * session still answers what it owes (a batch being stored, a parked winners query) and then
 * closes. A peer that starts with text instead of a frame is the echo health check: its line is
 * echoed back and the connection closed.
 *
 * <p>A Hello is accepted only with the agency's secret (when secrets are configured), and over
 * mutual TLS only for the agency its client certificate names ({@link Inbound.Secured}); a live
 * session of the same agency is then taken over ({@link SessionRegistry}): it is closed with
 * TAKEN_OVER and stores nothing more, and the new one is welcomed with a count that includes
 * everything the old one stored.
 *
 * <p>Liveness ({@link SilenceTimer}): the timeouts run only while the session is reading. While it
 * holds its stream (the pipeline is full, the store, registry or coordinator is slow) the peer's
 * frames cannot reach it, so that wait is the server's, not the peer's (asks are bounded by
 * {@link #ASK_TIMEOUT}).
 */
public final class AgencySession {

    public interface Command {}

    /** Acknowledges one inbound element to the stream: "send me the next one". */
    public enum StreamAck {
        INSTANCE
    }

    public record StreamStarted(ActorRef<StreamAck> ackTo) implements Command {}

    public record Received(ActorRef<StreamAck> ackTo, Inbound element) implements Command {}

    public enum StreamCompleted implements Command {
        INSTANCE
    }

    public record StreamFailed(Throwable cause) implements Command {}

    /** From the registry: a newer Hello for this agency wants its session. */
    public record TakenOver(int agency) implements Command, tp0.lottery.cluster.CrossNode {}

    private record Claimed(int agency, SessionRegistry.ClaimReply reply) implements Command {}

    private record Welcomed(int agency, BetStore.StoredCount count) implements Command {}

    private record BatchDone(BetStore.StoreReply reply) implements Command {}

    /** {@code failure} is null when the mark is durable. */
    private record FinishRecorded(Throwable failure) implements Command {}

    private record WinnersReady(DrawCoordinator.WinnersAnswer answer) implements Command {}

    /** The silence timer fired; also the timer's key. */
    private enum FrameTimedOut implements Command {
        INSTANCE
    }

    /** Looks whether the oldest batch has waited longer than {@code Deps.writerTimeout}; also the timer's key. */
    private enum WriterCheck implements Command {
        INSTANCE
    }

    /**
     * Everything a session needs from the rest of the server.
     *
     * @param sessionPipeline replies a session may owe before it stops reading (1: stop-and-wait)
     * @param metrics         told of connections opened, refused and closed
     * @param writerTimeout   null: the store always answers (it is on this node); else the longest a
     *                        batch may wait for its answer before the session gives up and closes with
     *                        STORAGE_FAILURE, so its agency reconnects and resumes (a cluster: the
     *                        agency's writer may have died with its node, taking the batch along)
     */
    public record Deps(int numAgencies, ActorRef<BetStore.Command> store, ActorRef<DrawCoordinator.Command> coordinator,
                       ActorRef<SessionRegistry.Command> registry, AgencySecrets secrets, Duration frameTimeout,
                       int sessionPipeline, Duration heartbeatTimeout, LotteryMetrics metrics, Duration writerTimeout) {

        /** A single node's (the store never loses a batch). */
        public Deps(int numAgencies, ActorRef<BetStore.Command> store, ActorRef<DrawCoordinator.Command> coordinator,
                    ActorRef<SessionRegistry.Command> registry, AgencySecrets secrets, Duration frameTimeout,
                    int sessionPipeline, Duration heartbeatTimeout, LotteryMetrics metrics) {
            this(numAgencies, store, coordinator, registry, secrets, frameTimeout, sessionPipeline, heartbeatTimeout,
                    metrics, null);
        }

        /** Observed by no metrics. */
        public Deps(int numAgencies, ActorRef<BetStore.Command> store, ActorRef<DrawCoordinator.Command> coordinator,
                    ActorRef<SessionRegistry.Command> registry, AgencySecrets secrets, Duration frameTimeout,
                    int sessionPipeline, Duration heartbeatTimeout) {
            this(numAgencies, store, coordinator, registry, secrets, frameTimeout, sessionPipeline, heartbeatTimeout,
                    LotteryMetrics.NONE);
        }
    }

    /** How long the store, coordinator or registry may take to answer before the session gives up. */
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    public static Behavior<Command> create(Deps deps, ActorRef<Outbound> out, String peer) {
        return create(deps, out, peer, System::nanoTime);
    }

    /** @param nanoClock what the silence and writer timeouts are measured by, as {@link System#nanoTime()} */
    static Behavior<Command> create(Deps deps, ActorRef<Outbound> out, String peer, LongSupplier nanoClock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new AgencySession(ctx, timers, deps, out, peer, nanoClock).start()));
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final Deps deps;
    private final ActorRef<Outbound> out;
    private final String peer;
    private final Logger log;
    private final LongSupplier nanoClock;
    private final ActorRef<BetStore.StoreReply> storeReplies;
    private final ActorRef<DrawCoordinator.WinnersAnswer> winnersReplies;
    private final Intake intake = new Intake();
    private final ReplyOrder<Consumer<Outlet>> replies = new ReplyOrder<>();
    private final SilenceTimer silence;
    private final Answers answers;
    /** Where replies go while the connection is open; a closing session's go nowhere ({@link Answers#Answers.SILENT}). */
    private final Outlet live;

    private AgencySession(ActorContext<Command> ctx, TimerScheduler<Command> timers, Deps deps,
                          ActorRef<Outbound> out, String peer, LongSupplier nanoClock) {
        this.ctx = ctx;
        this.timers = timers;
        this.deps = deps;
        this.out = out;
        this.peer = peer;
        this.log = ctx.getLog();
        this.nanoClock = nanoClock;
        this.storeReplies = ctx.messageAdapter(BetStore.StoreReply.class, BatchDone::new);
        this.winnersReplies = ctx.messageAdapter(DrawCoordinator.WinnersAnswer.class, WinnersReady::new);
        this.silence = new SilenceTimer(nanoClock, delay -> timers.startSingleTimer(FrameTimedOut.INSTANCE, delay));
        this.answers = new Answers(log, peer, deps.metrics());
        this.live = message -> out.tell(new Outbound.Send(message));
    }

    private Behavior<Command> start() {
        log.debug(LogLine.success("conexion", "ip", peer));
        if (deps.writerTimeout() != null) {
            timers.startTimerWithFixedDelay(WriterCheck.INSTANCE, deps.writerTimeout().dividedBy(4));
        }
        return carryOnIdentifying(() -> identifying(null)); // a peer that never sends a byte is timed out too
    }

    // ------------------------------------------------------------------ identifying

    /** No Hello accepted yet. {@code secured}: how the connection is secured (null: plaintext). */
    private Behavior<Command> identifying(Inbound.Secured secured) {
        return withCommon(Behaviors.receive(Command.class)
                .onMessage(Received.class, msg -> received(msg, element -> identifyingElement(secured, element)))
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    intake.end();
                    return carryOnIdentifying(Behaviors::same);
                })
                .onMessageEquals(FrameTimedOut.INSTANCE, () -> onSilence(identifyingLimit(), 0))
                .onMessage(TakenOver.class, msg -> takenOver(msg, 0)), 0);
    }

    private Behavior<Command> identifyingElement(Inbound.Secured secured, Inbound element) {
        if (element instanceof Inbound.Secured tls) {
            return carryOnIdentifying(() -> identifying(tls));
        }
        Message message = element instanceof Inbound.Decoded decoded ? decoded.message() : null;
        if (message instanceof Message.Hello hello) {
            return onHello(secured, hello);
        }
        if (message instanceof Message.BetBatch batch) {
            answers.batchRejected(live, 0, ErrorCode.NOT_IDENTIFIED, batch.count(), ErrorCode.NOT_IDENTIFIED.description);
            return carryOnIdentifying(Behaviors::same);
        }
        if (message == Message.AllBetsSent.INSTANCE || message == Message.WinnersQuery.INSTANCE) {
            answers.refuse(live, ErrorCode.NOT_IDENTIFIED, "Hello must come first");
            return carryOnIdentifying(Behaviors::same);
        }
        return inAnyState(element, 0, () -> carryOnIdentifying(Behaviors::same));
    }

    /** Lets the stream go on; then stops if the peer is done, or goes on in {@code next}. */
    private Behavior<Command> carryOnIdentifying(Supplier<Behavior<Command>> next) {
        intake.ackIf(true); // nothing is owed before identification
        if (intake.hasEnded() && !intake.isHolding()) {
            return closeNow(0);
        }
        silence.update(identifyingLimit());
        return next.get();
    }

    private Duration identifyingLimit() {
        return SilenceTimer.limit(!intake.isHolding() && !intake.hasEnded(), false, false,
                deps.frameTimeout(), deps.heartbeatTimeout());
    }

    private Behavior<Command> onHello(Inbound.Secured secured, Message.Hello hello) {
        HelloCheck.Refusal refusal = HelloCheck.refusal(hello, deps.numAgencies(), secured, deps.secrets());
        if (refusal != null) {
            return refuseAndClose(hello.agencyId(), refusal, 0);
        }
        int id = hello.agencyId();
        ActorRef<Command> self = ctx.getSelf();
        ctx.ask(SessionRegistry.ClaimReply.class, deps.registry(), ASK_TIMEOUT,
                replyTo -> new SessionRegistry.Claim(id, self, replyTo),
                (reply, failure) -> new Claimed(id, reply));
        return claiming(hello.version()); // the stream waits for the claim
    }

    // ------------------------------------------------------------------ claiming, welcoming

    /** The Hello passed; the registry has not granted the agency id yet. The stream waits. */
    private Behavior<Command> claiming(int version) {
        return withCommon(Behaviors.receive(Command.class)
                .onMessage(Claimed.class, msg -> onClaimed(msg, version))
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    intake.end();
                    return Behaviors.same(); // the Hello is still being handled
                })
                .onMessage(TakenOver.class, msg -> takenOver(msg, 0)), 0);
    }

    private Behavior<Command> onClaimed(Claimed msg, int version) {
        int id = msg.agency();
        if (!(msg.reply() instanceof SessionRegistry.Granted)) { // superseded, or no answer: retry later
            return refuseAndClose(id, HelloCheck.notGranted(id, msg.reply() instanceof SessionRegistry.Superseded), 0);
        }
        // Asked only now that no other session of this agency can send batches: the count
        // includes every batch that reached the store before, and no later one can sneak in.
        ctx.ask(BetStore.StoredCount.class, deps.store(), ASK_TIMEOUT,
                replyTo -> new BetStore.GetStoredCount(id, replyTo),
                (count, failure) -> new Welcomed(id, count != null ? count : new BetStore.StoredCount(id, -1)));
        return welcoming(new Identified(id, version, false));
    }

    /** The agency id is this session's (released when it closes, or taken over); the store is counting. */
    private Behavior<Command> welcoming(Identified who) {
        return withCommon(Behaviors.receive(Command.class)
                .onMessage(Welcomed.class, msg -> onWelcomed(msg, who))
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    intake.end();
                    return Behaviors.same();
                })
                .onMessage(TakenOver.class, msg -> takenOver(msg, who.agency())), who.agency());
    }

    private Behavior<Command> onWelcomed(Welcomed msg, Identified who) {
        long count = msg.count().count();
        if (count < 0) {
            return refuseAndClose(who.agency(), new HelloCheck.Refusal(ErrorCode.STORAGE_FAILURE, "store did not answer", false),
                    who.agency());
        }
        log.info(LogLine.success("agencia_conectada", "agencia", who.agency(), "ip", peer,
                "apuestas_guardadas", count, "version", who.version()));
        live.send(new Message.Welcome(who.version(), count));
        return carryOn(who, () -> ingesting(who));
    }

    // ------------------------------------------------------------------ identified

    /** What an identified session knows: its agency, the version its Hello named, whether a winners query is parked. */
    private record Identified(int agency, int version, boolean winnersParked) {
        Identified parked(boolean parked) {
            return new Identified(agency, version, parked);
        }
    }

    /** Welcomed: batches go to the store. */
    private Behavior<Command> ingesting(Identified who) {
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

    /** @param state the state this is, to go on in with new data */
    private Behavior<Command> identified(Identified who, Function<Identified, Behavior<Command>> state, boolean allSent) {
        Function<Inbound, Behavior<Command>> onElement = element -> identifiedElement(who, state, element, allSent);
        return withCommon(Behaviors.receive(Command.class)
                .onMessage(Received.class, msg -> received(msg, onElement))
                .onMessage(BatchDone.class, msg -> onBatchDone(msg, who.agency(), live, onElement,
                        () -> carryOn(who, Behaviors::same)))
                .onMessage(FinishRecorded.class, msg -> answers.allBetsSentRecorded(live, who.agency(), msg.failure())
                        ? carryOn(who, () -> finished(who))
                        : closeWith(ErrorCode.STORAGE_FAILURE, "all bets sent could not be recorded: "
                                + msg.failure().getMessage(), who.agency()))
                .onMessage(WinnersReady.class, msg -> {
                    answers.winners(live, who.agency(), msg.answer());
                    return settle(who.parked(false), () -> state.apply(who.parked(false)));
                })
                .onMessage(TakenOver.class, msg -> takenOver(msg, who.agency()))
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    intake.end();
                    if (!canStop(who)) {
                        release(who.agency()); // it will store nothing more; its parked query may wait for hours
                    }
                    return settle(who, Behaviors::same);
                })
                .onMessageEquals(FrameTimedOut.INSTANCE, () -> onSilence(identifiedLimit(who), who.agency()))
                .onMessageEquals(WriterCheck.INSTANCE, () -> onWriterCheck(who.agency())), who.agency());
    }

    private Behavior<Command> identifiedElement(Identified who, Function<Identified, Behavior<Command>> state,
                                                Inbound element, boolean allSent) {
        Message message = element instanceof Inbound.Decoded decoded ? decoded.message() : null;
        if (message instanceof Message.Hello) {
            answers.refuse(live, ErrorCode.ALREADY_IDENTIFIED, "already identified as agency " + who.agency());
            return carryOn(who, Behaviors::same);
        }
        if (message instanceof Message.BetBatch batch) {
            if (allSent) {
                int count = batch.count();
                ErrorCode code = ErrorCode.AGENCY_FINISHED;
                inTurn(to -> answers.batchRejected(to, who.agency(), code, count, code.description));
                return carryOn(who, Behaviors::same);
            }
            deps.store().tell(new BetStore.StoreBatch(who.agency(), batch, storeReplies, ctx.getSelf()));
            replies.batchSent(batch.count(), deps.writerTimeout() == null ? 0 : nanoClock.getAsLong());
            return carryOn(who, Behaviors::same); // reads on while the pipeline has room
        }
        if (message == Message.AllBetsSent.INSTANCE) {
            // Acknowledged only once the mark is durable, so a restarted server still counts it.
            ctx.askWithStatus(Done.class, deps.coordinator(), ASK_TIMEOUT,
                    replyTo -> new DrawCoordinator.AgencyFinished(who.agency(), replyTo),
                    (done, failure) -> new FinishRecorded(failure));
            return finishing(who);
        }
        if (message == Message.WinnersQuery.INSTANCE) {
            // Parked at the coordinator until the draw; reads on meanwhile.
            deps.coordinator().tell(new DrawCoordinator.QueryWinners(who.agency(), winnersReplies));
            return carryOn(who.parked(true), () -> state.apply(who.parked(true)));
        }
        return inAnyState(element, who.agency(), () -> carryOn(who, Behaviors::same));
    }

    /** Lets the stream go on if the pipeline has room; then {@link #settle}. */
    private Behavior<Command> carryOn(Identified who, Supplier<Behavior<Command>> next) {
        intake.ackIf(replies.size() < deps.sessionPipeline());
        return settle(who, next);
    }

    /** Stops once the peer has stopped sending and nothing is owed to it; else goes on in {@code next}. */
    private Behavior<Command> settle(Identified who, Supplier<Behavior<Command>> next) {
        if (canStop(who)) {
            return closeNow(who.agency());
        }
        silence.update(identifiedLimit(who));
        return next.get();
    }

    private boolean canStop(Identified who) {
        return intake.hasEnded() && !intake.isHolding() && replies.isEmpty() && !who.winnersParked();
    }

    private Duration identifiedLimit(Identified who) {
        return SilenceTimer.limit(!intake.isHolding() && !intake.hasEnded(), who.version() >= Protocol.HEARTBEAT_VERSION,
                !replies.isEmpty() || who.winnersParked(), deps.frameTimeout(), deps.heartbeatTimeout());
    }

    /**
     * The oldest batch got no answer within the writer timeout: its writer is gone (a node died
     * with it). Nothing more is sent; the agency reconnects and resumes from the stored count, and
     * any of these batches delivered late is refused there (not the agency's live session).
     */
    private Behavior<Command> onWriterCheck(int agency) {
        var oldest = replies.oldestBatch();
        if (oldest.isEmpty() || nanoClock.getAsLong() - oldest.get().sentNanos() < deps.writerTimeout().toNanos()) {
            return Behaviors.same();
        }
        log.warn(LogLine.fail("apuesta_recibida", "agencia", agency, "code", ErrorCode.STORAGE_FAILURE,
                "error", "no answer from the agency's writer in " + deps.writerTimeout().toSeconds() + " s",
                "batches_unanswered", replies.batchesOwed()));
        return closeWith(ErrorCode.STORAGE_FAILURE, "the agency's writer did not answer; reconnect to resume", agency);
    }

    // ------------------------------------------------------------------ closing

    /**
     * Refused, taken over or timed out: the connection closes once what was sent is written, and
     * nothing more is acted on or sent. Answers still arriving are logged as before; the session
     * stops once the peer has stopped sending.
     */
    private Behavior<Command> closing(int agency) {
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
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    intake.end();
                    return settleClosing(agency, Behaviors::same);
                }), agency);
    }

    /** Closes: acks what the stream holds, and gives the agency id back unless it stops at once. */
    private Behavior<Command> enterClosing(int agency) {
        intake.ackIf(true);
        if (agency != 0 && !intake.hasEnded()) {
            release(agency); // a peer that stopped sending gave it back then
        }
        return settleClosing(agency, () -> closing(agency));
    }

    private Behavior<Command> carryOnClosing(int agency, Supplier<Behavior<Command>> next) {
        intake.ackIf(true);
        return settleClosing(agency, next);
    }

    private Behavior<Command> settleClosing(int agency, Supplier<Behavior<Command>> next) {
        if (intake.hasEnded() && !intake.isHolding()) {
            return closeNow(agency);
        }
        silence.update(null);
        return next.get();
    }

    /** The registry answered a claim after the session was taken over; a granted id goes straight back. */
    private Behavior<Command> lateClaim(Claimed msg) {
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
    private Behavior<Command> withCommon(BehaviorBuilder<Command> state, int agency) {
        return state
                .onMessage(StreamStarted.class, msg -> {
                    msg.ackTo().tell(StreamAck.INSTANCE);
                    return Behaviors.same();
                })
                .onMessage(StreamFailed.class, msg -> closeNow(agency))
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
    private Behavior<Command> received(Received msg, Function<Inbound, Behavior<Command>> handle) {
        silence.frameArrived();
        intake.hold(msg.ackTo());
        Inbound element = msg.element();
        boolean pipelined = element instanceof Inbound.Malformed || element instanceof Inbound.Decoded decoded
                && (decoded.message() instanceof Message.BetBatch || decoded.message() == Message.Ping.INSTANCE);
        if (!replies.isEmpty() && !pipelined) {
            intake.defer(element);
            return Behaviors.same();
        }
        return handle.apply(element);
    }

    /** What means the same in every state that reads: Pings, server-only messages, malformed frames, text, a broken stream. */
    private Behavior<Command> inAnyState(Inbound element, int agency, Supplier<Behavior<Command>> carryOn) {
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

    private Behavior<Command> onSilence(Duration limit, int agency) {
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
    private Behavior<Command> takenOver(TakenOver msg, int agency) {
        log.warn(LogLine.fail("conexion_cerrada", "ip", peer, "code", ErrorCode.TAKEN_OVER, "agencia", msg.agency()));
        return closeWith(ErrorCode.TAKEN_OVER, "a newer connection said Hello for agency " + msg.agency(), agency);
    }

    /** Gives {@code answer} once every reply owed before it has gone out. */
    private void inTurn(Consumer<Outlet> answer) {
        replies.inTurn(answer, give -> give.accept(live));
    }

    /**
     * The store answered the oldest batch (it answers one session's batches in order): ack or
     * reject it, give the answers that waited for it, then handle the element that waited for
     * them all, if any.
     */
    private Behavior<Command> onBatchDone(BatchDone msg, int agency, Outlet to, Function<Inbound, Behavior<Command>> handle,
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
    private Behavior<Command> refuseAndClose(int id, HelloCheck.Refusal refusal, int agency) {
        if (refusal.agencyKnown()) {
            answers.agencyRefused(id, refusal.code(), refusal.text());
        } else {
            answers.connectionRefused(refusal.code(), refusal.text());
        }
        return closeWith(refusal.code(), refusal.text(), agency);
    }

    /** Send the error, then close the connection once it is written; ignore what follows. */
    private Behavior<Command> closeWith(ErrorCode code, String text, int agency) {
        live.send(new Message.Error(code, text));
        out.tell(Outbound.Close.INSTANCE);
        return enterClosing(agency);
    }

    private void release(int agency) {
        deps.registry().tell(new SessionRegistry.Release(agency, ctx.getSelf()));
    }

    private Behavior<Command> closeNow(int agency) {
        log.debug(LogLine.success("conexion_cerrada", "ip", peer, "agencia", agency));
        out.tell(Outbound.Close.INSTANCE);
        return Behaviors.stopped();
    }
}
