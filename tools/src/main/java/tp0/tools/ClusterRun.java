package tp0.tools;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A cluster of real lottery servers on this machine sharing one PostgreSQL, plus agencies that
 * know every node's address ({@code CLI_SERVER_ADDRESS=a:1,b:2,c:3}). Node {@code k} (1..K) runs
 * in {@code runDir/node-k}; every node is a seed, so any of them can be killed and restarted.
 * The cluster and TCP ports are chosen free before the start (the agencies and the seed list
 * need them up front) and kept across restarts. Every incarnation's output is kept, so a test
 * can count a line across all the nodes' logs. Used by the local run, the cluster tests and the
 * benchmark.
 */
public final class ClusterRun implements AutoCloseable {

    /**
     * What every node runs with besides the shipped config.ini (then each its own ports and the
     * seed list, then the caller's env): loopback, and the HTTP port on, as shipped, on a free
     * port (as {@link LotteryRun}: nodes on one machine must not fight over 8080).
     */
    public static final Map<String, String> NODE_SETTINGS = Map.of("SERVER_IP", "127.0.0.1",
            "CLUSTER_HOST", "127.0.0.1", "HTTP_PORT", "any");

    /** One node: its ports and its current process. */
    public static final class Node {
        public final int index;
        public final int clusterPort;
        public final int tcpPort;
        private ChildProcess process;
        private int incarnation;
        /** System.nanoTime() when the current incarnation was up in the cluster: the oldest has the least. */
        private long upAt;

        Node(int index, int clusterPort, int tcpPort) {
            this.index = index;
            this.clusterPort = clusterPort;
            this.tcpPort = tcpPort;
        }

        public ChildProcess process() {
            return process;
        }

        public String address() {
            return "127.0.0.1:" + tcpPort;
        }

        public String name() {
            return "node-" + index + (incarnation > 1 ? "-" + incarnation : "");
        }
    }

    private final Path root;
    private final Path runDir;
    private final Map<String, String> env;
    private final Consumer<String> echo;
    private final List<Node> nodes = new ArrayList<>();
    private final List<ChildProcess> everyNodeProcess = new ArrayList<>();
    private final Agencies agencies;

    private ClusterRun(Path root, Path runDir, Map<String, String> env, Consumer<String> echo) {
        this.root = root;
        this.runDir = runDir;
        this.env = env;
        this.echo = echo;
        this.agencies = new Agencies(root, runDir);
    }

    /**
     * Starts {@code size} nodes for {@code numAgencies} agencies with {@code env} (the database's
     * keys and any overrides), all at once, and waits until each listens and is up in the cluster.
     */
    public static ClusterRun start(Path root, Path runDir, int size, int numAgencies, Map<String, String> env,
                                   Consumer<String> echo) throws IOException {
        ClusterRun run = new ClusterRun(root, runDir, withAgencies(env, numAgencies), echo);
        try {
            List<Integer> ports = freePorts(2 * size);
            for (int k = 1; k <= size; k++) {
                run.nodes.add(new Node(k, ports.get(2 * (k - 1)), ports.get(2 * (k - 1) + 1)));
            }
            for (Node node : run.nodes) {
                run.launch(node);
            }
            for (Node node : run.nodes) {
                run.awaitUp(node);
            }
            return run;
        } catch (IOException | RuntimeException e) {
            run.close();
            throw e;
        }
    }

    private static Map<String, String> withAgencies(Map<String, String> env, int numAgencies) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("NUM_AGENCIES", Integer.toString(numAgencies));
        return all;
    }

    /**
     * Every node's cluster port. At the first start the same order everywhere (node 1 forms the
     * cluster); a node started again lists itself last, so it joins the running cluster and can
     * never form one of its own (the first seed of a list does that when the others are slow).
     */
    private String seeds(Node starting) {
        List<Node> order = new ArrayList<>(nodes);
        if (starting.incarnation > 1) {
            order.remove(starting);
            order.add(starting);
        }
        return order.stream().map(n -> "127.0.0.1:" + n.clusterPort).collect(Collectors.joining(","));
    }

    private void launch(Node node) throws IOException {
        node.incarnation++;
        Path dir = runDir.resolve("node-" + node.index);
        ChildProcess.copy(root.resolve("lottery/config.ini"), dir.resolve("config.ini"));
        Map<String, String> nodeEnv = new HashMap<>();
        nodeEnv.putAll(NODE_SETTINGS);
        nodeEnv.put("SERVER_PORT", Integer.toString(node.tcpPort));
        nodeEnv.put("CLUSTER_PORT", Integer.toString(node.clusterPort));
        nodeEnv.put("CLUSTER_SEED_NODES", seeds(node));
        nodeEnv.putAll(env);
        String name = node.name();
        node.process = ChildProcess.startScript(name, StartScript.of(root, "lottery"), dir, nodeEnv,
                line -> echo.accept(name + " " + line));
        synchronized (everyNodeProcess) {
            everyNodeProcess.add(node.process);
        }
    }

    private void awaitUp(Node node) {
        node.process.awaitLine("action: listen \\| result: success", Duration.ofSeconds(90));
        node.process.awaitLine("action: cluster_join \\| result: success", Duration.ofSeconds(90));
        node.upAt = System.nanoTime();
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(int index) {
        return nodes.get(index - 1);
    }

    /** The alive node that has been up the longest: it holds the singleton and the shard coordinator. */
    public Node oldest() {
        return nodes.stream().filter(n -> n.process.isAlive()).min((a, b) -> Long.compare(a.upAt, b.upAt))
                .orElseThrow();
    }

    /** Every node's address, in node order: what the agencies are given. */
    public String addressList() {
        return nodes.stream().map(Node::address).collect(Collectors.joining(","));
    }

    /**
     * Every node's address, starting at node (id - 1) mod K: given to agency {@code id}, the
     * agencies spread over the nodes (each one stays where it lands).
     */
    public String addressListFrom(int id) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            order.add(nodes.get((id - 1 + i) % nodes.size()).address());
        }
        return String.join(",", order);
    }

    /** SIGKILL of a node (a crash). */
    public void kill(Node node) {
        node.process.kill();
    }

    /** Starts a node again on its ports (after a kill or its exit) and waits until it is up in the cluster. */
    public void restart(Node node) throws IOException {
        if (node.process.isAlive()) {
            throw new IllegalStateException(node.name() + " is still running");
        }
        launch(node);
        awaitUp(node);
    }

    /** Sends a signal by name (STOP, CONT) to a node's JVM. */
    public void signal(Node node, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + node.process.pid() + " failed");
        }
    }

    /** Lines containing {@code text} in every node's output, every incarnation included. */
    public List<String> linesOfAllNodes(String text) {
        List<String> found = new ArrayList<>();
        synchronized (everyNodeProcess) {
            for (ChildProcess p : everyNodeProcess) {
                found.addAll(p.linesContaining(text));
            }
        }
        return found;
    }

    /** How many lines containing {@code text} all nodes have printed so far. */
    public long countOfAllNodes(String text) {
        return linesOfAllNodes(text).size();
    }

    /** Starts agency {@code id} on {@code dataFile} with every node's address; {@code env} overrides config.yaml keys. */
    public ChildProcess startAgency(int id, Path dataFile, Map<String, String> agencyEnv, Consumer<String> agencyEcho)
            throws IOException {
        return agencies.start(id, dataFile, addressList(), agencyEnv, agencyEcho);
    }

    public ChildProcess agency(int id) {
        return agencies.get(id);
    }

    /** Waits for every started agency to exit and reads the winners each one logged. */
    public List<LotteryRun.AgencyOutcome> awaitAgencies(Duration timeout) {
        return agencies.awaitAll(timeout);
    }

    /** SIGTERM to every running node at once; each one's exit status, in node order. */
    public List<Integer> stopAll(Duration timeout) {
        List<Node> running = nodes.stream().filter(n -> n.process.isAlive()).toList();
        running.forEach(n -> n.process.terminate());
        List<Integer> exits = new ArrayList<>();
        for (Node node : running) {
            exits.add(node.process.awaitExit(timeout).orElseThrow(() -> new IllegalStateException(
                    node.name() + " did not exit within " + timeout + " of SIGTERM; last lines:\n  "
                            + String.join("\n  ", node.process.tail(20)))));
        }
        return exits;
    }

    @Override
    public void close() {
        agencies.close();
        for (Node node : nodes) {
            if (node.process != null) {
                node.process.close();
            }
        }
    }

    /**
     * {@code n} distinct free ports: all held open until each is known (one released before the
     * next is asked for may be handed out again — seen: a node's TCP port was another's cluster port).
     */
    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
