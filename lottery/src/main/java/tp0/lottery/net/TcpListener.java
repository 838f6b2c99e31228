package tp0.lottery.net;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Broadcast;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;
import tp0.lottery.config.ServerSettings;
import tp0.lottery.session.AgencySession;

/**
 * Binds the server port (with the configured listen backlog) and gives every accepted
 * connection its own stream and {@link AgencySession}, so one connection's decoding and
 * I/O never wait on another's. Half-close is on: a peer that stops sending still gets its
 * answers; the session decides when the connection ends. Registers the unbind and close-connections steps of
 * CoordinatedShutdown once bound.
 */
public final class TcpListener {

    public interface Command {}

    private record Accepted(Tcp.IncomingConnection connection) implements Command {}

    private record Bound(Tcp.ServerBinding binding) implements Command {}

    private record BindFailed(Throwable cause) implements Command {}

    /** Outgoing frames a session may queue before its connection is considered stuck. */
    private static final int OUTBOUND_BUFFER = 256;

    /** Shutdown tasks run outside the actor, so they log through a plain logger. */
    private static final Logger SHUTDOWN_LOG = LoggerFactory.getLogger(TcpListener.class);

    /**
     * @param fatal called when the port cannot be bound: the server cannot do its job
     */
    public static Behavior<Command> create(ServerSettings settings, AgencySession.Deps deps, Consumer<String> fatal) {
        return Behaviors.setup(ctx -> {
            Materializer mat = Materializer.matFromSystem(ctx.getSystem());
            SharedKillSwitch connections = KillSwitches.shared("connections");
            ActorRef<Command> self = ctx.getSelf();
            ctx.pipeToSelf(
                    Tcp.get(ctx.getSystem()).bind(settings.host(), settings.port(), settings.listenBacklog(),
                                    List.of(), true, Optional.empty())
                            .to(Sink.foreach(connection -> self.tell(new Accepted(connection))))
                            .run(mat),
                    (binding, failure) -> binding != null ? new Bound(binding) : new BindFailed(failure));

            return Behaviors.receive(Command.class)
                    .onMessage(Accepted.class, msg -> {
                        ctx.spawnAnonymous(sessionWiredTo(msg.connection(), deps, mat, connections));
                        return Behaviors.same();
                    })
                    .onMessage(Bound.class, msg -> {
                        InetSocketAddress address = msg.binding().localAddress();
                        ctx.getLog().info(LogLine.success("listen", "ip", settings.host(),
                                "port", address.getPort(), "listen_backlog", settings.listenBacklog()));
                        registerShutdown(ctx.getSystem(), msg.binding(), connections);
                        return Behaviors.same();
                    })
                    .onMessage(BindFailed.class, msg -> {
                        ctx.getLog().error(LogLine.fail("listen", "ip", settings.host(), "port", settings.port(),
                                "error", msg.cause().getMessage()));
                        fatal.accept("cannot bind " + settings.host() + ":" + settings.port());
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /**
     * A session whose setup materializes its connection's stream: bytes → frames → the session
     * (one element at a time, acked), and the session's {@link Outbound} → frames → bytes.
     * Closing either side closes both; the shared kill switch closes all at shutdown.
     */
    private static Behavior<AgencySession.Command> sessionWiredTo(Tcp.IncomingConnection connection, AgencySession.Deps deps,
                                                             Materializer mat, SharedKillSwitch connections) {
        Pair<ActorRef<Outbound>, Source<Outbound, NotUsed>> outbound = ActorSource.<Outbound>actorRef(
                        message -> message == Outbound.Close.INSTANCE,
                        message -> Optional.empty(),
                        OUTBOUND_BUFFER,
                        OverflowStrategy.fail())
                .preMaterialize(mat);
        String peer = connection.remoteAddress().getAddress().getHostAddress();
        return Behaviors.setup(ctx -> {
            ActorRef<AgencySession.Command> session = ctx.getSelf();
            Sink<Inbound, NotUsed> toSession = ActorSink.actorRefWithBackpressure(
                    session,
                    AgencySession.Received::new,
                    AgencySession.StreamStarted::new,
                    AgencySession.StreamAck.INSTANCE,
                    AgencySession.StreamCompleted.INSTANCE,
                    AgencySession.StreamFailed::new);
            Source<ByteString, NotUsed> fromSession = outbound.second().via(WireFormat.outbound());
            // A broken byte stream (oversized or cut-off frame) fails the framing stage, which cancels
            // its upstream, and a stopped session cancels its sink; either would cut the socket before
            // the last reply is written. A second branch keeps reading (and dropping) bytes, so the
            // connection lives until the session closes its outgoing side.
            Sink<ByteString, NotUsed> fromClient = Sink.combine(WireFormat.inbound().to(toSession),
                    Sink.<ByteString>ignore(), List.of(), branches -> Broadcast.create(branches, false));
            // Not coupled: the client closing its sending side (half-close, as `nc` does) must not
            // cut off the answers still owed; the session completes the outgoing side when done.
            Flow<ByteString, ByteString, NotUsed> handler = Flow.of(ByteString.class)
                    .via(connections.flow())
                    .via(Flow.fromSinkAndSource(fromClient, fromSession))
                    .via(connections.flow());
            connection.handleWith(handler, mat);
            return AgencySession.create(deps, outbound.first(), peer);
        });
    }

    private static void registerShutdown(org.apache.pekko.actor.typed.ActorSystem<?> system, Tcp.ServerBinding binding,
                                         SharedKillSwitch connections) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "unbind", () ->
                binding.unbind().thenApply(unbound -> {
                    SHUTDOWN_LOG.info(LogLine.success("shutdown", "resource", "listener"));
                    return Done.getInstance();
                }));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "close-connections", () -> {
            connections.shutdown();
            SHUTDOWN_LOG.info(LogLine.success("shutdown", "resource", "connections"));
            return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
        });
    }
}
