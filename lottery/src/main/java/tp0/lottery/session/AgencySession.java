package tp0.lottery.session;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import tp0.logline.LogLine;
import tp0.lottery.config.AgencySecrets;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.session.IdentifiedSession.Identified;
import tp0.lottery.store.BetStore;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * One agency connection, as states: {@link #identifying} (until a Hello passes its checks) →
 * {@link #claiming} (the registry grants the agency id) → {@link #welcoming} (the store counts what
 * the agency stored) → {@link IdentifiedSession ingesting} batches ⇄ {@link IdentifiedSession finishing} (the coordinator makes "all
 * bets sent" durable) → {@link IdentifiedSession finished}; any of them → {@link Connection closing} on a refusal that ends
 * the connection, a take-over or a timeout. A parked winners query is part of the identified
 * states' data.
 *
 * <p>Receives decoded frames one at a time ({@link Intake}). Pipelining: a batch is passed to the
 * store and the next frame read at once, up to {@code sessionPipeline} replies owed; replies go
 * out strictly in the order the frames came ({@link ReplyOrder}). Any other message (Hello,
 * AllBetsSent, WinnersQuery, ...) waits until everything before it is answered — so an
 * AllBetsSent is only acted on, and its mark written, once all its batches are stored. A Ping is
 * answered at once, out of turn, in every state but closing (whose last frame, an Error, is already
 * on its way): the connection hands Pings over beside the frames the session holds
 * ({@link PingReceived}), so also while it holds its stream (claiming, welcoming, finishing, a full
 * pipeline, a message waiting for the replies before it) the agency hears from the server.
 *
 * <p>The session knows nothing of sockets: the {@code net} package feeds it {@link Inbound}
 * elements and writes what it sends ({@link Outbound}) to the connection.
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
 * frames other than Pings cannot reach it, so that wait is the server's, not the peer's (asks are
 * bounded by {@link #ASK_TIMEOUT}, a Hello's claim and count together by {@link #HELLO_TIMEOUT}).
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

    /**
     * A Ping, handed over beside the stream's back-pressure: the connection reads on past the
     * frames the session holds (net diverts every Ping to here), so a Ping never waits for the
     * store, the registry or the coordinator. Answered with a Pong at once in every state but
     * closing.
     */
    public enum PingReceived implements Command {
        INSTANCE
    }

    /** From the registry: a newer Hello for this agency wants its session. */
    public record TakenOver(int agency) implements Command {}

    record Claimed(int agency, SessionRegistry.ClaimReply reply) implements Command {}

    record Welcomed(int agency, BetStore.StoredCount count) implements Command {}

    record BatchDone(BetStore.StoreReply reply) implements Command {}

    /** {@code failure} is null when the mark is durable. */
    record FinishRecorded(Throwable failure) implements Command {}

    record WinnersReady(DrawCoordinator.WinnersAnswer answer) implements Command {}

    /** The silence timer fired; also the timer's key. */
    enum FrameTimedOut implements Command {
        INSTANCE
    }

    /** Looks whether the oldest batch has waited longer than {@code Deps.writerTimeout}; also the timer's key. */
    enum WriterCheck implements Command {
        INSTANCE
    }

    /**
     * Everything a session needs from the rest of the server.
     *
     * @param links           each session's writer and registry ({@link SessionLinks})
     * @param sessionPipeline replies a session may owe before it stops reading (1: stop-and-wait)
     * @param metrics         told of connections opened, refused and closed
     * @param writerTimeout   null: the store always answers (it is on this node); else the longest a
     *                        batch may wait for its answer before the session gives up and closes with
     *                        STORAGE_FAILURE, so its agency reconnects and resumes (a cluster: the
     *                        agency's writer may have died with its node, taking the batch along)
     */
    public record Deps(int numAgencies, SessionLinks links, ActorRef<DrawCoordinator.Command> coordinator,
                       AgencySecrets secrets, Duration frameTimeout, int sessionPipeline, Duration heartbeatTimeout,
                       LotteryMetrics metrics, Duration writerTimeout) {

        /** Every session writes to {@code store} and claims at {@code registry} directly. */
        public Deps(int numAgencies, ActorRef<BetStore.Command> store, ActorRef<DrawCoordinator.Command> coordinator,
                    ActorRef<SessionRegistry.Command> registry, AgencySecrets secrets, Duration frameTimeout,
                    int sessionPipeline, Duration heartbeatTimeout, LotteryMetrics metrics, Duration writerTimeout) {
            this(numAgencies, SessionLinks.direct(store, registry), coordinator, secrets, frameTimeout, sessionPipeline,
                    heartbeatTimeout, metrics, writerTimeout);
        }

        /** A single node's, observed by no metrics (the store never loses a batch). */
        public Deps(int numAgencies, ActorRef<BetStore.Command> store, ActorRef<DrawCoordinator.Command> coordinator,
                    ActorRef<SessionRegistry.Command> registry, AgencySecrets secrets, Duration frameTimeout,
                    int sessionPipeline, Duration heartbeatTimeout) {
            this(numAgencies, store, coordinator, registry, secrets, frameTimeout, sessionPipeline, heartbeatTimeout,
                    LotteryMetrics.NONE, null);
        }
    }

    /** How long the store, coordinator or registry may take to answer before the session gives up. */
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    /**
     * How long a Hello may wait for the registry's claim and the store's count together before it
     * is refused to retry later: the bound every agency's Welcome wait is set above.
     */
    static final Duration HELLO_TIMEOUT = Protocol.SERVER_HELLO_BOUND;

    public static Behavior<Command> create(Deps deps, ActorRef<Outbound> out, String peer) {
        return create(deps, out, peer, System::nanoTime);
    }

    /** @param nanoClock what the silence and writer timeouts are measured by, as {@link System#nanoTime()} */
    static Behavior<Command> create(Deps deps, ActorRef<Outbound> out, String peer, LongSupplier nanoClock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new AgencySession(new Connection(ctx, timers, deps, out, peer, nanoClock)).start(timers)));
    }

    /** What every state shares: the connection, its back-pressure, the replies owed, the silence timer; and the closing state. */
    private final Connection c;
    private final IdentifiedSession identified;

    private AgencySession(Connection connection) {
        this.c = connection;
        this.identified = new IdentifiedSession(connection);
    }

    private Behavior<Command> start(TimerScheduler<Command> timers) {
        c.log.debug(LogLine.success("conexion", "ip", c.peer));
        if (c.deps.writerTimeout() != null) {
            timers.startTimerWithFixedDelay(WriterCheck.INSTANCE, c.deps.writerTimeout().dividedBy(4));
        }
        return carryOnIdentifying(() -> identifying(null)); // a peer that never sends a byte is timed out too
    }

    // ------------------------------------------------------------------ identifying

    /** No Hello accepted yet. {@code secured}: how the connection is secured (null: plaintext). */
    private Behavior<Command> identifying(Inbound.Secured secured) {
        return c.withCommon(Behaviors.receive(Command.class)
                .onMessage(Received.class, msg -> c.received(msg, element -> identifyingElement(secured, element)))
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    c.intake.end();
                    return carryOnIdentifying(Behaviors::same);
                })
                .onMessageEquals(PingReceived.INSTANCE, () -> c.pinged(() -> carryOnIdentifying(Behaviors::same)))
                .onMessageEquals(FrameTimedOut.INSTANCE, () -> c.onSilence(identifyingLimit(), 0))
                .onMessage(TakenOver.class, msg -> c.takenOver(msg, 0)), 0);
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
            c.answers.batchRejected(c.live, 0, ErrorCode.NOT_IDENTIFIED, batch.count(), ErrorCode.NOT_IDENTIFIED.description);
            return carryOnIdentifying(Behaviors::same);
        }
        if (message == Message.AllBetsSent.INSTANCE || message == Message.WinnersQuery.INSTANCE) {
            c.answers.refuse(c.live, ErrorCode.NOT_IDENTIFIED, "Hello must come first");
            return carryOnIdentifying(Behaviors::same);
        }
        return c.inAnyState(element, 0, () -> carryOnIdentifying(Behaviors::same));
    }

    /** Lets the stream go on; then stops if the peer is done, or goes on in {@code next}. */
    private Behavior<Command> carryOnIdentifying(Supplier<Behavior<Command>> next) {
        c.intake.ackIf(true); // nothing is owed before identification
        if (c.intake.hasEnded() && !c.intake.isHolding()) {
            return c.closeNow(0);
        }
        c.silence.update(identifyingLimit());
        return next.get();
    }

    private Duration identifyingLimit() {
        return SilenceTimer.limit(!c.intake.isHolding() && !c.intake.hasEnded(), false, false,
                c.deps.frameTimeout(), c.deps.heartbeatTimeout());
    }

    private Behavior<Command> onHello(Inbound.Secured secured, Message.Hello hello) {
        HelloCheck.Refusal refusal = HelloCheck.refusal(hello, c.deps.numAgencies(), secured, c.deps.secrets());
        if (refusal != null) {
            return c.refuseAndClose(hello.agencyId(), refusal, 0);
        }
        int id = hello.agencyId();
        ActorRef<Command> self = c.ctx.getSelf();
        long helloNanos = c.nanoClock.getAsLong();
        c.ctx.ask(SessionRegistry.ClaimReply.class, c.links.registry(), HELLO_TIMEOUT,
                replyTo -> new SessionRegistry.Claim(id, self, replyTo),
                (reply, failure) -> new Claimed(id, reply));
        return claiming(hello.version(), helloNanos); // the stream waits for the claim
    }

    /** What is left of the Hello's {@link #HELLO_TIMEOUT}, at least a millisecond: the claim and the count share it. */
    private Duration helloTimeLeft(long helloNanos) {
        Duration left = HELLO_TIMEOUT.minusNanos(c.nanoClock.getAsLong() - helloNanos);
        return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
    }

    // ------------------------------------------------------------------ claiming, welcoming

    /** The Hello passed (at {@code helloNanos}); the registry has not granted the agency id yet. The stream waits. */
    private Behavior<Command> claiming(int version, long helloNanos) {
        return c.withCommon(Behaviors.receive(Command.class)
                .onMessage(Claimed.class, msg -> onClaimed(msg, version, helloNanos))
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    c.intake.end();
                    return Behaviors.same(); // the Hello is still being handled
                })
                .onMessage(TakenOver.class, msg -> c.takenOver(msg, 0)), 0);
    }

    private Behavior<Command> onClaimed(Claimed msg, int version, long helloNanos) {
        int id = msg.agency();
        if (!(msg.reply() instanceof SessionRegistry.Granted)) { // superseded, or no answer: retry later
            return c.refuseAndClose(id, HelloCheck.notGranted(id, msg.reply() instanceof SessionRegistry.Superseded), 0);
        }
        // Asked only now that no other session of this agency can send batches: the count
        // includes every batch that reached the store before, and no later one can sneak in.
        c.ctx.ask(BetStore.StoredCount.class, c.links.writer(), helloTimeLeft(helloNanos),
                replyTo -> new BetStore.GetStoredCount(id, replyTo),
                (count, failure) -> new Welcomed(id, count != null ? count : new BetStore.StoredCount(id, -1)));
        return welcoming(new Identified(id, version, false));
    }

    /** The agency id is this session's (released when it closes, or taken over); the store is counting. */
    private Behavior<Command> welcoming(Identified who) {
        return c.withCommon(Behaviors.receive(Command.class)
                .onMessage(Welcomed.class, msg -> onWelcomed(msg, who))
                .onMessageEquals(StreamCompleted.INSTANCE, () -> {
                    c.intake.end();
                    return Behaviors.same();
                })
                .onMessage(TakenOver.class, msg -> c.takenOver(msg, who.agency())), who.agency());
    }

    private Behavior<Command> onWelcomed(Welcomed msg, Identified who) {
        long count = msg.count().count();
        if (count < 0) {
            return c.refuseAndClose(who.agency(), new HelloCheck.Refusal(ErrorCode.STORAGE_FAILURE, "store did not answer", false),
                    who.agency());
        }
        c.log.info(LogLine.success("agencia_conectada", "agencia", who.agency(), "ip", c.peer,
                "apuestas_guardadas", count, "version", who.version()));
        c.live.send(new Message.Welcome(who.version(), count));
        return identified.carryOn(who, () -> identified.ingesting(who));
    }
}
