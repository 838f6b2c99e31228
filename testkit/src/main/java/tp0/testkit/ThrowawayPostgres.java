package tp0.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own for a test or a benchmark: {@code initdb} + {@code pg_ctl} in a
 * fresh directory, on a free loopback port, with every commit durable ({@code fsync} and
 * {@code synchronous_commit} on), password authentication over TCP, and one database
 * {@code lottery} owned by user {@code lottery}. Stopped and removed by {@link #close}. As
 * root (CI) the server runs as the {@code postgres} user, which PostgreSQL insists on.
 *
 * The binaries come from {@code PG_BIN}, else {@code /usr/lib/postgresql/15/bin} (Debian's
 * {@code postgresql-15}). {@link #start} throws {@link Unavailable} when they are missing or the
 * server cannot start, so callers can say SKIPPED loudly.
 */
public final class ThrowawayPostgres implements AutoCloseable {
    public static final String USER = "lottery";
    public static final String PASSWORD = "lottery-test-password";
    public static final String DATABASE = "lottery";

    /** No PostgreSQL can be started here; the message says why. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;

    private ThrowawayPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public static Path binaries() {
        String env = System.getenv("PG_BIN");
        return Path.of(env != null && !env.isBlank() ? env : "/usr/lib/postgresql/15/bin");
    }

    public static ThrowawayPostgres start() throws Unavailable {
        Path bin = binaries();
        if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
            throw new Unavailable("no initdb/pg_ctl in " + bin + " (apt-get install -y postgresql-15, or set PG_BIN)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("tp0-pg-");
            ThrowawayPostgres pg = new ThrowawayPostgres(bin, dir, freePort(), root);
            try {
                pg.init();
                pg.startServer();
                pg.run(List.of(bin.resolve("psql").toString(), "-q", "-h", dir.toString(), "-p",
                        String.valueOf(pg.port), "-U", USER, "-d", "postgres", "-c", "CREATE DATABASE " + DATABASE));
                return pg;
            } catch (IOException | RuntimeException e) {
                pg.close();
                throw new Unavailable("PostgreSQL did not start in " + dir + ": " + e.getMessage());
            }
        } catch (IOException e) {
            throw new Unavailable("no temporary directory: " + e.getMessage());
        }
    }

    private void init() throws IOException {
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, PASSWORD + "\n");
        if (asPostgresUser) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile=" + pwfile,
                "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256"));
    }

    private void startServer() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", serverOptions(), "start"));
    }

    private String serverOptions() {
        return "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                + " -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_wal_size=4GB"
                + " -c shared_buffers=256MB -c max_connections=50";
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/lottery}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    /** The server's environment for this database: {@code STORE=postgres} and how to reach it. */
    public java.util.Map<String, String> serverEnv() {
        return java.util.Map.of("STORE", "postgres", "DB_URL", jdbcUrl(), "DB_USER", USER, "DB_PASSWORD", PASSWORD);
    }

    /** A crash of PostgreSQL: {@code pg_ctl restart -m immediate} (no checkpoint; recovery replays the WAL). */
    public void restartImmediately() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "120", "-m", "immediate", "-o", serverOptions(), "restart"));
    }

    /** Stops it ({@code -m immediate} too when {@code crash}), leaving the data for {@link #startAgain}. */
    public void stop(boolean crash) throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-m",
                crash ? "immediate" : "fast", "stop"));
    }

    public void startAgain() throws IOException {
        startServer();
    }

    /**
     * An empty {@code public} schema and no other session: sessions an earlier user left behind (a
     * store stopped mid-COPY, a writer frozen on purpose) are ended first, since one that holds a
     * lock would make the DROP wait.
     */
    public void emptyDatabase() throws IOException {
        sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
        sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }

    /** Runs {@code sql} in the database with psql; returns its unaligned, tuples-only output. */
    public String sql(String sql) throws IOException {
        return run(List.of(bin.resolve("psql").toString(), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h",
                dir.toString(), "-p", String.valueOf(port), "-U", USER, "-d", DATABASE, "-c", sql)).strip();
    }

    /** Resident memory of the postmaster and every backend, in kB (0 when unknown). */
    public long rssKb() {
        try {
            String pidLine = Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip();
            long postmaster = Long.parseLong(pidLine);
            long total = rss(postmaster);
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.children().toList())
                    .orElse(List.of())) {
                total += rss(child.pid());
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU seconds (user + system) PostgreSQL has used so far: the postmaster's own and its reaped
     * children's (backends that ended), plus every live child's own.
     */
    public double cpuSeconds() {
        try {
            String pidLine = Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip();
            long postmaster = Long.parseLong(pidLine);
            double total = ProcCpu.cpuSeconds(Long.toString(postmaster), 14)
                    + ProcCpu.cpuSeconds(Long.toString(postmaster), 16);
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.children().toList())
                    .orElse(List.of())) {
                double own = ProcCpu.cpuSeconds(Long.toString(child.pid()), 14);
                total += Double.isNaN(own) ? 0 : own; // gone meanwhile: counted by the postmaster next time
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return 0;
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                stop(false);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("ThrowawayPostgres: stop failed: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is harmless
        }
    }

    private String run(List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser && !command.get(0).equals("chown")) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        // From /, not the build's folder: run as the postgres user, psql and pg_ctl complain into
        // their output when they cannot enter a folder only root may (a CI copy under mktemp -d).
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).directory(new java.io.File("/"));
        builder.environment().put("PGPASSWORD", PASSWORD);
        // A statement of ours that waits on a lock fails after two minutes rather than hanging the
        // build (the output is read to its end before the exit status is awaited).
        builder.environment().put("PGOPTIONS", "-c lock_timeout=120s");
        Process process = builder.start();
        byte[] out;
        try {
            out = process.getInputStream().readAllBytes();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + text.strip()
                    + (Files.exists(dir.resolve("server.log")) ? " | server.log: " + tail(dir.resolve("server.log")) : ""));
        }
        return text;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" / ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "?";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
