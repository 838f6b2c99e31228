package tp0.lottery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import scala.concurrent.ExecutionContextExecutor;
import tp0.logline.LogLine;
import tp0.lottery.config.ServerSettings;
import tp0.lottery.net.TcpListener;
import tp0.lottery.ops.HttpPort;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.ops.LotteryStatus;
import tp0.lottery.ops.PrometheusMetrics;
import tp0.lottery.ops.QuietStart;
import tp0.lottery.ops.ReadinessCheck;
import tp0.lottery.session.AgencySession;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.OpenedStore;
import tp0.lottery.store.file.StoreRecovery;
import tp0.lottery.topology.Topology;

/**
 * Root of the server: the store (on its own blocking dispatcher), what the sessions talk to
 * (on this node, or across the cluster: {@link Topology}) and the TCP listener. Losing the store is fatal; closing it is the last
 * shutdown step.
 */
public final class LotteryGuardian {

    static final String STORE_DISPATCHER = "lottery.store-dispatcher";

    private LotteryGuardian() {}

    /** What {@code /health/ready} requires: the agencies' port bound, the store able to write. */
    static List<ReadinessCheck> readinessChecks(LotteryStatus status, OpenedStore opened) {
        return List.of(
                ReadinessCheck.of("tcp_listener", () -> status.listening() ? Optional.empty()
                        : Optional.of("the agencies' TCP port is not bound")),
                ReadinessCheck.of("store", () -> {
                    String failure = status.storeFailure();
                    return failure != null ? Optional.of("the last commit failed: " + failure) : opened.cannotWrite();
                }));
    }

    /**
     * @param opened the store opened at start ({@link StoreRecovery#recover}, or the PostgreSQL one)
     */
    public static Behavior<Void> create(ServerSettings settings, OpenedStore opened, Consumer<String> fatal) {
        return create(settings, opened, Topology.SINGLE_NODE, fatal);
    }

    /** @param topology one node, or a cluster member: where the sessions' registry, writers and coordinator are */
    public static Behavior<Void> create(ServerSettings settings, OpenedStore opened, Topology topology,
                                        Consumer<String> fatal) {
        return Behaviors.<Void>setup(ctx -> {
            // With the HTTP port off nothing watches: the metrics cost nothing at all.
            PrometheusMetrics observed = settings.httpEnabled()
                    ? new PrometheusMetrics(new LotteryStatus(settings.numAgencies())) : null;
            LotteryMetrics metrics = observed != null ? observed : LotteryMetrics.NONE;
            ActorRef<BetStore.Command> store = ctx.spawn(
                    opened.behavior(settings.storeGroupCommit(), metrics), "bet-store",
                    DispatcherSelector.fromConfig(STORE_DISPATCHER));
            ctx.watch(store);
            Topology.Routes routes = topology.start(ctx, store, opened, settings.numAgencies(), metrics);
            AgencySession.Deps deps = new AgencySession.Deps(settings.numAgencies(), routes.links(),
                    routes.coordinator(), settings.agencySecrets(), settings.frameTimeout(),
                    settings.sessionPipeline(), settings.heartbeatTimeout(), metrics, routes.writerTimeout());
            // The HTTP port comes after the agencies' port is bound, never in its way: its start
            // waits until the first agencies are served (QuietStart) and runs on a blocking thread.
            ActorSystem<Void> system = ctx.getSystem(); // the context is the actor's own: not for other threads
            ExecutionContextExecutor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
            Topology.Observed shown = observed == null ? null : topology.observe(ctx, observed);
            Runnable afterBind = observed == null ? () -> { } : () -> QuietStart.schedule(system.scheduler(), blocking,
                    () -> observed.status().connections(),
                    () -> CoordinatedShutdown.get(system).getShutdownReason().isPresent(),
                    () -> HttpPort.start(system, settings.httpHost(), settings.httpPort(), observed, shown.view(),
                            Stream.concat(readinessChecks(observed.status(), opened).stream(), shown.checks().stream())
                                    .toList(), fatal));
            ctx.spawn(TcpListener.create(settings, deps, fatal, afterBind), "listener");

            CoordinatedShutdown.get(ctx.getSystem()).addTask(
                    CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-bet-store",
                    () -> AskPattern.<BetStore.Command, Done>ask(store, BetStore.Close::new, Duration.ofSeconds(10),
                            ctx.getSystem().scheduler()));
            return Behaviors.receive(Void.class)
                    .onSignal(Terminated.class, signal -> {
                        ctx.getLog().error(LogLine.fail("bet_store", "error", "store stopped unexpectedly"));
                        fatal.accept("bet store stopped");
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
