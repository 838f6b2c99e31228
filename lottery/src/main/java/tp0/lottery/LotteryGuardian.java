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
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.net.TcpListener;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.StoreRecovery;

/**
 * Root of the server: the store (on its own blocking dispatcher), the draw coordinator, the
 * session registry and the TCP listener. Losing the store is fatal; closing it is the last
 * shutdown step.
 */
public final class LotteryGuardian {

    static final String STORE_DISPATCHER = "lottery.store-dispatcher";

    private LotteryGuardian() {}

    /**
     * @param files what {@link StoreRecovery#recover} opened and found at start
     */
    public static Behavior<Void> create(ServerSettings settings, StoreRecovery.Recovered files, Consumer<String> fatal) {
        return Behaviors.<Void>setup(ctx -> {
            ActorRef<BetStore.Command> store = ctx.spawn(
                    BetStore.create(files.bets(), files.finishMarks(), files.storedByAgency(),
                            settings.storeGroupCommit()), "bet-store",
                    DispatcherSelector.fromConfig(STORE_DISPATCHER));
            ctx.watch(store);
            ActorRef<DrawCoordinator.Command> coordinator = ctx.spawn(
                    DrawCoordinator.create(settings.numAgencies(), store, files.finished()), "draw-coordinator");
            ActorRef<SessionRegistry.Command> registry = ctx.spawn(SessionRegistry.create(), "session-registry");
            AgencySession.Deps deps = new AgencySession.Deps(settings.numAgencies(), store, coordinator, registry,
                    settings.agencySecrets(), settings.frameTimeout(), settings.sessionPipeline(),
                    settings.heartbeatTimeout());
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
