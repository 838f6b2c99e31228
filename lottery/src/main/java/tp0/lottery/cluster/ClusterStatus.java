package tp0.lottery.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Spreads each node's view of the lottery to the others, so that every node's page shows the
 * whole of it ({@link ClusterView} merges). One per node, registered with the receptionist;
 * every {@link #ROUND} it sends this node's {@link NodeView} to every other node's, and keeps
 * the ones it gets. A view is a few numbers per agency: a round costs a small message per pair
 * of nodes. Lost or late views do no harm: the next round's replaces them.
 */
public final class ClusterStatus {

    /** How often a node sends its view: the page's own interval, so two nodes' pages agree within about a second. */
    static final Duration ROUND = Duration.ofMillis(500);

    static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "lottery-status");

    public interface Command {}

    /**
     * One node's lottery as it sees it (crosses nodes): per agency its stored count (index =
     * agency − 1), the agencies finished and those whose session it holds, its ledgers, and the
     * draw if it was held or failed there ({@code drawAt} 0: not).
     */
    public record NodeView(String node, List<Long> stored, List<Integer> finished, List<Integer> sessions,
                           int ledgers, long drawAt, Map<Integer, Integer> winners, String drawFailure)
            implements Command {
        public NodeView {
            stored = List.copyOf(stored);
            finished = List.copyOf(finished);
            sessions = List.copyOf(sessions);
            winners = Map.copyOf(winners);
        }
    }

    private enum Round implements Command {
        INSTANCE
    }

    private record Peers(Set<ActorRef<Command>> peers) implements Command {}

    private ClusterStatus() {}

    static Behavior<Command> create(String node, ClusterView view) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class,
                    listing -> new Peers(listing.getServiceInstances(KEY)));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY, listings));
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(Round.INSTANCE, ROUND);
                return spreading(node, view, ctx.getSelf(), Set.of());
            });
        });
    }

    /** Sends this node's view to {@code peers} each round; takes in theirs. */
    private static Behavior<Command> spreading(String node, ClusterView view, ActorRef<Command> self,
                                               Set<ActorRef<Command>> peers) {
        return Behaviors.receive(Command.class)
                .onMessage(Peers.class, msg -> spreading(node, view, self, msg.peers()))
                .onMessage(NodeView.class, other -> {
                    view.heard(other);
                    return Behaviors.same();
                })
                .onMessageEquals(Round.INSTANCE, () -> {
                    view.noteSessions();
                    NodeView own = view.own(node);
                    for (ActorRef<Command> peer : peers) {
                        if (!peer.equals(self)) {
                            peer.tell(own);
                        }
                    }
                    return Behaviors.same();
                })
                .build();
    }
}
