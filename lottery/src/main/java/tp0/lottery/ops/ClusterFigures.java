package tp0.lottery.ops;

import java.util.Map;

/**
 * What a cluster member tells {@code /metrics} about the cluster, read at scrape time: the
 * members by state as this node sees them, how many it cannot reach, the agencies' ledgers
 * (shards) living on it, and the agencies whose session came to it from another node.
 */
public interface ClusterFigures {

    /** Members per state (up, joining, leaving, exiting, down, removed, weakly_up, ...), as this node sees them. */
    Map<String, Integer> membersByStatus();

    /** Members this node (or the members it hears from) cannot reach now. */
    int unreachableMembers();

    /** Agencies' ledgers (one shard each) living on this node now. */
    int ledgersHere();

    /** Agencies whose session this node took over from another node, since this node started. */
    long failovers();
}
