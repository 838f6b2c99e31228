package tp0.lottery.config;

import java.util.List;

/**
 * Whether this server is one node of a Pekko Cluster ({@code CLUSTER_SEED_NODES} set) or the
 * whole central on its own (the default). A cluster needs {@code STORE=postgres}: the bets,
 * counts and marks must outlive any node.
 */
public sealed interface ClusterSettings {

    /** What the {@code config} line says. */
    String describe();

    /** No seed nodes: today's single server. */
    record SingleNode() implements ClusterSettings {
        @Override
        public String describe() {
            return "off";
        }
    }

    ClusterSettings SINGLE_NODE = new SingleNode();

    /**
     * @param host  how the other nodes reach this one ({@code CLUSTER_HOST})
     * @param port  this node's cluster port ({@code CLUSTER_PORT})
     * @param seeds {@code host:port} of the seed nodes' cluster ports, in order
     */
    record Member(String host, int port, List<String> seeds) implements ClusterSettings {
        public Member {
            seeds = List.copyOf(seeds);
        }

        @Override
        public String describe() {
            return host + ":" + port;
        }
    }
}
