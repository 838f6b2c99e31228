package tp0.lottery.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster's members as this node sees them now, in plain values: what the status page lists,
 * what {@code /health/ready}'s {@code cluster} check decides on, what {@code /metrics} counts.
 *
 * @param self       this node's address (host:port)
 * @param selfStatus this node's own state: before it joined, Pekko says {@code removed}, as after
 * @param members    every member in the membership, this node among them once it joined
 */
record Membership(String self, String selfStatus, List<MemberState> members) {

    /** One member: its address, its state (snake case: up, joining, weakly_up, leaving, ...), whether it is reached. */
    record MemberState(String node, String status, boolean reachable) {}

    Membership {
        members = List.copyOf(members);
    }

    /** The cluster now, from Pekko's view of it on this node. */
    static Membership of(Cluster cluster) {
        ClusterEvent.CurrentClusterState state = cluster.state();
        Set<Member> unreachable = state.getUnreachable();
        List<MemberState> members = new ArrayList<>();
        for (Member member : state.getMembers()) {
            members.add(new MemberState(hostPort(member.address()), name(member.status()),
                    !unreachable.contains(member)));
        }
        Member self = cluster.selfMember();
        return new Membership(hostPort(self.address()), name(self.status()), members);
    }

    static String hostPort(Address address) {
        return address.host().getOrElse(() -> "?") + ":" + address.port().getOrElse(() -> 0);
    }

    /** {@code WeaklyUp} as {@code weakly_up}: the page's and the metrics' label values. */
    static String name(MemberStatus status) {
        return status.toString().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** The members that take part: neither still joining nor on their way out for good. */
    private static boolean votes(String status) {
        return status.equals("up") || status.equals("leaving") || status.equals("exiting") || status.equals("weakly_up");
    }

    /**
     * Whether this member may serve, as {@code /health/ready}'s {@code cluster} check: empty when it
     * is Up and reaches a majority of the members; else why not.
     *
     * @param wasUp whether this node has been Up before: before joining and after removal Pekko says
     *              the same ({@code removed}), and only this tells the two apart
     */
    Optional<String> notReady(boolean wasUp) {
        switch (selfStatus) {
            case "up" -> {
                long voting = members.stream().filter(m -> votes(m.status())).count();
                long reached = members.stream().filter(m -> votes(m.status()) && m.reachable()).count();
                return reached * 2 > voting ? Optional.empty()
                        : Optional.of("reaches " + reached + " of " + voting + " members: no majority");
            }
            case "joining", "weakly_up" -> {
                return Optional.of("joining: this member is not up yet");
            }
            case "removed" -> {
                return Optional.of(wasUp ? "removed from the cluster" : "joining: not a member yet (no seed node answered)");
            }
            case "down" -> {
                return Optional.of("downed: the cluster took this member out");
            }
            default -> {
                return Optional.of("leaving the cluster (" + selfStatus + ")");
            }
        }
    }

    /** The members a view may speak for: reached and still in the cluster (their sessions are live). */
    boolean live(String node) {
        if (node.equals(self)) {
            return true;
        }
        return members.stream().anyMatch(m -> m.node().equals(node) && m.reachable()
                && !m.status().equals("down") && !m.status().equals("removed"));
    }
}
