package tp0.agency.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.YAMLException;
import tp0.agency.log.LogLevel;
import tp0.logline.LogFormat;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.Frame;

/**
 * Builds the {@link AgencyConfig} from {@code config.yaml} and the environment; an env var
 * beats the file, the file beats the default. Takes the env as a map and the file as a
 * path so tests need neither a real environment nor a working directory.
 *
 * <p>Unknown YAML keys (e.g. the course's {@code loop.amount}) are ignored. Errors name
 * the key the bad value came from: the env var if set there, else the YAML key.
 */
public final class ConfigLoader {
    public static final String FILE_NAME = "config.yaml";

    public static final String ENV_ID = "CLI_ID";
    public static final String ENV_SERVER_ADDRESS = "CLI_SERVER_ADDRESS";
    public static final String ENV_LOG_LEVEL = "CLI_LOG_LEVEL";
    public static final String ENV_LOG_FORMAT = "CLI_LOG_FORMAT";
    public static final String ENV_BATCH_MAX_AMOUNT = "CLI_BATCH_MAXAMOUNT";
    public static final String ENV_BATCH_WINDOW = "CLI_BATCH_WINDOW";
    public static final String ENV_CONNECT_TIMEOUT = "CLI_SERVER_CONNECTTIMEOUT";
    public static final String ENV_READ_TIMEOUT = "CLI_SERVER_READTIMEOUT";
    public static final String ENV_DATA_FILE = "CLI_DATA_FILE";
    public static final String ENV_SECRET = "CLI_SECRET";
    public static final String ENV_TLS_CA = "CLI_SERVER_TLS_CA";
    public static final String ENV_TLS_KEYSTORE = "CLI_SERVER_TLS_KEYSTORE";
    public static final String ENV_TLS_KEYSTORE_PASSWORD_FILE = "CLI_SERVER_TLS_KEYSTOREPASSWORDFILE";
    public static final String ENV_LOOP_PERIOD = "CLI_LOOP_PERIOD";

    public static final String KEY_SERVER_ADDRESS = "server.address";
    public static final String KEY_CONNECT_TIMEOUT = "server.connectTimeout";
    public static final String KEY_READ_TIMEOUT = "server.readTimeout";
    public static final String KEY_LOG_LEVEL = "log.level";
    public static final String KEY_LOG_FORMAT = "log.format";
    public static final String KEY_BATCH_MAX_AMOUNT = "batch.maxAmount";
    public static final String KEY_BATCH_WINDOW = "batch.window";
    public static final String KEY_SECRET = "server.secret";
    public static final String KEY_TLS_CA = "server.tls.ca";
    public static final String KEY_TLS_KEYSTORE = "server.tls.keystore";
    public static final String KEY_TLS_KEYSTORE_PASSWORD_FILE = "server.tls.keystorePasswordFile";
    public static final String KEY_LOOP_PERIOD = "loop.period";

    static final LogLevel DEFAULT_LOG_LEVEL = LogLevel.INFO;
    static final LogFormat DEFAULT_LOG_FORMAT = LogFormat.TEXT;
    static final int DEFAULT_BATCH_MAX_AMOUNT = 500;
    /**
     * Batches in flight by default: enough that the server always has the next batches at
     * hand while an ack travels back (and can store waiting ones together), yet only
     * 16 × 8 KiB of frames outstanding.
     */
    static final int DEFAULT_BATCH_WINDOW = 32;
    /** So that a typo cannot leave unbounded data in flight: 1024 × 8 KiB = 8 MiB at most. */
    static final int MAX_BATCH_WINDOW = 1024;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** A week: longer is surely a typo, and deadlines stay far from overflowing a nanosecond clock. */
    static final Duration MAX_CONNECT_TIMEOUT = Duration.ofDays(7);
    /** A BetBatch's count is a u16 on the wire. */
    static final int MAX_BATCH_MAX_AMOUNT = 0xFFFF;
    /** Hello's secret must leave room in its frame for the version, agency id and lengths. */
    static final int MAX_SECRET_BYTES = Frame.MAX_FRAME_BYTES - (Frame.LENGTH_FIELD_BYTES + 1 + 2 + 4 + 2);

    /** A setting's raw text and the key (env var or YAML path) it came from. */
    private record Raw(String key, String value) {
        String text() {
            return value.trim();
        }
    }

    private final Map<String, String> env;
    private final Map<?, ?> yaml;
    /** Why config.yaml could not be read (then {@link #yaml} is empty), reported by {@link #settings()}. */
    private final ConfigException unreadable;

    private ConfigLoader(Map<String, String> env, Map<?, ?> yaml, ConfigException unreadable) {
        this.env = env;
        this.yaml = yaml;
        this.unreadable = unreadable;
    }

    /**
     * @param configFile may be missing, when the env gives everything needed
     * @throws ConfigException for the first missing or invalid setting
     */
    public static AgencyConfig load(Map<String, String> env, Path configFile) throws ConfigException {
        return read(env, configFile).settings();
    }

    /**
     * The environment and {@code configFile}, read but not yet checked: Main asks
     * {@link #logFormat()} first, so that every line, a config error's included, is in that
     * format, then {@link #settings()}. A file that cannot be read is reported by {@code settings()}.
     */
    public static ConfigLoader read(Map<String, String> env, Path configFile) {
        try {
            return new ConfigLoader(env, readYaml(configFile), null);
        } catch (ConfigException e) {
            return new ConfigLoader(env, Map.of(), e);
        }
    }

    /**
     * {@code log.format} ({@code CLI_LOG_FORMAT}): text (the default) or json. From the
     * environment alone when config.yaml cannot be read.
     */
    public LogFormat logFormat() throws ConfigException {
        Optional<Raw> format = lookup(ENV_LOG_FORMAT, KEY_LOG_FORMAT);
        if (format.isEmpty()) {
            return DEFAULT_LOG_FORMAT;
        }
        try {
            return LogFormat.parse(format.get().text());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(format.get().key(), e.getMessage());
        }
    }

    /** The settings, checked; the log format too, though Main applies it from {@link #logFormat()}. */
    public AgencyConfig settings() throws ConfigException {
        // CLI_ID first: it is the one setting every deployment must give.
        int clientId = parseClientId(env.get(ENV_ID));
        if (unreadable != null) {
            throw unreadable;
        }
        logFormat();

        Raw address = lookup(ENV_SERVER_ADDRESS, KEY_SERVER_ADDRESS).orElseThrow(() -> new ConfigException(
                KEY_SERVER_ADDRESS, "missing: set it in " + FILE_NAME + " or with " + ENV_SERVER_ADDRESS));
        ServerAddresses servers;
        try {
            servers = ServerAddresses.parse(address.text());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(address.key(), e.getMessage());
        }

        LogLevel logLevel = DEFAULT_LOG_LEVEL;
        Optional<Raw> level = lookup(ENV_LOG_LEVEL, KEY_LOG_LEVEL);
        if (level.isPresent()) {
            try {
                logLevel = LogLevel.parse(level.get().text());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(level.get().key(), e.getMessage());
            }
        }

        int batchMaxAmount = DEFAULT_BATCH_MAX_AMOUNT;
        Optional<Raw> amount = lookup(ENV_BATCH_MAX_AMOUNT, KEY_BATCH_MAX_AMOUNT);
        if (amount.isPresent()) {
            batchMaxAmount = parseInt(amount.get(), 1, MAX_BATCH_MAX_AMOUNT);
        }

        int batchWindow = DEFAULT_BATCH_WINDOW;
        Optional<Raw> window = lookup(ENV_BATCH_WINDOW, KEY_BATCH_WINDOW);
        if (window.isPresent()) {
            batchWindow = parseInt(window.get(), 1, MAX_BATCH_WINDOW);
        }

        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        Optional<Raw> timeout = lookup(ENV_CONNECT_TIMEOUT, KEY_CONNECT_TIMEOUT);
        if (timeout.isPresent()) {
            connectTimeout = parseDuration(timeout.get());
        }

        Duration readTimeout = AgencyConfig.DEFAULT_READ_TIMEOUT;
        Optional<Raw> read = lookup(ENV_READ_TIMEOUT, KEY_READ_TIMEOUT);
        if (read.isPresent()) {
            readTimeout = parseDuration(read.get());
            if (readTimeout.isZero()) {
                throw new ConfigException(read.get().key(), "must be longer than 0");
            }
        }

        Duration loopPeriod = Duration.ZERO;
        Optional<Raw> period = lookup(ENV_LOOP_PERIOD, KEY_LOOP_PERIOD);
        if (period.isPresent()) {
            loopPeriod = parseDuration(period.get());
        }

        String dataFile = env.get(ENV_DATA_FILE);
        Path dataPath;
        try {
            dataPath = Path.of(isBlank(dataFile)
                    ? ".data/agency-" + clientId + ".csv"
                    : dataFile.trim());
        } catch (InvalidPathException e) {
            throw new ConfigException(ENV_DATA_FILE, "'" + dataFile.trim() + "' is not a path: " + e.getReason());
        }

        String secret = "";
        Optional<Raw> secretRaw = lookup(ENV_SECRET, KEY_SECRET);
        if (secretRaw.isPresent()) {
            secret = parseSecret(secretRaw.get());
        }

        TlsSettings tls = TlsSettings.load(setting(ENV_TLS_CA, KEY_TLS_CA),
                setting(ENV_TLS_KEYSTORE, KEY_TLS_KEYSTORE),
                setting(ENV_TLS_KEYSTORE_PASSWORD_FILE, KEY_TLS_KEYSTORE_PASSWORD_FILE));

        Optional<Bet> singleBet = SingleBetEnv.read(env);
        return new AgencyConfig(clientId, servers, logLevel, batchMaxAmount, batchWindow, connectTimeout, dataPath,
                singleBet, secret, readTimeout, tls, loopPeriod);
    }

    /** The error never quotes the value: it is a secret. */
    private static String parseSecret(Raw raw) throws ConfigException {
        String secret = raw.text();
        int bytes = Codec.utf8Length(secret);
        if (bytes > MAX_SECRET_BYTES) {
            throw new ConfigException(raw.key(), "secret of " + bytes + " bytes is longer than " + MAX_SECRET_BYTES);
        }
        return secret;
    }

    private static int parseClientId(String text) throws ConfigException {
        if (isBlank(text)) {
            throw new ConfigException(ENV_ID, "missing: the agency number (a positive integer) is required");
        }
        try {
            int id = Integer.parseInt(text.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the same message as a non-positive number.
        }
        throw new ConfigException(ENV_ID, "'" + text + "' is not a positive integer");
    }

    /** A whole number in {@code min..max} (min is positive). */
    /** A duration with its unit, of at most {@link #MAX_CONNECT_TIMEOUT}. */
    private static Duration parseDuration(Raw raw) throws ConfigException {
        Duration duration;
        try {
            duration = DurationText.parse(raw.text());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(raw.key(), e.getMessage());
        }
        if (duration.compareTo(MAX_CONNECT_TIMEOUT) > 0) {
            throw new ConfigException(raw.key(), "'" + raw.text() + "' is longer than "
                    + DurationText.format(MAX_CONNECT_TIMEOUT));
        }
        return duration;
    }

    private static int parseInt(Raw raw, int min, int max) throws ConfigException {
        int value;
        try {
            value = Integer.parseInt(raw.text());
        } catch (NumberFormatException e) {
            throw new ConfigException(raw.key(), "'" + raw.text() + "' is not a positive integer");
        }
        if (value < min || value > max) {
            throw new ConfigException(raw.key(), value + " is outside " + min + ".." + max);
        }
        return value;
    }

    /** The YAML document as a map; empty when the file does not exist. */
    private static Map<?, ?> readYaml(Path file) throws ConfigException {
        Object root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = YamlTree.read(reader);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | YAMLException e) {
            throw new ConfigException(file.toString(), "cannot read: " + oneLine(e.getMessage()));
        }
        if (root == null) {
            return Map.of(); // an empty file
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException(file.toString(), "expected a mapping of sections (server, log, batch)");
        }
        return map;
    }

    /** As {@link #lookup}, trimmed, for {@link TlsSettings}. */
    private Optional<TlsSettings.Setting> setting(String envName, String yamlPath) throws ConfigException {
        Optional<Raw> raw = lookup(envName, yamlPath);
        return raw.isEmpty() || raw.get().text().isEmpty() ? Optional.empty()
                : Optional.of(new TlsSettings.Setting(raw.get().key(), raw.get().text()));
    }

    /** The env var when set and not blank, else the YAML value at {@code yamlPath}. */
    private Optional<Raw> lookup(String envName, String yamlPath) throws ConfigException {
        String fromEnv = env.get(envName);
        if (!isBlank(fromEnv)) {
            return Optional.of(new Raw(envName, fromEnv));
        }
        Object node = yaml;
        int start = 0;
        while (true) {
            int dot = yamlPath.indexOf('.', start);
            String part = dot < 0 ? yamlPath.substring(start) : yamlPath.substring(start, dot);
            if (!(node instanceof Map<?, ?> map)) {
                throw new ConfigException(yamlPath.substring(0, start - 1), "expected a section, found a value");
            }
            node = map.get(part);
            if (node == null) {
                return Optional.empty();
            }
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        if (!(node instanceof String text)) {
            throw new ConfigException(yamlPath, "expected a single value, found a section or list");
        }
        return Optional.of(new Raw(yamlPath, text));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
