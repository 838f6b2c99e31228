package tp0.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agencies of a local run ({@link LotteryRun}, {@link ClusterRun}): each a real process
 * started by its start script in {@code runDir/agency-<id>} with a copy of the shipped
 * config.yaml.
 */
final class Agencies implements AutoCloseable {
    private static final Pattern WINNER = Pattern.compile("action: ganador \\| result: success \\| dni: (\\S+)");

    private final Path root;
    private final Path runDir;
    private final Map<Integer, ChildProcess> started = new LinkedHashMap<>();

    Agencies(Path root, Path runDir) {
        this.root = root;
        this.runDir = runDir;
    }

    /**
     * Starts agency {@code id} on {@code dataFile} (none: null) against {@code serverAddress};
     * {@code env} overrides config.yaml keys, the server's address included.
     */
    ChildProcess start(int id, Path dataFile, String serverAddress, Map<String, String> env, Consumer<String> echo)
            throws IOException {
        Path dir = runDir.resolve("agency-" + id);
        ChildProcess.copy(root.resolve("agency/config.yaml"), dir.resolve("config.yaml"));
        Map<String, String> agencyEnv = new HashMap<>();
        agencyEnv.put("CLI_ID", Integer.toString(id));
        agencyEnv.put("CLI_SERVER_ADDRESS", serverAddress);
        if (dataFile != null) {
            agencyEnv.put("CLI_DATA_FILE", dataFile.toAbsolutePath().toString());
        }
        agencyEnv.putAll(env);
        ChildProcess agency = ChildProcess.startScript("agency-" + id, StartScript.of(root, "agency"), dir, agencyEnv,
                echo);
        started.put(id, agency);
        return agency;
    }

    /** Agency {@code id} as started by {@link #start}, else null. */
    ChildProcess get(int id) {
        return started.get(id);
    }

    /** Waits for every started agency to exit and reads the winners each one logged. */
    List<LotteryRun.AgencyOutcome> awaitAll(Duration timeout) {
        List<LotteryRun.AgencyOutcome> outcomes = new ArrayList<>();
        for (Map.Entry<Integer, ChildProcess> entry : started.entrySet()) {
            ChildProcess agency = entry.getValue();
            int exit = agency.awaitExit(timeout).orElseThrow(() -> new IllegalStateException(
                    agency.name() + " still running after " + timeout + "; last lines:\n  "
                            + String.join("\n  ", agency.tail(20))));
            outcomes.add(new LotteryRun.AgencyOutcome(entry.getKey(), exit, winnersLogged(agency)));
        }
        return outcomes;
    }

    /** The documents of the winners {@code agency} logged, in order. */
    static List<String> winnersLogged(ChildProcess agency) {
        List<String> winners = new ArrayList<>();
        for (String line : agency.lines()) {
            Matcher m = WINNER.matcher(line);
            if (m.find()) {
                winners.add(m.group(1));
            }
        }
        return winners;
    }

    @Override
    public void close() {
        started.values().forEach(ChildProcess::close);
    }
}
