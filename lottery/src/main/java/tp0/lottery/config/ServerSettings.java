package tp0.lottery.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tp0.logline.LogFormat;

/**
 * The server's settings, read once at start from {@code config.ini} ([DEFAULT]) with an
 * environment variable of the same name overriding each key, then passed down immutable.
 *
 * @param finishMarksFile the durable "all bets sent" marks, one agency id per line
 * @param frameTimeout    how long a connection the server owes nothing may go without a complete frame
 * @param maxConnections  sessions open at once; one more is refused with TOO_MANY_CONNECTIONS
 * @param agencySecrets   {@link AgencySecrets#NONE} unless {@code AGENCY_SECRETS_FILE} names a file
 * @param storeGroupCommit batches that reach the store during an fsync share the next one (off: one fsync per batch)
 * @param sessionPipeline  batches one connection may have at the store at once (1: stop-and-wait)
 * @param heartbeatTimeout how long a version-2 session may go without a frame, whatever it waits for
 *                         (its agency pings at least every {@code Protocol.MAX_PING_INTERVAL_MILLIS})
 * @param store            {@code STORE}: the file store (default) or PostgreSQL and how to reach it
 * @param tls              {@code TLS_*}: plaintext (default), TLS, or mutual TLS on the agency port
 * @param httpHost         {@code HTTP_IP}
 * @param httpPort         {@code HTTP_PORT}: {@link #HTTP_OFF}, 0 (any free port) or the port
 * @param cluster          {@code CLUSTER_*}: one node (default) or a member of a Pekko Cluster
 */
public record ServerSettings(
        String host,
        int port,
        int listenBacklog,
        String loggingLevel,
        int numAgencies,
        Path betsFile,
        Path finishMarksFile,
        Duration frameTimeout,
        int maxConnections,
        AgencySecrets agencySecrets,
        boolean storeGroupCommit,
        int sessionPipeline,
        Duration heartbeatTimeout,
        StoreSettings store,
        TlsSettings tls,
        String httpHost,
        int httpPort,
        ClusterSettings cluster) {

    /** {@code HTTP_PORT = 0}: no HTTP port at all. */
    public static final int HTTP_OFF = -1;

    /** A single node (no cluster). */
    public ServerSettings(String host, int port, int listenBacklog, String loggingLevel, int numAgencies, Path betsFile,
                          Path finishMarksFile, Duration frameTimeout, int maxConnections, AgencySecrets agencySecrets,
                          boolean storeGroupCommit, int sessionPipeline, Duration heartbeatTimeout,
                          StoreSettings store, TlsSettings tls, String httpHost, int httpPort) {
        this(host, port, listenBacklog, loggingLevel, numAgencies, betsFile, finishMarksFile, frameTimeout,
                maxConnections, agencySecrets, storeGroupCommit, sessionPipeline, heartbeatTimeout, store, tls,
                httpHost, httpPort, ClusterSettings.SINGLE_NODE);
    }

    public boolean httpEnabled() {
        return httpPort != HTTP_OFF;
    }

    /** Both files live in the working directory; "all bets sent" marks sit next to the bets. */
    public static final String BETS_FILE_NAME = "bets.csv";
    public static final String FINISH_MARKS_FILE_NAME = "all-bets-sent.txt";

    public static ServerSettings load(IniFile ini, Map<String, String> env, Path workDir) throws ConfigException {
        Source source = new Source(ini, env);
        logFormat(source); // applied by Main before anything is logged; refused here all the same
        StoreSettings store = store(source, workDir);
        return new ServerSettings(
                source.string(ServerKey.SERVER_IP),
                source.integer(ServerKey.SERVER_PORT, 0, 65535),
                source.integer(ServerKey.SERVER_LISTEN_BACKLOG, 1, 65535),
                loggingLevel(source.string(ServerKey.LOGGING_LEVEL)),
                source.integer(ServerKey.NUM_AGENCIES, 1, 100_000),
                workDir.resolve(BETS_FILE_NAME),
                workDir.resolve(FINISH_MARKS_FILE_NAME),
                Duration.ofSeconds(source.integer(ServerKey.FRAME_TIMEOUT, 1, 86_400)),
                source.integer(ServerKey.MAX_CONNECTIONS, 1, 100_000),
                agencySecrets(source.optional(ServerKey.AGENCY_SECRETS_FILE), workDir),
                source.onOff(ServerKey.STORE_GROUP_COMMIT),
                source.integer(ServerKey.SESSION_PIPELINE, 1, 1024),
                // Above the agencies' longest ping interval (5 s), or healthy agencies would be cut.
                Duration.ofSeconds(source.integer(ServerKey.HEARTBEAT_TIMEOUT, 6, 86_400)),
                store,
                TlsSettings.load(source.optional(ServerKey.TLS_KEYSTORE),
                        source.optional(ServerKey.TLS_KEYSTORE_PASSWORD_FILE),
                        source.optional(ServerKey.TLS_CLIENT_CA), workDir),
                source.string(ServerKey.HTTP_IP),
                httpPort(source.string(ServerKey.HTTP_PORT)),
                cluster(source, store));
    }

    /** As before TLS, the HTTP port and the cluster: plaintext on the agency port, no HTTP port, one node. */
    public ServerSettings(String host, int port, int listenBacklog, String loggingLevel, int numAgencies, Path betsFile,
                          Path finishMarksFile, Duration frameTimeout, int maxConnections, AgencySecrets agencySecrets,
                          boolean storeGroupCommit, int sessionPipeline, Duration heartbeatTimeout,
                          StoreSettings store) {
        this(host, port, listenBacklog, loggingLevel, numAgencies, betsFile, finishMarksFile, frameTimeout,
                maxConnections, agencySecrets, storeGroupCommit, sessionPipeline, heartbeatTimeout, store, TlsSettings.OFF,
                "0.0.0.0", HTTP_OFF);
    }

    /** 0 or off: no HTTP port; any: a free port (what tests use); else 1..65535. */
    private static int httpPort(String value) throws ConfigException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "0", "off" -> HTTP_OFF;
            case "any" -> 0;
            default -> {
                try {
                    int port = Integer.parseInt(value);
                    if (port >= 1 && port <= 65535) {
                        yield port;
                    }
                } catch (NumberFormatException e) {
                    // the message below says what is accepted
                }
                throw new ConfigException(ServerKey.HTTP_PORT.name(), "'" + value + "' is not 0 (off), any or 1..65535");
            }
        };
    }

    /**
     * No seed nodes: one node. Otherwise a member of the cluster the seeds form, which only a
     * shared database makes sound: every node must see every agency's count and marks.
     */
    private static ClusterSettings cluster(Source source, StoreSettings store) throws ConfigException {
        Optional<String> seedList = source.optional(ServerKey.CLUSTER_SEED_NODES);
        if (seedList.isEmpty()) {
            return ClusterSettings.SINGLE_NODE;
        }
        List<String> seeds = new java.util.ArrayList<>();
        // Deliberately split's dropping of trailing empty strings: "a:1,b:2," lists two seeds.
        @SuppressWarnings("StringSplitter")
        String[] parts = seedList.get().split(",");
        for (String part : parts) {
            String seed = part.strip();
            int colon = seed.lastIndexOf(':');
            boolean valid = colon > 0 && colon < seed.length() - 1 && seed.indexOf(' ') < 0;
            if (valid) {
                try {
                    int port = Integer.parseInt(seed.substring(colon + 1));
                    valid = port >= 1 && port <= 65535;
                } catch (NumberFormatException e) {
                    valid = false;
                }
            }
            if (!valid) {
                throw new ConfigException(ServerKey.CLUSTER_SEED_NODES.name(),
                        "'" + seed + "' is not host:port (port 1..65535)");
            }
            seeds.add(seed);
        }
        if (!(store instanceof StoreSettings.Postgres)) {
            throw new ConfigException(ServerKey.CLUSTER_SEED_NODES.name(),
                    "a cluster needs STORE=postgres (the nodes share the database); STORE is " + store.describe());
        }
        String host = source.string(ServerKey.CLUSTER_HOST);
        if (host.indexOf(' ') >= 0 || host.indexOf('|') >= 0) {
            throw new ConfigException(ServerKey.CLUSTER_HOST.name(), "'" + host + "' is not a host name or address");
        }
        return new ClusterSettings.Member(host, source.integer(ServerKey.CLUSTER_PORT, 1, 65535), seeds);
    }

    /** The keys of {@code ini} that name no setting (each ignored; the caller warns). */
    public static List<IniFile.Entry> unknownKeys(IniFile ini) {
        return ini.entries().stream().filter(entry -> ServerKey.named(entry.key()).isEmpty()).toList();
    }

    /** {@code STORE = file} needs nothing more; {@code postgres} needs the database's keys. */
    private static StoreSettings store(Source source, Path workDir) throws ConfigException {
        String kind = source.string(ServerKey.STORE).toLowerCase(Locale.ROOT);
        switch (kind) {
            case "file" -> {
                return StoreSettings.FILE;
            }
            case "postgres" -> {
                // the database's keys follow
            }
            default -> throw new ConfigException(ServerKey.STORE.name(), "'" + kind + "' is not file or postgres");
        }
        String url = source.string(ServerKey.DB_URL);
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException(ServerKey.DB_URL.name(), "'" + url + "' does not start with jdbc:postgresql://");
        }
        String user = source.string(ServerKey.DB_USER);
        Optional<String> password = source.optional(ServerKey.DB_PASSWORD);
        Optional<String> passwordFile = source.optional(ServerKey.DB_PASSWORD_FILE);
        if (password.isPresent() && passwordFile.isPresent()) {
            throw new ConfigException(ServerKey.DB_PASSWORD_FILE.name(), "set DB_PASSWORD or DB_PASSWORD_FILE, not both");
        }
        String secret = password.orElse("");
        if (passwordFile.isPresent()) {
            Path file = workDir.resolve(passwordFile.get());
            try {
                // Docker secrets end in a newline that is not part of the password.
                secret = java.nio.file.Files.readString(file).strip();
            } catch (java.io.IOException e) {
                throw new ConfigException(ServerKey.DB_PASSWORD_FILE.name(), "cannot read " + file + ": " + e.getMessage());
            }
        }
        Duration connectTimeout = Duration.ofSeconds(source.integer(ServerKey.DB_CONNECT_TIMEOUT, 0, 86_400));
        return new StoreSettings.Postgres(url, user, secret, connectTimeout);
    }

    /** No file (absent or empty key): authentication off, the exercise's behaviour. */
    private static AgencySecrets agencySecrets(Optional<String> file, Path workDir) throws ConfigException {
        if (file.isEmpty()) {
            return AgencySecrets.NONE;
        }
        Path path;
        try {
            path = workDir.resolve(file.get());
        } catch (InvalidPathException e) {
            throw new ConfigException(ServerKey.AGENCY_SECRETS_FILE.name(), "'" + file.get() + "' is not a path: "
                    + e.getReason());
        }
        return AgencySecrets.load(path, ServerKey.AGENCY_SECRETS_FILE.name());
    }

    /**
     * {@code LOG_FORMAT}: text (the contract's lines, the default) or json. Main reads it on its
     * own, before the other settings, so that every line, their errors' included, is in it.
     */
    public static LogFormat logFormat(IniFile ini, Map<String, String> env) throws ConfigException {
        return logFormat(new Source(ini, env));
    }

    private static LogFormat logFormat(Source source) throws ConfigException {
        try {
            return LogFormat.parse(source.string(ServerKey.LOG_FORMAT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ServerKey.LOG_FORMAT.name(), e.getMessage());
        }
    }

    /** Accepts Python's level names too (WARNING, CRITICAL); returns Logback's. */
    private static String loggingLevel(String value) throws ConfigException {
        return switch (value.toUpperCase(Locale.ROOT)) {
            case "TRACE" -> "TRACE";
            case "DEBUG" -> "DEBUG";
            case "INFO" -> "INFO";
            case "WARN", "WARNING" -> "WARN";
            case "ERROR", "CRITICAL" -> "ERROR";
            default -> throw new ConfigException(ServerKey.LOGGING_LEVEL.name(),
                    "'" + value + "' is not one of DEBUG, INFO, WARNING, ERROR");
        };
    }

    /** env first, then config.ini, then the key's default. */
    private record Source(IniFile ini, Map<String, String> env) {
        Optional<String> raw(ServerKey key) {
            String fromEnv = env.get(key.name());
            if (fromEnv != null) return Optional.of(fromEnv.strip());
            return ini.get(key.name());
        }

        /** A key whose empty value means "not set". */
        Optional<String> optional(ServerKey key) {
            return raw(key).or(() -> Optional.of(key.fallback())).filter(value -> !value.isEmpty());
        }

        String value(ServerKey key) {
            return raw(key).orElse(key.fallback());
        }

        String string(ServerKey key) throws ConfigException {
            String value = value(key);
            if (value.isEmpty()) throw new ConfigException(key.name(), "is empty");
            return value;
        }

        /** on/off, or any other spelling Python's configparser getboolean accepts. */
        boolean onOff(ServerKey key) throws ConfigException {
            String value = value(key);
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1" -> true;
                case "off", "false", "no", "0" -> false;
                default -> throw new ConfigException(key.name(), "'" + value + "' is not on or off");
            };
        }

        int integer(ServerKey key, int min, int max) throws ConfigException {
            String value = value(key);
            try {
                int n = Integer.parseInt(value);
                if (n < min || n > max) {
                    throw new ConfigException(key.name(), "'" + value + "' is outside " + min + ".." + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException(key.name(), "'" + value + "' is not an integer");
            }
        }
    }
}
