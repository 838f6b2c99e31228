package tp0.agency.config;

import java.util.Locale;

/**
 * Every setting of the agency, as {@code --help} lists it: its {@code config.yaml} key (none for
 * those given only by the environment), the environment variable that overrides it, its
 * default, its meaning. The names and defaults are {@link ConfigLoader}'s own.
 */
public enum AgencyKey {
    ID(null, ConfigLoader.ENV_ID, "(required)", "agency number, 1..NUM_AGENCIES of the server"),
    SERVER_ADDRESS(ConfigLoader.KEY_SERVER_ADDRESS, ConfigLoader.ENV_SERVER_ADDRESS, "(required)",
            "host:port of the lottery server, or a comma-separated list of lottery nodes to fail over between"),
    CONNECT_TIMEOUT(ConfigLoader.KEY_CONNECT_TIMEOUT, ConfigLoader.ENV_CONNECT_TIMEOUT,
            DurationText.format(ConfigLoader.DEFAULT_CONNECT_TIMEOUT),
            "how long to keep retrying to reach the server, at start and after each loss (500ms, 30s, 2m)"),
    READ_TIMEOUT(ConfigLoader.KEY_READ_TIMEOUT, ConfigLoader.ENV_READ_TIMEOUT,
            DurationText.format(AgencyConfig.DEFAULT_READ_TIMEOUT),
            "longest silence of the server while the agency waits (it pings meanwhile); then it reconnects"),
    SECRET(ConfigLoader.KEY_SECRET, ConfigLoader.ENV_SECRET, "(none)",
            "sent in Hello to a server with per-agency secrets; never logged"),
    TLS_CA(ConfigLoader.KEY_TLS_CA, ConfigLoader.ENV_TLS_CA, "(none: plaintext)",
            "PEM file of the CA that signed the server's certificate: TLS 1.3, server certificate and host name checked"),
    TLS_KEYSTORE(ConfigLoader.KEY_TLS_KEYSTORE, ConfigLoader.ENV_TLS_KEYSTORE, "(none)",
            "PKCS#12 with this agency's key and certificate (CN or SAN agency-<id>), for a server with TLS_CLIENT_CA"),
    TLS_KEYSTORE_PASSWORD_FILE(ConfigLoader.KEY_TLS_KEYSTORE_PASSWORD_FILE, ConfigLoader.ENV_TLS_KEYSTORE_PASSWORD_FILE,
            "(none)", "file holding server.tls.keystore's password; never logged"),
    LOG_LEVEL(ConfigLoader.KEY_LOG_LEVEL, ConfigLoader.ENV_LOG_LEVEL, ConfigLoader.DEFAULT_LOG_LEVEL.name(),
            "DEBUG, INFO, WARNING or ERROR"),
    LOG_FORMAT(ConfigLoader.KEY_LOG_FORMAT, ConfigLoader.ENV_LOG_FORMAT,
            ConfigLoader.DEFAULT_LOG_FORMAT.name().toLowerCase(Locale.ROOT),
            "text: the contract's lines; json: each line one JSON object with the same fields"),
    BATCH_MAX_AMOUNT(ConfigLoader.KEY_BATCH_MAX_AMOUNT, ConfigLoader.ENV_BATCH_MAX_AMOUNT,
            Integer.toString(ConfigLoader.DEFAULT_BATCH_MAX_AMOUNT),
            "most bets per batch (1.." + ConfigLoader.MAX_BATCH_MAX_AMOUNT + "; a batch also never exceeds 8 KiB)"),
    BATCH_WINDOW(ConfigLoader.KEY_BATCH_WINDOW, ConfigLoader.ENV_BATCH_WINDOW,
            Integer.toString(ConfigLoader.DEFAULT_BATCH_WINDOW),
            "most batches sent and not yet acknowledged (1.." + ConfigLoader.MAX_BATCH_WINDOW + "; 1 = stop-and-wait)"),
    LOOP_PERIOD(ConfigLoader.KEY_LOOP_PERIOD, ConfigLoader.ENV_LOOP_PERIOD, "0s",
            "pause after each batch and after the all-sent notice, as the course's client loop (150ms, 1s); 0s: none"),
    DATA_FILE(null, ConfigLoader.ENV_DATA_FILE, ".data/agency-<CLI_ID>.csv", "the bets to send");

    private final String yamlKey;
    private final String env;
    private final String fallback;
    private final String meaning;

    AgencyKey(String yamlKey, String env, String fallback, String meaning) {
        this.yamlKey = yamlKey;
        this.env = env;
        this.fallback = fallback;
        this.meaning = meaning;
    }

    /** The config.yaml key, or "—" for a setting only the environment gives. */
    public String yamlKey() {
        return yamlKey == null ? "—" : yamlKey;
    }

    public String env() {
        return env;
    }

    public String fallback() {
        return fallback;
    }

    public String meaning() {
        return meaning;
    }
}
