package tp0.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A lottery on this machine made of real processes: one server and any number of agencies,
 * each started by its start script ({@link StartScript}) in its own working directory under
 * {@code runDir} with a copy of the shipped config file, talking over loopback. Used by the local run and by the
 * end-to-end tests.
 */
public final class LotteryRun implements AutoCloseable {

    /** How one agency ended. */
    public record AgencyOutcome(int agency, int exitCode, List<String> winners) {}

    private static final Pattern LISTEN = Pattern.compile("action: listen \\| result: success .*\\| port: (\\d+)");

    private final Path root;
    private final Path runDir;
    private final Map<String, String> serverEnv;
    private final Consumer<String> serverEcho;
    private ChildProcess server;
    private int port;
    private int incarnation = 1;
    private final Agencies agencies;

    private LotteryRun(Path root, Path runDir, Map<String, String> serverEnv, Consumer<String> serverEcho,
                       ChildProcess server, int port) {
        this.root = root;
        this.runDir = runDir;
        this.serverEnv = serverEnv;
        this.serverEcho = serverEcho;
        this.server = server;
        this.port = port;
        this.agencies = new Agencies(root, runDir);
    }

    /**
     * Starts the server for {@code numAgencies} agencies on a free port of 127.0.0.1 and waits
     * until it listens. {@code env} overrides config.ini keys (e.g. LOGGING_LEVEL).
     */
    public static LotteryRun start(Path root, Path runDir, int numAgencies, Map<String, String> env,
                                   Consumer<String> echo) throws IOException {
        Path serverDir = runDir.resolve("server");
        ChildProcess.copy(root.resolve("lottery/config.ini"), serverDir.resolve("config.ini"));
        Map<String, String> serverEnv = serverEnv(numAgencies, env);
        ChildProcess server = ChildProcess.startScript("server", StartScript.of(root, "lottery"), serverDir, serverEnv,
                echo);
        return new LotteryRun(root, runDir, serverEnv, echo, server, awaitListening(server));
    }

    /**
     * The settings a server of {@link #start} runs with besides the shipped config.ini: loopback,
     * any free port for the agencies and for HTTP (the HTTP port is on, as shipped, but several
     * runs at once, or someone else's server, must not fight over 8080), then {@code env}.
     */
    public static Map<String, String> serverEnv(int numAgencies, Map<String, String> env) {
        Map<String, String> serverEnv = new TreeMap<>();
        serverEnv.put("SERVER_IP", "127.0.0.1");
        serverEnv.put("SERVER_PORT", "0");
        serverEnv.put("NUM_AGENCIES", Integer.toString(numAgencies));
        serverEnv.put("HTTP_PORT", "any");
        serverEnv.putAll(env);
        return serverEnv;
    }

    /**
     * What a benchmark prints first: {@code shipped defaults (config.ini) + KEY=value ...}, the
     * environment's overrides in key order (JAVA_HOME is no server setting: the benchmark names
     * the JDK; a password is not shown).
     */
    public static String describeSettings(Map<String, String> serverEnv) {
        StringBuilder text = new StringBuilder("shipped defaults (config.ini)");
        new TreeMap<>(serverEnv).forEach((key, value) -> {
            if (!key.equals("JAVA_HOME")) {
                text.append(" + ").append(key).append('=').append(key.contains("PASSWORD") ? "***" : value);
            }
        });
        return text.toString();
    }

    private static int awaitListening(ChildProcess server) {
        try {
            return Integer.parseInt(server.awaitLine(LISTEN.pattern(), Duration.ofSeconds(60)).group(1));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Kills the server with SIGKILL (a crash: no shutdown, nothing flushed by the program) and
     * starts a new one in the same folder on the same port; returns once it listens again.
     */
    public void crashAndRestartServer() throws IOException {
        server.kill();
        incarnation++;
        Map<String, String> env = new HashMap<>(serverEnv);
        env.put("SERVER_PORT", Integer.toString(port));
        server = ChildProcess.startScript("server-" + incarnation, StartScript.of(root, "lottery"), serverDir(), env,
                serverEcho);
        port = awaitListening(server);
    }

    public ChildProcess server() {
        return server;
    }

    public int port() {
        return port;
    }

    public Path serverDir() {
        return runDir.resolve("server");
    }

    public Path betsFile() {
        return serverDir().resolve("bets.csv");
    }

    /** Starts agency {@code id} on {@code dataFile}; {@code env} overrides config.yaml keys. */
    public ChildProcess startAgency(int id, Path dataFile, Map<String, String> env, Consumer<String> echo)
            throws IOException {
        return agencies.start(id, dataFile, "127.0.0.1:" + port, env, echo);
    }

    /** Agency {@code id} as started by {@link #startAgency}. */
    public ChildProcess agency(int id) {
        return agencies.get(id);
    }

    /** Waits for every started agency to exit and reads the winners each one logged. */
    public List<AgencyOutcome> awaitAgencies(Duration timeout) {
        return agencies.awaitAll(timeout);
    }

    /** The documents of the winners {@code agency} logged, in order. */
    public static List<String> winnersLogged(ChildProcess agency) {
        return Agencies.winnersLogged(agency);
    }

    /** SIGTERM to the server; its exit status once it stopped. */
    public int stopServer(Duration timeout) {
        server.terminate();
        return server.awaitExit(timeout).orElseThrow(() ->
                new IllegalStateException("server did not exit within " + timeout + " of SIGTERM"));
    }

    @Override
    public void close() {
        agencies.close();
        server.close();
    }
}
