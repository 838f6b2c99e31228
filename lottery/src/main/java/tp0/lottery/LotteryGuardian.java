package tp0.lottery;

import java.time.Duration;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tp0.logline.LogLine;
import tp0.lottery.config.ServerSettings;
import tp0.lottery.net.TcpListener;
import tp0.lottery.session.AgencySession;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.OpenedStore;
import tp0.lottery.store.StoreRecovery;

/**
 * Root of the server: the store (on its own blocking dispatcher), what the sessions talk to
 * (on this node, or across the cluster: {@link Topology}) and the TCP listener. Losing the store is fatal; closing it is the last
 * shutdown step.
 */
public final class LotteryGuardian {

    static final String STORE_DISPATCHER = "lottery.store-dispatcher";

    private LotteryGuardian() {}

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
            ActorRef<BetStore.Command> store = ctx.spawn(
                    opened.behavior(settings.storeGroupCommit()), "bet-store",
                    DispatcherSelector.fromConfig(STORE_DISPATCHER));
            ctx.watch(store);
            Topology.Routes routes = topology.start(ctx, store, opened, settings.numAgencies());
            AgencySession.Deps deps = new AgencySession.Deps(settings.numAgencies(), routes.writer(),
                    routes.coordinator(), routes.registry(), settings.agencySecrets(), settings.frameTimeout(),
                    settings.sessionPipeline(), settings.heartbeatTimeout(), routes.writerTimeout());
            ctx.spawn(TcpListener.create(settings, deps, fatal), "listener");

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
