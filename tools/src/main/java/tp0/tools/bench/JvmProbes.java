package tp0.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tp0.testkit.ProcCpu;

/** What a live JVM of the run spends: CPU per kind of thread, heap. */
final class JvmProbes {
    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private JvmProbes() {}

    /**
     * CPU seconds per kind of thread of a live process (thread names without their trailing
     * numbers, e.g. every {@code lottery-pekko.actor.default-dispatcher-N} together), most first:
     * where a JVM spends its CPU (dispatchers, the JIT, the GC, the store's thread).
     */
    static String threadCpu(long pid) {
        Map<String, Double> byKind = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("[-#]?\\d+$", "");
                    double seconds = ProcCpu.statSeconds(task.resolve("stat"), 14);
                    byKind.merge(name, seconds, Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return byKind.entrySet().stream().filter(e -> e.getValue() >= 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** The server's heap as jcmd reports it (after the run, before shutdown). */
    static String heapOf(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return "n/a (no jcmd in this Java)";
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = HEAP.matcher(out);
            return m.find() ? String.format("%d MiB used of %d MiB committed", Long.parseLong(m.group(2)) / 1024,
                    Long.parseLong(m.group(1)) / 1024) : "n/a";
        } catch (IOException | InterruptedException e) {
            return "n/a (" + e.getMessage() + ")";
        }
    }
}
