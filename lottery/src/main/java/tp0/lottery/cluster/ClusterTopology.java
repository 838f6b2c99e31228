package tp0.lottery.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import tp0.logline.LogLine;
import tp0.lottery.config.ClusterSettings;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.ops.PrometheusMetrics;
import tp0.lottery.ops.ReadinessCheck;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.OpenedStore;
import tp0.lottery.store.pg.PgDatabase;
import tp0.lottery.topology.Topology;

/**
 * This server as one node of a Pekko Cluster of lottery servers sharing one PostgreSQL database.
 * Every agency has one writer cluster-wide, its {@link AgencyLedger} (Cluster Sharding, one
 * shard per agency), which writes through the store of the node it lives on; the
 * {@link DrawCoordinator} is a Cluster Singleton that reads the durable marks when it starts (on
 * the oldest node, again elsewhere after that node died) and draws once (the draw is recorded in
 * the database); each node's {@link WinnersRelay} keeps its sessions' winners queries.
 */
public final class ClusterTopology implements Topology {

    /** Every node of one cluster must use the same actor system name. */
    public static final String SYSTEM_NAME = "lottery";

    /** The longest a batch waits for its ledger (acks take milliseconds); a dead ledger's node takes ~6 s to be downed. */
    static final Duration WRITER_TIMEOUT = Duration.ofSeconds(4);

    private final ClusterSettings.Member member;
    private final PgDatabase db;
    /** The agencies' ledgers living on this node now (the status page's and the metrics' shards). */
    private final AtomicInteger ledgersHere = new AtomicInteger();

    public ClusterTopology(ClusterSettings.Member member, PgDatabase db) {
        this.member = member;
        this.db = db;
    }

    /** The actor system's configuration: cluster.conf with this node's address and the seeds, over application.conf. */
    public static Config config(ClusterSettings.Member member) {
        Map<String, Object> node = new HashMap<>();
        node.put("pekko.remote.artery.canonical.hostname", member.host());
        node.put("pekko.remote.artery.canonical.port", member.port());
        node.put("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(
                member.seeds().stream().map(seed -> "pekko://" + SYSTEM_NAME + "@" + seed).toList()));
        // The cluster modules' defaults are not in the jar's reference.conf (a single node would
        // parse them at every start for nothing): they come from pekko-cluster-reference.conf.
        return ConfigFactory.parseMap(node)
                .withFallback(ConfigFactory.parseResources("cluster.conf"))
                .withFallback(ConfigFactory.parseResources("application.conf"))
                .withFallback(ConfigFactory.parseResources("pekko-cluster-reference.conf"))
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve();
    }

    @Override
    public Routes start(ActorContext<Void> guardian, ActorRef<BetStore.Command> store, OpenedStore opened,
                        int numAgencies, LotteryMetrics metrics) {
        String node = member.describe();
        guardian.spawn(ClusterEvents.create(node), "cluster-events");
        // Before this node writes anything: its connections carry its name, so that the others
        // can end them once it is downed (DatabaseFence); the store connects on its first request.
        db.nameConnections(DatabaseFence.applicationName(
                Cluster.get(guardian.getSystem()).selfMember()));
        guardian.spawn(DatabaseFence.create(db), "database-fence", DispatcherSelector.blocking());

        ActorRef<AgencyLedger.Request> ledgers = ClusterSharding.get(guardian.getSystem()).init(
                Entity.of(AgencyLedger.TYPE, entity -> AgencyLedger.create(
                                Integer.parseInt(entity.getEntityId()), store, node, ledgersHere))
                        .withMessageExtractor(new ByAgency())
                        .withAllocationStrategy(new NearTheAsker())
                        .withStopMessage(AgencyLedger.HandOff.INSTANCE));

        Behavior<DrawCoordinator.Command> coordinator = Behaviors.<DrawCoordinator.Command>supervise(
                Behaviors.setup(ctx -> {
                    ctx.setLoggerName(DrawCoordinator.class);
                    // The marks as the database holds them now, not as they were when this node started.
                    Set<Integer> finished = db.read(numAgencies).finished();
                    ctx.getLog().info(LogLine.success("draw_coordinator", "node", node,
                            "agencias_finalizadas", finished.size()));
                    return DrawCoordinator.create(numAgencies, store, finished, metrics);
                }))
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(5), 0.2));
        ActorRef<DrawCoordinator.Command> singleton = ClusterSingleton.get(guardian.getSystem()).init(
                SingletonActor.of(coordinator, "draw-coordinator").withProps(DispatcherSelector.blocking()));
        ActorRef<DrawCoordinator.Command> relay = guardian.spawn(WinnersRelay.create(singleton), "winners-relay");
        // Sessions claim, count and write through the door: their agency's ledger is their registry and writer.
        return new Routes(LedgerDoor.spawn(guardian, ledgers, "ledger-door", metrics), relay, WRITER_TIMEOUT);
    }

    /**
     * The whole lottery on this node's page, spread between the nodes ({@link ClusterStatus}), the
     * cluster's figures on its {@code /metrics}, and its membership as one more readiness check.
     */
    @Override
    public Observed observe(ActorContext<Void> guardian, PrometheusMetrics metrics) {
        Cluster cluster = Cluster.get(guardian.getSystem());
        ClusterView view = new ClusterView(metrics.status(), () -> Membership.of(cluster), ledgersHere);
        guardian.spawn(ClusterStatus.create(Membership.hostPort(cluster.selfMember().address()), view),
                "cluster-status");
        metrics.addCluster(view);
        return new Observed(view, List.of(ReadinessCheck.of("cluster", view::notReady)));
    }

    /** One shard per agency: each agency's ledger moves on its own when a node dies or joins. */
    private static final class ByAgency extends ShardingMessageExtractor<AgencyLedger.Request, AgencyLedger.Command> {
        @Override
        public String entityId(AgencyLedger.Request message) {
            return Integer.toString(message.agency());
        }

        @Override
        public String shardId(String entityId) {
            return entityId;
        }

        @Override
        public AgencyLedger.Command unwrapMessage(AgencyLedger.Request message) {
            return message;
        }
    }
}
