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
 * @param heartbeatTimeout how long a version-2 session may go without a frame, whatever it waits for
 *                         (its agency pings at least every {@code Protocol.MAX_PING_INTERVAL_MILLIS})
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
        Duration heartbeatTimeout) {

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
    public static final String HEARTBEAT_TIMEOUT = "HEARTBEAT_TIMEOUT";

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
                // Above the agencies' longest ping interval (5 s), or healthy agencies would be cut.
                Duration.ofSeconds(source.integer(HEARTBEAT_TIMEOUT, 15, 6, 86_400)));
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
