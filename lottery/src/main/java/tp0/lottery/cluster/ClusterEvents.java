package tp0.lottery.cluster;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import tp0.logline.LogLine;

/**
 * Says in this node's log what the cluster does: members up, unreachable, reachable again,
 * downed, removed — and when this node itself is downed or removed (it then shuts down, as the
 * split brain resolver decided).
 */
final class ClusterEvents {

    private ClusterEvents() {}

    static Behavior<ClusterEvent.ClusterDomainEvent> create(String self) {
        return Behaviors.setup(ctx -> {
            ctx.setLoggerName(ClusterEvents.class);
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().<ClusterEvent.MemberEvent>narrow(), ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().<ClusterEvent.ReachabilityEvent>narrow(), ClusterEvent.ReachabilityEvent.class));
            Address selfAddress = cluster.selfMember().address();
            Logger log = ctx.getLog();
            log.info(LogLine.inProgress("cluster_join", "node", self, "seeds",
                    String.join(",", ctx.getSystem().settings().config().getStringList("pekko.cluster.seed-nodes"))
                            .replace("pekko://" + ClusterTopology.SYSTEM_NAME + "@", "")));
            return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
                    .onMessage(ClusterEvent.MemberUp.class, e -> {
                        boolean me = e.member().address().equals(selfAddress);
                        log.info(me ? LogLine.success("cluster_join", "node", self)
                                : LogLine.success("cluster_member", "event", "up", "member", hostPort(e.member().address())));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.UnreachableMember.class, e -> {
                        log.warn(LogLine.inProgress("cluster_member", "event", "unreachable",
                                "member", hostPort(e.member().address())));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.ReachableMember.class, e -> {
                        log.info(LogLine.success("cluster_member", "event", "reachable",
                                "member", hostPort(e.member().address())));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberDowned.class, e -> {
                        boolean me = e.member().address().equals(selfAddress);
                        log.warn(LogLine.success("cluster_member", "event", me ? "self_downed" : "downed",
                                "member", hostPort(e.member().address())));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberRemoved.class, e -> {
                        boolean me = e.member().address().equals(selfAddress);
                        log.info(LogLine.success("cluster_member", "event", me ? "self_removed" : "removed",
                                "member", hostPort(e.member().address()), "previous", e.previousStatus()));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberLeft.class, e -> {
                        log.info(LogLine.success("cluster_member", "event", "leaving",
                                "member", hostPort(e.member().address())));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static String hostPort(Address address) {
        return address.host().getOrElse(() -> "?") + ":" + address.port().getOrElse(() -> 0);
    }
}
