package tp0.lottery.cluster;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;

/**
 * Where an agency's ledger starts: on the node whose region first asked for it — the node its
 * session is on — so its batches do not cross the network (agencies spread over the nodes spread
 * their ledgers with them). A region not registered yet gets the least loaded node instead.
 * Ledgers are never moved to balance the nodes: a move costs the agency a reconnection, and a
 * ledger only moves when its node leaves or dies (then to where its agency asks from next).
 */
final class NearTheAsker extends ShardCoordinator.AbstractShardAllocationStrategy {

    @Override
    public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
                                          Map<ActorRef, IndexedSeq<String>> current) {
        if (current.containsKey(requester)) {
            return Futures.successful(requester);
        }
        return Futures.successful(current.entrySet().stream()
                .min(Comparator.comparingInt(e -> e.getValue().size()))
                .map(Map.Entry::getKey).orElse(requester));
    }

    @Override
    public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> current, Set<String> inProgress) {
        return Futures.successful(Set.of());
    }
}
