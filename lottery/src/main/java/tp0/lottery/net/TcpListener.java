package tp0.lottery.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;
import tp0.lottery.config.ServerKey;
import tp0.lottery.config.ServerSettings;
import tp0.lottery.config.TlsSettings;
import tp0.lottery.ops.BindFailure;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.Inbound;
import tp0.lottery.session.Outbound;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/**
 * Binds the server port (with the configured listen backlog) and gives every accepted
 * connection its own stream and {@link AgencySession}, so one connection's decoding and
 * I/O never wait on another's. Half-close is on: a peer that stops sending still gets its
 * answers; the session decides when the connection ends. Registers the unbind and
 * close-connections steps of CoordinatedShutdown once bound.
 *
 * At most {@code MAX_CONNECTIONS} sessions live at once (the listener watches them); a
 * connection beyond that gets Error(TOO_MANY_CONNECTIONS) and is closed, without a session.
 * Once the server has closed its side of any connection, the peer has the frame timeout to
 * close its own; then the connection is cut, so no peer can hold a socket open forever.
 * Every accepted connection has TCP keepalive on ({@link KeepAlive}).
 */
public final class TcpListener extends AbstractBehavior<TcpListener.Command> {

    public interface Command {}

    private record Accepted(Tcp.IncomingConnection connection) implements Command {}

    private record Bound(Tcp.ServerBinding binding) implements Command {}

    private record BindFailed(Throwable cause) implements Command {}

    /**
     * Outgoing frames a session may queue before its connection is considered stuck, on top of
     * the session pipeline: one store group can release that many acks of a session at once.
     */
    private static final int OUTBOUND_BUFFER = 256;

    /** Shutdown tasks and the linger cut run outside the actor, so they log through a plain logger. */
    private static final Logger SHUTDOWN_LOG = LoggerFactory.getLogger(TcpListener.class);

    /**
     * @param fatal called when the port cannot be bound: the server cannot do its job
     */
    public static Behavior<Command> create(ServerSettings settings, AgencySession.Deps deps, Consumer<String> fatal) {
        return create(settings, deps, fatal, () -> { });
    }

    /** @param bound run once the port is bound (what else the server starts after it, e.g. the HTTP port) */
    public static Behavior<Command> create(ServerSettings settings, AgencySession.Deps deps, Consumer<String> fatal,
                                           Runnable bound) {
        return Behaviors.setup(ctx -> new TcpListener(ctx, settings, deps, fatal, bound));
    }

    private final ServerSettings settings;
    private final AgencySession.Deps deps;
    private final Consumer<String> fatal;
    private final Runnable bound;
    // Immutable or thread-safe: a session's setup wires its connection on the session's own thread.
    private final ActorSystem<?> system;
    private final Materializer mat;
    private final SharedKillSwitch connections = KillSwitches.shared("connections");
    /** Sessions alive now. */
    private int open;

    private TcpListener(ActorContext<Command> context, ServerSettings settings, AgencySession.Deps deps,
                        Consumer<String> fatal, Runnable bound) {
        super(context);
        this.settings = settings;
        this.deps = deps;
        this.fatal = fatal;
        this.bound = bound;
        this.system = context.getSystem();
        this.mat = Materializer.matFromSystem(system);
        ActorRef<Command> self = context.getSelf();
        context.pipeToSelf(
                Tcp.get(context.getSystem()).bind(settings.host(), settings.port(), settings.listenBacklog(),
                                List.of(new KeepAlive()), true, Optional.empty())
                        .to(Sink.foreach(connection -> self.tell(new Accepted(connection))))
                        .run(mat),
                (binding, failure) -> binding != null ? new Bound(binding) : new BindFailed(failure));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Accepted.class, this::onAccepted)
                .onMessage(Bound.class, this::onBound)
                .onMessage(BindFailed.class, this::onBindFailed)
                .onSignal(Terminated.class, signal -> onSessionStopped())
                .build();
    }

    private Behavior<Command> onAccepted(Accepted msg) {
        Tcp.IncomingConnection connection = msg.connection();
        if (open >= settings.maxConnections()) {
            String peer = connection.remoteAddress().getAddress().getHostAddress();
            getContext().getLog().warn(LogLine.fail("conexion_rechazada", "ip", peer,
                    "code", ErrorCode.TOO_MANY_CONNECTIONS, "open", open));
            refuse(connection, new Message.Error(ErrorCode.TOO_MANY_CONNECTIONS,
                    "the server has " + open + " connections open, its limit; retry later"));
            deps.metrics().connectionRefused(ErrorCode.TOO_MANY_CONNECTIONS);
            return this;
        }
        getContext().watch(getContext().spawnAnonymous(sessionWiredTo(connection)));
        open++;
        deps.metrics().connectionOpened();
        return this;
    }

    private Behavior<Command> onSessionStopped() {
        open--;
        deps.metrics().connectionClosed();
        return this;
    }

    private Behavior<Command> onBound(Bound msg) {
        if (shuttingDown()) {
            // Stopped while binding: the shutdown phases that would unbind may have run already.
            msg.binding().unbind();
            getContext().getLog().info(LogLine.success("shutdown", "resource", "listener"));
            return this;
        }
        InetSocketAddress address = msg.binding().localAddress();
        getContext().getLog().info(LogLine.success("listen", "ip", settings.host(),
                "port", address.getPort(), "listen_backlog", settings.listenBacklog()));
        registerShutdown(system, msg.binding(), connections, deps);
        deps.metrics().listening(true);
        FirstSessionWarmup.run(system, mat, deps);
        bound.run();
        return this;
    }

    private Behavior<Command> onBindFailed(BindFailed msg) {
        if (shuttingDown()) {
            return this; // the bind was cut short by the stop itself: nothing failed
        }
        getContext().getLog().error(BindFailure.line("listen", ServerKey.SERVER_PORT, settings.host(),
                settings.port(), msg.cause()));
        fatal.accept("cannot bind " + settings.host() + ":" + settings.port());
        return this;
    }

    private boolean shuttingDown() {
        return CoordinatedShutdown.get(system).getShutdownReason().isPresent();
    }

    /**
     * A session whose setup materializes its connection's stream: bytes → frames → the session
     * (one element at a time, acked), and the session's {@link Outbound} → frames → bytes.
     * Closing either side closes both; the shared kill switch closes all at shutdown.
     */
    private Behavior<AgencySession.Command> sessionWiredTo(Tcp.IncomingConnection connection) {
        Pair<ActorRef<Outbound>, Source<Outbound, NotUsed>> outbound = ActorSource.<Outbound>actorRef(
                        message -> message == Outbound.Close.INSTANCE,
                        message -> Optional.empty(),
                        OUTBOUND_BUFFER + settings.sessionPipeline(),
                        OverflowStrategy.fail())
                .preMaterialize(mat);
        String peer = connection.remoteAddress().getAddress().getHostAddress();
        return Behaviors.setup(ctx -> {
            ActorRef<AgencySession.Command> session = ctx.getSelf();
            // Pings pass the frames the session holds; the rest reach it one at a time, acked.
            Sink<Inbound, NotUsed> toSession = PingBypass.intoSession(session);
            Source<ByteString, NotUsed> fromSession = outbound.second().via(WireFormat.outbound());
            // A broken byte stream (oversized or cut-off frame) fails the framing stage, which cancels
            // its upstream, and a stopped session cancels its sink; either would cut the socket before
            // the last reply is written. So the bytes keep being read (and dropped), and the
            // connection lives until the session closes its outgoing side.
            if (settings.tls() instanceof TlsSettings.On tls) {
                // Only one of the two is ever materialized: the first byte picks it.
                handle(connection, TlsLink.unified(settings.frameTimeout(),
                        Flow.fromSinkAndSource(TlsLink.keepReading(WireFormat.inbound(false).to(toSession)), fromSession),
                        TlsLink.secured(tls, peer, toSession, fromSession)));
            } else {
                handle(connection, Flow.fromSinkAndSource(TlsLink.keepReading(WireFormat.inbound().to(toSession)),
                        fromSession));
            }
            return AgencySession.create(deps, outbound.first(), peer);
        });
    }

    /**
     * One Error frame, then close — a connection over the limit never gets a session. With TLS
     * on, a TLS peer gets it inside TLS (it could not read it otherwise, and must retry).
     */
    private void refuse(Tcp.IncomingConnection connection, Message.Error error) {
        Source<ByteString, NotUsed> reply = Source.<Outbound>single(new Outbound.Send(error)).via(WireFormat.outbound());
        Flow<ByteString, ByteString, NotUsed> plain = Flow.fromSinkAndSource(Sink.ignore(), reply);
        if (settings.tls() instanceof TlsSettings.On tls) {
            String peer = connection.remoteAddress().getAddress().getHostAddress();
            handle(connection, TlsLink.unified(settings.frameTimeout(), plain,
                    TlsLink.secured(tls, peer, Sink.<Inbound>ignore().mapMaterializedValue(done -> NotUsed.getInstance()), reply)));
        } else {
            handle(connection, plain);
        }
    }

    /**
     * Runs a connection: {@code conversation} reads what the peer sends and writes to it; its
     * two sides are not coupled: the client closing its sending side (half-close, as `nc` does)
     * must not cut off the answers still owed. When its output completes the peer gets a
     * FIN and is still read (closing with unread input would reset the connection and could
     * destroy the last answer before the peer reads it), but only for the linger time: a peer
     * that has not closed its side by then is cut off.
     */
    private void handle(Tcp.IncomingConnection connection, Flow<ByteString, ByteString, NotUsed> conversation) {
        Flow<ByteString, ByteString, Pair<UniqueKillSwitch, CompletionStage<Done>>> handler = Flow.of(ByteString.class)
                .viaMat(KillSwitches.single(), Keep.right())
                .via(connections.flow())
                .viaMat(conversation.watchTermination((notUsed, done) -> done), Keep.both())
                .via(connections.flow());
        Pair<UniqueKillSwitch, CompletionStage<Done>> running = connection.handleWith(handler, mat);
        UniqueKillSwitch cut = running.first();
        Duration linger = settings.frameTimeout();
        // Aborting a connection that has already closed does nothing.
        running.second().whenComplete((done, failure) -> system.scheduler().scheduleOnce(linger,
                () -> cut.abort(new LingerExpired(linger)), system.executionContext()));
    }

    /** Why a connection was cut: the peer kept it open after the server closed its side. */
    private static final class LingerExpired extends RuntimeException {
        LingerExpired(Duration linger) {
            super("peer did not close its side within " + linger.toSeconds() + " s", null, false, false);
        }
    }

    private static void registerShutdown(ActorSystem<?> system, Tcp.ServerBinding binding,
                                         SharedKillSwitch connections, AgencySession.Deps deps) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "unbind", () ->
                binding.unbind().thenApply(unbound -> {
                    deps.metrics().listening(false);
                    SHUTDOWN_LOG.info(LogLine.success("shutdown", "resource", "listener"));
                    return Done.getInstance();
                }));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "close-connections", () -> {
            connections.shutdown();
            SHUTDOWN_LOG.info(LogLine.success("shutdown", "resource", "connections"));
            return CompletableFuture.completedFuture(Done.getInstance());
        });
    }
}
