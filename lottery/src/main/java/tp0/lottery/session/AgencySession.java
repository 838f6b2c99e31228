package tp0.lottery.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import tp0.logline.LogLine;
import tp0.lottery.config.AgencySecrets;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.net.Inbound;
import tp0.lottery.net.Outbound;
import tp0.lottery.net.PeerCertificate;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.store.BetStore;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.MessageType;
import tp0.protocol.Protocol;

/**
 * One agency connection. Receives decoded frames one at a time (the stream waits for
 * {@link StreamAck} before delivering the next, so a slow store slows only this connection's
 * reads), talks to the store and the draw coordinator, and answers through {@link Outbound}.
 *
 * Pipelining: a batch is passed to the store and the next frame read at once, up to
 * {@code sessionPipeline} replies owed; then reading waits for the store. Replies go out
 * strictly in the order the frames came: every reply owed while a batch is at the store queues
 * behind it ({@link Owed}). Any other message (Hello, AllBetsSent, WinnersQuery, ...) waits
 * until everything before it is answered — so an AllBetsSent is only acted on, and its mark
 * written, once all its batches are stored.
 *
 * Bad input gets an explicit refusal and a {@code fail} log line; the connection goes on
 * unless the byte stream itself is broken or the Hello was refused.
 *
 * When the peer stops sending, the session still answers what it owes (a batch being stored,
 * a parked winners query) and then closes. A peer that starts with text instead of a frame is
 * the echo health check: its line is echoed back and the connection closed.
 *
 * A Hello is accepted only with the agency's secret (when secrets are configured), and over
 * mutual TLS only for the agency its client certificate names ({@link PeerCertificate}); a live
 * session of the same agency is then taken over ({@link SessionRegistry}): it is closed with
 * TAKEN_OVER and stores nothing more, and the new one is welcomed with a count that includes
 * everything the old one stored.
 *
 * Liveness. A peer that sends no complete frame for {@code frameTimeout} while the session owes
 * it nothing is closed with FRAME_TIMEOUT. A version-2 peer pings whenever it waits, so its
 * session also times out, after {@code heartbeatTimeout}, while it waits for acks or the draw;
 * every Ping is answered with a Pong at once, out of turn. The timeouts run only while the
 * session is reading: while it holds its stream (the pipeline is full, the store or the
 * registry is slow) the peer's frames cannot reach it, so that wait is the server's, not the
 * peer's (the store's asks are bounded by {@link #ASK_TIMEOUT}).
 */
public final class AgencySession extends AbstractBehavior<AgencySession.Command> {

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

    private record Claimed(int agency, SessionRegistry.ClaimReply reply) implements Command {}

    private record Welcomed(int agency, BetStore.StoredCount count) implements Command {}

    private record BatchDone(BetStore.StoreReply reply) implements Command {}

    /** {@code failure} is null when the mark is durable. */
    private record FinishRecorded(Throwable failure) implements Command {}

    private record WinnersReady(DrawCoordinator.WinnersAnswer answer) implements Command {}

    /** The peer was silent for the frame timeout; also the timer's key. */
    private enum FrameTimedOut implements Command {
        INSTANCE
    }

    /** From the registry: a newer Hello for this agency wants its session. */
    public record TakenOver(int agency) implements Command {}

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

    /** A reply owed to the peer, queued in the order its frame came. */
    private sealed interface Owed {}

    /** A batch at the store; the store answers one sender's batches in order. */
    private record AtStore(int declared, long sentNanos) implements Owed {}

    /** An answer that must wait for the batches ahead of it. */
    private record Ready(Runnable answer) implements Owed {}

    /** How long the store, coordinator or registry may take to answer before the session gives up. */
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    public static Behavior<Command> create(Deps deps, ActorRef<Outbound> out, String peer) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new AgencySession(ctx, timers, deps, out, peer)));
    }

    private final TimerScheduler<Command> timers;
    private final Deps deps;
    private final ActorRef<Outbound> out;
    private final String peer;
    private final Logger log;
    private final ActorRef<BetStore.StoreReply> storeReplies;
    private final ActorRef<DrawCoordinator.WinnersAnswer> winnersReplies;
    /**
     * The ack owed to the stream for the last element, or null: held while that element is
     * handled, while it waits in {@link #deferred}, or while the pipeline is full.
     */
    private ActorRef<StreamAck> pendingAck;
    /** Replies owed, oldest first; the head is always a batch at the store. */
    private final Deque<Owed> owed = new ArrayDeque<>();
    /** An element that is not a batch, received while replies were owed: handled once they are sent. */
    private Inbound deferred;
    /** 0 until the registry grants this session its agency id. */
    private int agency;
    /** How the connection is secured: null for plaintext; with mutual TLS, whom the certificate names. */
    private Inbound.Secured secured;
    /** The protocol version the peer's accepted Hello named; 0 before. */
    private int version;
    /** This session gave its agency id back to the registry. */
    private boolean released;
    private boolean allBetsSent;
    /** A winners query is parked at the coordinator. */
    private boolean awaitingWinners;
    /** The peer sent all it will send. */
    private boolean inputDone;
    private boolean closing;
    /**
     * {@code System.nanoTime()} when the session last began {@link #waitingOnPeerOnly}, or -1
     * while it is not waiting. The frame timer is measured from here.
     */
    private long idleSince = -1;
    /**
     * A {@link FrameTimedOut} is scheduled. It is not cancelled when a frame arrives (that would
     * cost a cancel and a new timer per frame): when it fires it checks how long the session has
     * really been idle, and schedules itself again for the rest.
     */
    private boolean frameTimerArmed;
    /** {@code System.nanoTime()} at which the armed timer fires. */
    private long frameTimerDue;

    private AgencySession(ActorContext<Command> context, TimerScheduler<Command> timers, Deps deps,
                          ActorRef<Outbound> out, String peer) {
        super(context);
        this.timers = timers;
        this.deps = deps;
        this.out = out;
        this.peer = peer;
        this.log = context.getLog();
        this.storeReplies = context.messageAdapter(BetStore.StoreReply.class, BatchDone::new);
        this.winnersReplies = context.messageAdapter(DrawCoordinator.WinnersAnswer.class, WinnersReady::new);
        log.debug(LogLine.success("conexion", "ip", peer));
        updateFrameTimer(); // a peer that never sends a byte is timed out too
        if (deps.writerTimeout() != null) {
            Duration every = deps.writerTimeout().dividedBy(4);
            timers.startTimerWithFixedDelay(WriterCheck.INSTANCE, WriterCheck.INSTANCE, every);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StreamStarted.class, msg -> ack(msg.ackTo()))
                .onMessage(Received.class, this::onReceived)
                .onMessage(Claimed.class, this::onClaimed)
                .onMessage(Welcomed.class, this::onWelcomed)
                .onMessage(BatchDone.class, this::onBatchDone)
                .onMessage(FinishRecorded.class, this::onFinishRecorded)
                .onMessage(WinnersReady.class, this::onWinnersReady)
                .onMessageEquals(FrameTimedOut.INSTANCE, this::onFrameTimedOut)
                .onMessageEquals(WriterCheck.INSTANCE, this::onWriterCheck)
                .onMessage(TakenOver.class, this::onTakenOver)
                .onMessageEquals(StreamCompleted.INSTANCE, this::onInputDone)
                .onMessage(StreamFailed.class, msg -> closeNow())
                // However the session ends (even by a failure), its connection must not outlive it.
                .onSignal(PostStop.class, signal -> {
                    out.tell(Outbound.Close.INSTANCE);
                    return this;
                })
                .build();
    }

    // ----------------------------------------------------------------- inbound

    private Behavior<Command> onReceived(Received msg) {
        idleSince = -1; // a complete frame arrived; the wait starts again once it is handled
        pendingAck = msg.ackTo();
        Inbound element = msg.element();
        if (closing) {
            return ackPending();
        }
        if (!owed.isEmpty() && !pipelined(element)) {
            deferred = element; // not acked: the stream waits with it
            return this;
        }
        return handle(element);
    }

    /**
     * Batches, and malformed frames (answered in their turn), are handled while batches are at
     * the store; so is a Ping, answered out of turn.
     */
    private static boolean pipelined(Inbound element) {
        return element instanceof Inbound.Malformed
                || element instanceof Inbound.Decoded decoded
                && (decoded.message() instanceof Message.BetBatch || decoded.message() == Message.Ping.INSTANCE);
    }

    private Behavior<Command> handle(Inbound element) {
        if (closing) {
            return ackPending(); // taken over or refused meanwhile: nothing more is acted on
        }
        if (element instanceof Inbound.Decoded decoded) {
            return onMessage(decoded.message());
        }
        if (element instanceof Inbound.Malformed malformed) {
            return onMalformed(malformed.error());
        }
        if (element instanceof Inbound.TextLine text) {
            return onEcho(text);
        }
        if (element instanceof Inbound.Secured secured) {
            this.secured = secured;
            return ackPending();
        }
        Inbound.Broken broken = (Inbound.Broken) element;
        log.warn(LogLine.fail("mensaje_invalido", "ip", peer, "code", broken.code(), "error", broken.detail()));
        return closeWith(broken.code(), broken.detail());
    }

    private Behavior<Command> onMessage(Message message) {
        switch (message.type()) {
            case HELLO:
                return onHello((Message.Hello) message);
            case BET_BATCH:
                return onBetBatch((Message.BetBatch) message);
            case ALL_BETS_SENT:
                return onAllBetsSent();
            case WINNERS_QUERY:
                return onWinnersQuery();
            case PING:
                send(Message.Pong.INSTANCE); // out of turn: it answers no batch, so it waits for none
                return ackPending();
            default:
                return refuse(ErrorCode.UNEXPECTED_MESSAGE, message.type() + " is sent by servers, not agencies");
        }
    }

    private Behavior<Command> onMalformed(DecodeException error) {
        if (error.type() == MessageType.BET_BATCH) {
            int count = Math.max(0, error.declaredCount());
            answerInOrder(() -> {
                log.warn(LogLine.fail("apuesta_recibida", "cantidad", count, "code", error.code(),
                        "ip", peer, "error", error.getMessage()));
                send(new Message.BatchRejected(error.code(), count));
            });
            return ackPending();
        }
        answerInOrder(() -> {
            log.warn(LogLine.fail("mensaje_invalido", "ip", peer, "code", error.code(), "error", error.getMessage()));
            send(new Message.Error(error.code(), error.getMessage()));
        });
        return ackPending();
    }

    /** The health check: answer with the same line, then close (one message per connection). */
    private Behavior<Command> onEcho(Inbound.TextLine text) {
        log.info(LogLine.success("receive_message", "ip", peer, "msg", text.line().decodeString(StandardCharsets.UTF_8)));
        out.tell(new Outbound.Echo(text.line()));
        out.tell(Outbound.Close.INSTANCE);
        closing = true;
        return ackPending();
    }

    private Behavior<Command> onHello(Message.Hello hello) {
        if (agency != 0) {
            return refuse(ErrorCode.ALREADY_IDENTIFIED, "already identified as agency " + agency);
        }
        if (hello.version() < Protocol.MIN_VERSION || hello.version() > Protocol.VERSION) {
            return refuseAndClose(ErrorCode.UNSUPPORTED_VERSION, "version " + hello.version()
                    + " not supported; this server speaks " + Protocol.MIN_VERSION + ".." + Protocol.VERSION);
        }
        if (hello.agencyId() < 1 || hello.agencyId() > deps.numAgencies()) {
            return refuseAndClose(ErrorCode.UNKNOWN_AGENCY,
                    "agency " + hello.agencyId() + " is outside 1.." + deps.numAgencies());
        }
        int id = hello.agencyId();
        if (secured != null && secured.clientCertificate()
                && !secured.certificateNames().contains(PeerCertificate.nameOf(id))) {
            return refuseAgency(id, ErrorCode.AUTH_FAILED, "the client certificate names "
                    + String.join(" ", secured.certificateNames()) + ", not " + PeerCertificate.nameOf(id));
        }
        if (!deps.secrets().accepts(id, hello.secret())) {
            return refuseAgency(id, ErrorCode.AUTH_FAILED, "wrong or missing secret for agency " + id);
        }
        version = hello.version();
        ActorRef<Command> self = getContext().getSelf();
        getContext().ask(SessionRegistry.ClaimReply.class, deps.registry(), ASK_TIMEOUT,
                replyTo -> new SessionRegistry.Claim(id, self, replyTo),
                (reply, failure) -> new Claimed(id, reply));
        return this;
    }

    private Behavior<Command> onClaimed(Claimed msg) {
        int id = msg.agency();
        if (msg.reply() instanceof SessionRegistry.Superseded) {
            return refuseAgency(id, ErrorCode.TAKEN_OVER, "a newer connection said Hello for agency " + id);
        }
        if (!(msg.reply() instanceof SessionRegistry.Granted)) { // no answer: retry later
            return refuseAgency(id, ErrorCode.SESSION_ACTIVE,
                    "agency " + id + " could not be claimed in time; retry later");
        }
        agency = id; // ours now: released when this session closes, or taken over
        if (closing) {
            return ackPending(); // closed while it waited: gives the id straight back
        }
        // Asked only now that no other session of this agency can send batches: the count
        // includes every batch that reached the store before, and no later one can sneak in.
        getContext().ask(BetStore.StoredCount.class, deps.store(), ASK_TIMEOUT,
                replyTo -> new BetStore.GetStoredCount(id, replyTo),
                (count, failure) -> new Welcomed(id, count != null ? count : new BetStore.StoredCount(id, -1)));
        return this;
    }

    private Behavior<Command> onWelcomed(Welcomed msg) {
        if (closing) {
            return ackPending(); // taken over before it was welcomed
        }
        if (msg.count().count() < 0) {
            return refuseAndClose(ErrorCode.STORAGE_FAILURE, "store did not answer");
        }
        log.info(LogLine.success("agencia_conectada", "agencia", agency, "ip", peer,
                "apuestas_guardadas", msg.count().count(), "version", version));
        send(new Message.Welcome(version, msg.count().count()));
        return ackPending();
    }

    private Behavior<Command> onBetBatch(Message.BetBatch batch) {
        int count = batch.count();
        ErrorCode refusal = agency == 0 ? ErrorCode.NOT_IDENTIFIED
                : allBetsSent ? ErrorCode.AGENCY_FINISHED
                : null;
        if (refusal != null) {
            answerInOrder(() -> rejectBatch(refusal, count, refusal.description));
            return ackPending();
        }
        deps.store().tell(new BetStore.StoreBatch(agency, batch, storeReplies, getContext().getSelf()));
        owed.add(new AtStore(count, deps.writerTimeout() == null ? 0 : System.nanoTime()));
        return ackPending(); // read on while the pipeline has room
    }

    private Behavior<Command> onBatchDone(BatchDone msg) {
        // The store answers this session's batches in the order they were sent, so a reply is
        // always the oldest batch's; anything else would pair an ack with the wrong batch.
        Owed head = owed.poll();
        if (!(head instanceof AtStore batch)
                || msg.reply() instanceof BetStore.Stored s && s.count() != batch.declared()) {
            throw new IllegalStateException("store reply " + msg.reply() + " does not match the oldest owed reply " + head);
        }
        if (msg.reply() instanceof BetStore.Stored stored) {
            log.info(LogLine.success("apuesta_recibida", "cantidad", stored.count()));
            send(new Message.BatchAck(stored.count(), stored.agencyTotal()));
        } else {
            BetStore.Refused refused = (BetStore.Refused) msg.reply();
            rejectBatch(refused.code(), batch.declared(), refused.reason());
        }
        while (owed.peek() instanceof Ready ready) {
            owed.poll();
            ready.answer().run();
        }
        if (owed.isEmpty() && deferred != null) {
            Inbound next = deferred; // everything before it is answered; pendingAck is its ack
            deferred = null;
            return handle(next);
        }
        return ackPending();
    }

    private void rejectBatch(ErrorCode code, int count, String reason) {
        log.warn(LogLine.fail("apuesta_recibida", "cantidad", count, "code", code, "agencia", agency, "error", reason));
        send(new Message.BatchRejected(code, count));
    }

    private Behavior<Command> onAllBetsSent() {
        if (agency == 0) {
            return refuse(ErrorCode.NOT_IDENTIFIED, "Hello must come first");
        }
        allBetsSent = true;
        // Acknowledged only once the mark is durable, so a restarted server still counts it.
        getContext().askWithStatus(Done.class, deps.coordinator(), ASK_TIMEOUT,
                replyTo -> new DrawCoordinator.AgencyFinished(agency, replyTo),
                (done, failure) -> new FinishRecorded(failure));
        return this;
    }

    private Behavior<Command> onFinishRecorded(FinishRecorded msg) {
        if (msg.failure() != null) {
            String reason = String.valueOf(msg.failure().getMessage());
            log.error(LogLine.fail("agencia_finalizada", "agencia", agency, "error", reason));
            return closeWith(ErrorCode.STORAGE_FAILURE, "all bets sent could not be recorded: " + reason);
        }
        log.info(LogLine.success("agencia_finalizada", "agencia", agency));
        send(Message.AllBetsSentAck.INSTANCE);
        return ackPending();
    }

    private Behavior<Command> onWinnersQuery() {
        if (agency == 0) {
            return refuse(ErrorCode.NOT_IDENTIFIED, "Hello must come first");
        }
        // Parked at the coordinator until the draw; keep reading meanwhile.
        awaitingWinners = true;
        deps.coordinator().tell(new DrawCoordinator.QueryWinners(agency, winnersReplies));
        return ackPending();
    }

    private Behavior<Command> onWinnersReady(WinnersReady msg) {
        awaitingWinners = false;
        if (msg.answer() instanceof DrawCoordinator.AgencyWinners winners) {
            for (Message.Winners frame : Codec.winnersFrames(winners.documents())) {
                send(frame);
            }
            log.info(LogLine.success("ganadores_enviados", "agencia", agency, "cant_ganadores", winners.documents().size()));
        } else {
            DrawCoordinator.DrawUnavailable failed = (DrawCoordinator.DrawUnavailable) msg.answer();
            log.error(LogLine.fail("ganadores_enviados", "agencia", agency, "error", failed.reason()));
            send(new Message.Error(ErrorCode.STORAGE_FAILURE, "the draw failed: " + failed.reason()));
        }
        return finishIfDone();
    }

    // ----------------------------------------------------------------- replies

    /** Runs {@code answer} now, or once every reply owed before it has gone out. */
    private void answerInOrder(Runnable answer) {
        if (owed.isEmpty()) {
            answer.run();
        } else {
            owed.add(new Ready(answer));
        }
    }

    private Behavior<Command> refuse(ErrorCode code, String text) {
        log.warn(LogLine.fail("mensaje_invalido", "ip", peer, "code", code, "error", text));
        send(new Message.Error(code, text));
        return ackPending();
    }

    /** Refuse, then close the connection once the refusal is written; ignore what follows. */
    private Behavior<Command> refuseAndClose(ErrorCode code, String text) {
        log.warn(LogLine.fail("conexion_rechazada", "ip", peer, "code", code, "error", text));
        deps.metrics().connectionRefused(code);
        return closeWith(code, text);
    }

    /** A Hello for a valid agency id, refused (never logs the secret). */
    private Behavior<Command> refuseAgency(int id, ErrorCode code, String text) {
        log.warn(LogLine.fail("conexion_rechazada", "ip", peer, "agencia", id, "code", code, "error", text));
        deps.metrics().connectionRefused(code);
        return closeWith(code, text);
    }

    /** Send the error, then close the connection once it is written; ignore what follows. */
    private Behavior<Command> closeWith(ErrorCode code, String text) {
        send(new Message.Error(code, text));
        out.tell(Outbound.Close.INSTANCE);
        closing = true;
        return ackPending();
    }

    /**
     * The oldest batch got no answer within the writer timeout: its writer is gone (a node died
     * with it). Nothing more is sent; the agency reconnects and resumes from the stored count, and
     * any of these batches delivered late is refused there (not the agency's live session).
     */
    private Behavior<Command> onWriterCheck() {
        if (closing || !(owed.peek() instanceof AtStore oldest)
                || System.nanoTime() - oldest.sentNanos() < deps.writerTimeout().toNanos()) {
            return this;
        }
        log.warn(LogLine.fail("apuesta_recibida", "agencia", agency, "code", ErrorCode.STORAGE_FAILURE,
                "error", "no answer from the agency's writer in " + deps.writerTimeout().toSeconds() + " s",
                "batches_unanswered", owed.stream().filter(o -> o instanceof AtStore).count()));
        return closeWith(ErrorCode.STORAGE_FAILURE, "the agency's writer did not answer; reconnect to resume");
    }

    private Behavior<Command> onFrameTimedOut() {
        frameTimerArmed = false;
        Duration limit = silenceLimit();
        if (limit == null || idleSince < 0) {
            return this; // busy now: the timer is armed again once the session waits on the peer
        }
        long due = idleSince + limit.toNanos();
        if (due - System.nanoTime() > 0) {
            armFrameTimer(due); // it went idle again since it was armed
            return this;
        }
        String timeout = limit.toMillis() % 1000 == 0 ? String.valueOf(limit.toSeconds())
                : String.valueOf(limit.toMillis() / 1000.0);
        log.warn(LogLine.fail("conexion_cerrada", "ip", peer, "code", ErrorCode.FRAME_TIMEOUT, "agencia", agency,
                "timeout_s", timeout));
        return closeWith(ErrorCode.FRAME_TIMEOUT, "no complete frame in " + timeout + " s");
    }

    /**
     * How long the peer may stay silent now, or null while the session is not waiting on it:
     * while it holds its stream (handling a frame, the pipeline full, a frame deferred), or is
     * done. Owing nothing, any peer gets the frame timeout (a version-2 one at most its heartbeat
     * timeout); waiting for acks or the draw, a version-2 peer gets the heartbeat timeout (it
     * pings meanwhile) and a version-1 peer no limit (it never pings; TCP keepalive still
     * notices a vanished host).
     */
    private Duration silenceLimit() {
        if (pendingAck != null || deferred != null || inputDone || closing) {
            return null;
        }
        boolean heartbeat = version >= Protocol.HEARTBEAT_VERSION && agency != 0;
        if (owed.isEmpty() && !awaitingWinners) {
            return heartbeat && deps.heartbeatTimeout().compareTo(deps.frameTimeout()) < 0
                    ? deps.heartbeatTimeout() : deps.frameTimeout();
        }
        return heartbeat ? deps.heartbeatTimeout() : null;
    }

    /**
     * The timeout runs exactly while there is a {@link #silenceLimit}, measured from the last
     * element handled: this notes when that wait began and makes sure a timer will look then.
     */
    private void updateFrameTimer() {
        Duration limit = silenceLimit();
        if (limit == null) {
            idleSince = -1;
            return;
        }
        if (idleSince < 0) {
            idleSince = System.nanoTime();
        }
        long due = idleSince + limit.toNanos();
        if (!frameTimerArmed || due - frameTimerDue < 0) { // a shorter limit than the armed one: look sooner
            armFrameTimer(due);
        }
    }

    private void armFrameTimer(long dueNanos) {
        frameTimerArmed = true;
        frameTimerDue = dueNanos;
        timers.startSingleTimer(FrameTimedOut.INSTANCE, FrameTimedOut.INSTANCE,
                Duration.ofNanos(Math.max(0, dueNanos - System.nanoTime())));
    }

    /** A newer Hello for our agency: store nothing more, let the id go, close. */
    private Behavior<Command> onTakenOver(TakenOver msg) {
        if (closing) {
            return this; // already letting it go
        }
        // It may come before the registry's grant does (they travel separately); the grant then
        // finds the session closing and gives the id straight back.
        log.warn(LogLine.fail("conexion_cerrada", "ip", peer, "code", ErrorCode.TAKEN_OVER, "agencia", msg.agency()));
        return closeWith(ErrorCode.TAKEN_OVER, "a newer connection said Hello for agency " + msg.agency());
    }

    private void send(Message message) {
        if (!closing) {
            out.tell(new Outbound.Send(message));
        }
    }

    private Behavior<Command> ack(ActorRef<StreamAck> ackTo) {
        ackTo.tell(StreamAck.INSTANCE);
        return finishIfDone();
    }

    /** Lets the stream deliver the next element, unless the held one still waits or the pipeline is full. */
    private Behavior<Command> ackPending() {
        if (pendingAck != null && deferred == null && (closing || owed.size() < deps.sessionPipeline())) {
            pendingAck.tell(StreamAck.INSTANCE);
            pendingAck = null;
        }
        return finishIfDone();
    }

    private Behavior<Command> onInputDone() {
        inputDone = true;
        return finishIfDone();
    }

    /** Once the peer has stopped sending and nothing is owed to it, close and stop. */
    private Behavior<Command> finishIfDone() {
        if (inputDone && pendingAck == null && (closing || owed.isEmpty() && !awaitingWinners)) {
            return closeNow();
        }
        releaseAgencyIfDone();
        updateFrameTimer();
        return this;
    }

    /**
     * A session that will store nothing more — its peer stopped sending, or it is closing — but
     * still owes an answer (a parked winners query can wait for hours) gives its agency id back
     * now: an agency reconnecting after a lost connection must not be refused until the draw.
     */
    private void releaseAgencyIfDone() {
        if (agency != 0 && !released && (inputDone || closing)) {
            released = true;
            deps.registry().tell(new SessionRegistry.Release(agency, getContext().getSelf()));
        }
    }

    private Behavior<Command> closeNow() {
        log.debug(LogLine.success("conexion_cerrada", "ip", peer, "agencia", agency));
        out.tell(Outbound.Close.INSTANCE);
        return Behaviors.stopped();
    }
}
