package tp0.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU seconds of a process as Linux's {@code /proc} counts them. */
public final class ProcCpu {
    private ProcCpu() {
    }

    /**
     * CPU seconds (user + system) from {@code /proc/<pid>/stat}, fields {@code field} and the
     * next as proc(5) numbers them: 14 (utime + stime) for a process's own; 16 for {@code self}
     * (cutime + cstime: every child it has reaped, so the agencies once awaited). A figure the
     * machine's other load hardly changes, unlike the wall-clock ones. NaN where it cannot be read.
     */
    public static double cpuSeconds(String pid, int field) {
        try {
            return statSeconds(Path.of("/proc", pid, "stat"), field);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * Fields {@code field} and the next of a {@code stat} file (a process's, or a thread's under
     * {@code task/}), in seconds; throws where the file is gone or unreadable.
     */
    public static double statSeconds(Path statFile, int field) throws IOException {
        String stat = Files.readString(statFile);
        // Fields after the command name, which may hold blanks, start at field 3.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        return (Long.parseLong(fields[field - 3]) + Long.parseLong(fields[field - 2])) / 100.0;
    }
}
