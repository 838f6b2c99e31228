package tp0.lottery.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
 * @param store            {@code STORE}: the file store (default) or PostgreSQL and how to reach it
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
        StoreSettings store) {

    public static final String SERVER_PORT = "SERVER_PORT";
    public static final String SERVER_IP = "SERVER_IP";
    public static final String SERVER_LISTEN_BACKLOG = "SERVER_LISTEN_BACKLOG";
    public static final String LOGGING_LEVEL = "LOGGING_LEVEL";
    public static final String NUM_AGENCIES = "NUM_AGENCIES";
    public static final String FRAME_TIMEOUT = "FRAME_TIMEOUT";
    public static final String MAX_CONNECTIONS = "MAX_CONNECTIONS";
    public static final String AGENCY_SECRETS_FILE = "AGENCY_SECRETS_FILE";
    public static final String STORE_GROUP_COMMIT = "STORE_GROUP_COMMIT";
    public static final String SESSION_PIPELINE = "SESSION_PIPELINE";
    public static final String STORE = "STORE";
    public static final String DB_URL = "DB_URL";
    public static final String DB_USER = "DB_USER";
    public static final String DB_PASSWORD = "DB_PASSWORD";
    public static final String DB_PASSWORD_FILE = "DB_PASSWORD_FILE";
    public static final String DB_CONNECT_TIMEOUT = "DB_CONNECT_TIMEOUT";

    /** Both files live in the working directory; "all bets sent" marks sit next to the bets. */
    public static final String BETS_FILE_NAME = "bets.csv";
    public static final String FINISH_MARKS_FILE_NAME = "all-bets-sent.txt";

    public static ServerSettings load(IniFile ini, Map<String, String> env, Path workDir) throws ConfigException {
        Source source = new Source(ini, env);
        return new ServerSettings(
                source.string(SERVER_IP, "0.0.0.0"),
                source.integer(SERVER_PORT, 12345, 0, 65535),
                source.integer(SERVER_LISTEN_BACKLOG, 5, 1, 65535),
                loggingLevel(source.string(LOGGING_LEVEL, "INFO")),
                source.integer(NUM_AGENCIES, 5, 1, 100_000),
                workDir.resolve(BETS_FILE_NAME),
                workDir.resolve(FINISH_MARKS_FILE_NAME),
                Duration.ofSeconds(source.integer(FRAME_TIMEOUT, 30, 1, 86_400)),
                source.integer(MAX_CONNECTIONS, 1024, 1, 100_000),
                agencySecrets(source.optional(AGENCY_SECRETS_FILE), workDir),
                source.onOff(STORE_GROUP_COMMIT, true),
                source.integer(SESSION_PIPELINE, 16, 1, 1024),
                store(source, workDir));
    }

    /** {@code STORE = file} needs nothing more; {@code postgres} needs the database's keys. */
    private static StoreSettings store(Source source, Path workDir) throws ConfigException {
        String kind = source.string(STORE, "file").toLowerCase(Locale.ROOT);
        switch (kind) {
            case "file":
                return StoreSettings.FILE;
            case "postgres":
                break;
            default:
                throw new ConfigException(STORE, "'" + kind + "' is not file or postgres");
        }
        String url = source.string(DB_URL, "jdbc:postgresql://localhost:5432/lottery");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException(DB_URL, "'" + url + "' does not start with jdbc:postgresql://");
        }
        String user = source.string(DB_USER, "lottery");
        Optional<String> password = source.optional(DB_PASSWORD);
        Optional<String> passwordFile = source.optional(DB_PASSWORD_FILE);
        if (password.isPresent() && passwordFile.isPresent()) {
            throw new ConfigException(DB_PASSWORD_FILE, "set DB_PASSWORD or DB_PASSWORD_FILE, not both");
        }
        String secret = password.orElse("");
        if (passwordFile.isPresent()) {
            Path file = workDir.resolve(passwordFile.get());
            try {
                // Docker secrets end in a newline that is not part of the password.
                secret = java.nio.file.Files.readString(file).strip();
            } catch (java.io.IOException e) {
                throw new ConfigException(DB_PASSWORD_FILE, "cannot read " + file + ": " + e.getMessage());
            }
        }
        Duration connectTimeout = Duration.ofSeconds(source.integer(DB_CONNECT_TIMEOUT, 60, 0, 86_400));
        return new StoreSettings.Postgres(url, user, secret, connectTimeout);
    }

    /** No file (absent or empty key): authentication off, the exercise's behaviour. */
    private static AgencySecrets agencySecrets(Optional<String> file, Path workDir) throws ConfigException {
        if (file.isEmpty()) {
            return AgencySecrets.NONE;
        }
        return AgencySecrets.load(workDir.resolve(file.get()), AGENCY_SECRETS_FILE);
    }

    /** Accepts Python's level names too (WARNING, CRITICAL); returns Logback's. */
    private static String loggingLevel(String value) throws ConfigException {
        switch (value.toUpperCase(Locale.ROOT)) {
            case "TRACE": return "TRACE";
            case "DEBUG": return "DEBUG";
            case "INFO": return "INFO";
            case "WARN":
            case "WARNING": return "WARN";
            case "ERROR":
            case "CRITICAL": return "ERROR";
            default:
                throw new ConfigException(LOGGING_LEVEL,
                        "'" + value + "' is not one of DEBUG, INFO, WARNING, ERROR");
        }
    }

    /** env first, then config.ini, then the default. */
    private record Source(IniFile ini, Map<String, String> env) {
        Optional<String> raw(String key) {
            String fromEnv = env.get(key);
            if (fromEnv != null) return Optional.of(fromEnv.strip());
            return ini.get(key);
        }

        /** A key whose empty value means "not set". */
        Optional<String> optional(String key) {
            return raw(key).filter(value -> !value.isEmpty());
        }

        String string(String key, String fallback) throws ConfigException {
            String value = raw(key).orElse(fallback);
            if (value.isEmpty()) throw new ConfigException(key, "is empty");
            return value;
        }

        /** on/off, or any other spelling Python's configparser getboolean accepts. */
        boolean onOff(String key, boolean fallback) throws ConfigException {
            Optional<String> value = raw(key);
            if (value.isEmpty()) return fallback;
            switch (value.get().toLowerCase(Locale.ROOT)) {
                case "on": case "true": case "yes": case "1": return true;
                case "off": case "false": case "no": case "0": return false;
                default: throw new ConfigException(key, "'" + value.get() + "' is not on or off");
            }
        }

        int integer(String key, int fallback, int min, int max) throws ConfigException {
            Optional<String> value = raw(key);
            if (value.isEmpty()) return fallback;
            try {
                int n = Integer.parseInt(value.get());
                if (n < min || n > max) {
                    throw new ConfigException(key, "'" + value.get() + "' is outside " + min + ".." + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "'" + value.get() + "' is not an integer");
            }
        }
    }
}
