package tp0.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real child process — a server or agency started by its start script, or a command such as
 * {@code docker logs -f} — with its own working directory and environment. Its stdout+stderr
 * lines are kept in memory and in {@code <name>.log}, so callers can wait for a log line
 * instead of sleeping.
 */
public final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    /** {@code System.nanoTime()} when each line of {@link #lines} was read (log lines show only seconds). */
    private final List<Long> lineNanos = new ArrayList<>();
    private final Thread pump;

    private ChildProcess(String name, Process process, Path logFile, Consumer<String> echo) throws IOException {
        this.name = name;
        this.process = process;
        PrintStream log = new PrintStream(Files.newOutputStream(logFile), true, StandardCharsets.UTF_8);
        this.pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.println(line);
                    synchronized (lines) {
                        lines.add(line);
                        lineNanos.add(System.nanoTime());
                        lines.notifyAll();
                    }
                    echo.accept(line);
                }
            } catch (IOException e) {
                // The process went away; what was read is kept.
            } finally {
                log.close();
                synchronized (lines) {
                    lines.notifyAll();
                }
            }
        }, name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts a program through its start script ({@link StartScript}) in {@code workDir} with
     * {@code env} added to this process's environment; output goes to {@code workDir/<name>.log}
     * and to {@code echo}. The script runs the JDK of {@code JAVA_HOME} (from {@code env} or this
     * process's environment), else this process's own; it execs java, so the child's pid, its
     * signals and its exit status are the JVM's.
     */
    public static ChildProcess startScript(String name, Path script, Path workDir, Map<String, String> env,
                                           Consumer<String> echo) throws IOException {
        return startScript(name, script, List.of(), workDir, env, echo);
    }

    /** {@link #startScript(String, Path, Path, Map, Consumer)} with {@code args} for the program. */
    public static ChildProcess startScript(String name, Path script, List<String> args, Path workDir,
                                           Map<String, String> env, Consumer<String> echo) throws IOException {
        Map<String, String> withJava = new java.util.HashMap<>(env);
        if (!withJava.containsKey("JAVA_HOME") && System.getenv("JAVA_HOME") == null) {
            withJava.put("JAVA_HOME", System.getProperty("java.home"));
        }
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(args);
        return start(name, command, workDir, withJava, echo);
    }

    /** Starts {@code command} in {@code workDir}; output goes to {@code workDir/<name>.log} and to {@code echo}. */
    public static ChildProcess start(String name, List<String> command, Path workDir, Map<String, String> env,
                                     Consumer<String> echo) throws IOException {
        Files.createDirectories(workDir);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        return new ChildProcess(name, builder.start(), workDir.resolve(name + ".log"), echo);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** A memory figure of the process from /proc (e.g. VmRSS now, VmHWM peak), in KiB. */
    public long memoryKib(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"),
                StandardCharsets.UTF_8)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException(field + " not found for pid " + process.pid());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A copy of every line printed so far. */
    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /**
     * {@code System.nanoTime()} at which the first line containing {@code text} was read after
     * {@code afterNanos}, if one was.
     */
    public Optional<Long> firstLineAfter(String text, long afterNanos) {
        synchronized (lines) {
            for (int i = 0; i < lines.size(); i++) {
                if (lineNanos.get(i) > afterNanos && lines.get(i).contains(text)) {
                    return Optional.of(lineNanos.get(i));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until a line containing {@code text} is read after {@code afterNanos} and returns
     * when it was read (as {@link #firstLineAfter}); empty if the deadline passes or the process
     * ends first.
     */
    public Optional<Long> awaitLineAfter(String text, long afterNanos, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        synchronized (lines) {
            while (true) {
                Optional<Long> at = firstLineAfter(text, afterNanos);
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (at.isPresent() || left <= 0 || !pump.isAlive()) {
                    return at;
                }
                try {
                    lines.wait(Math.min(left, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** Lines that contain {@code text}. */
    public List<String> linesContaining(String text) {
        return lines().stream().filter(line -> line.contains(text)).toList();
    }

    /**
     * Waits until a line matches {@code regex} and returns its match; fails if the deadline
     * passes or the process ends first.
     */
    public Matcher awaitLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        Matcher m = pattern.matcher(awaitLines(line -> pattern.matcher(line).find(), 1,
                "a line matching /" + regex + "/", timeout));
        m.find();
        return m;
    }

    /**
     * Waits until at least {@code n} lines contain {@code text}; fails if the deadline passes or
     * the process ends first.
     */
    public void awaitCount(String text, long n, Duration timeout) {
        awaitLines(line -> line.contains(text), n, n + " lines with '" + text + "'", timeout);
    }

    /** Blocks until the {@code n}-th line accepted by {@code wanted} has been printed; returns it. */
    private String awaitLines(Predicate<String> wanted, long n, String what, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        int seen = 0;
        long found = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (wanted.test(lines.get(seen)) && ++found >= n) {
                        return lines.get(seen);
                    }
                }
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0 || (!pump.isAlive() && seen == lines.size())) {
                    throw new IllegalStateException(name + ": no " + what + " within " + timeout + " (" + found
                            + " found)" + (process.isAlive() ? "" : " (process exited " + process.exitValue() + ")")
                            + "; last lines:\n  " + String.join("\n  ", tail(20)));
                }
                try {
                    lines.wait(Math.min(left, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** SIGKILL: a crash, with no chance to clean up. */
    public void kill() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            pump.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends SIGTERM (how {@code docker stop} and {@code kill} ask a process to stop). Through
     * the process handle: {@code Process.destroy()} would also close our end of its output
     * pipe, losing the very shutdown lines we want to read.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to exit and for its last output line to be read. */
    public Optional<Integer> awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.empty();
            }
            pump.join(timeout.toMillis());
            return Optional.of(process.exitValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public List<String> tail(int n) {
        List<String> all = lines();
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** Kills the process if it is still running (cleanup after a failed test). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
