package tp0.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import tp0.testkit.ProcCpu;
import tp0.tools.E2eData;
import tp0.tools.LotteryRun;

/**
 * One run of a workload on the real jars, one server on loopback, in a fresh {@code runDir} (no
 * bets.csv of an earlier run for the agencies to resume from), timed from the agencies' log lines.
 */
final class WorkloadRun {
    private static final Pattern ALL_ACKED = Pattern.compile("action: apuestas_enviadas \\| result: success \\| cantidad: (\\d+)");

    private static final Set<String> SETTINGS_SAID = ConcurrentHashMap.newKeySet();

    private WorkloadRun() {}

    /** An environment of {@code a}'s variables and {@code b}'s, {@code b}'s winning. */
    static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> both = new HashMap<>(a);
        both.putAll(b);
        return both;
    }

    static RunResult run(Path root, Path runDir, Map<Integer, Path> files, Map<String, String> serverEnv,
                         Map<String, String> agencyEnv) throws IOException {
        return run(root, runDir, files, serverEnv, id -> agencyEnv, null);
    }

    /**
     * As {@link #run(Path, Path, Map, Map, Map)}, each agency with its own environment (e.g. its
     * own certificate), and {@code watcher} started once the server listens; what it returns
     * stops it once the agencies are done (null: none).
     */
    static RunResult run(Path root, Path runDir, Map<Integer, Path> files, Map<String, String> serverEnv,
                         IntFunction<Map<String, String>> agencyEnv, Function<LotteryRun, Runnable> watcher)
            throws IOException {
        String settings = LotteryRun.describeSettings(LotteryRun.serverEnv(files.size(), serverEnv));
        if (SETTINGS_SAID.add(settings)) { // once per variant, in its first round: the figures' conditions
            System.out.println("server settings: " + settings);
        }
        E2eData.reset(runDir);
        Map<String, Long> firstConfig = new ConcurrentHashMap<>();
        Map<Integer, Long> allAcked = new ConcurrentHashMap<>();
        List<String> ackedLines = Collections.synchronizedList(new ArrayList<>());
        try (LotteryRun run = LotteryRun.start(root, runDir, files.size(), serverEnv, line -> { })) {
            Runnable stopWatching = watcher == null ? () -> { } : watcher.apply(run);
            long start = System.nanoTime();
            double childrenCpuBefore = ProcCpu.cpuSeconds("self", 16);
            double serverCpuBefore = ProcCpu.cpuSeconds(Long.toString(run.server().pid()), 14);
            for (Map.Entry<Integer, Path> file : files.entrySet()) {
                int id = file.getKey();
                run.startAgency(id, file.getValue(), agencyEnv.apply(id), line -> {
                    long now = System.nanoTime();
                    if (line.contains("action: config | result: success")) {
                        firstConfig.merge("first", now, Math::min);
                    }
                    if (ALL_ACKED.matcher(line).find()) {
                        allAcked.put(id, now);
                        ackedLines.add(line);
                    }
                });
            }
            List<LotteryRun.AgencyOutcome> outcomes = run.awaitAgencies(Duration.ofHours(1));
            long end = System.nanoTime();
            stopWatching.run();
            double agenciesCpu = ProcCpu.cpuSeconds("self", 16) - childrenCpuBefore;
            double serverCpu = ProcCpu.cpuSeconds(Long.toString(run.server().pid()), 14) - serverCpuBefore;
            for (LotteryRun.AgencyOutcome o : outcomes) {
                if (o.exitCode() != 0) {
                    throw new IllegalStateException("agency " + o.agency() + " failed: exit " + o.exitCode());
                }
            }
            long lastAck = allAcked.values().stream().mapToLong(Long::longValue).max().orElse(end);
            long peak = run.server().memoryKib("VmHWM");
            String heap = JvmProbes.heapOf(run.server().pid());
            run.stopServer(Duration.ofSeconds(60));
            return new RunResult((end - start) / 1e9, (lastAck - firstConfig.get("first")) / 1e9,
                    RunResult.ackLatency(ackedLines), RunResult.firstBatch(ackedLines),
                    RunResult.firstBatchMedianMs(ackedLines), peak, heap, agenciesCpu, serverCpu);
        }
    }
}
