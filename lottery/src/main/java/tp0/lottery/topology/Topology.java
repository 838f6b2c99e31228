package tp0.lottery.topology;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.ops.PrometheusMetrics;
import tp0.lottery.ops.ReadinessCheck;
import tp0.lottery.ops.StatusView;
import tp0.lottery.session.SessionLinks;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.OpenedStore;

/**
 * Where the actors every session talks to live: on this one server ({@link #SINGLE_NODE}), or
 * spread over a Pekko Cluster ({@code tp0.lottery.cluster.ClusterTopology}). The guardian starts
 * one and hands its {@link Routes} to the sessions, which never know which one it is. A package of
 * its own, below the cluster and the guardian: the cluster implements it without reaching up.
 */
public interface Topology {

    /**
     * What sessions talk to.
     *
     * @param links         each session's writer (where its agency's count and batches go) and
     *                      registry (where it claims and releases its agency)
     * @param coordinator   "all bets sent" and the winners queries
     * @param writerTimeout null when the writer cannot lose a batch; else how long a session waits
     *                      for a batch's answer before it gives up and lets its agency reconnect
     */
    record Routes(SessionLinks links, ActorRef<DrawCoordinator.Command> coordinator, Duration writerTimeout) {}

    /** Spawns (under the guardian) or joins what the sessions need, around this node's {@code store}. */
    Routes start(ActorContext<Void> guardian, ActorRef<BetStore.Command> store, OpenedStore opened, int numAgencies,
                 LotteryMetrics metrics);

    /**
     * What the HTTP port shows and what its readiness requires besides the port and the store.
     *
     * @param view   the lottery {@code /status}, {@code /events} and the page show
     * @param checks more conditions of {@code /health/ready}
     */
    record Observed(StatusView view, List<ReadinessCheck> checks) {}

    /**
     * Called after {@link #start} when the HTTP port is on. One server shows its own status and
     * adds no check; a cluster member shows the whole cluster's lottery and checks its membership.
     */
    default Observed observe(ActorContext<Void> guardian, PrometheusMetrics metrics) {
        return new Observed(metrics.status(), List.of());
    }

    /** One server: its store is every agency's writer, one registry, one coordinator. */
    Topology SINGLE_NODE = (guardian, store, opened, numAgencies, metrics) -> new Routes(
            SessionLinks.direct(store, guardian.spawn(SessionRegistry.create(metrics), "session-registry")),
            guardian.spawn(DrawCoordinator.create(numAgencies, store, opened.finished(), metrics), "draw-coordinator"),
            null);
}
