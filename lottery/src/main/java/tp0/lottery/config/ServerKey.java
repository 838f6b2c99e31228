package tp0.lottery.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Every key {@code config.ini} may hold, in {@code [DEFAULT]}; an environment variable of the
 * same name overrides each. One table for the loader's defaults, {@code --help} and the
 * warning about a key the server does not know (a misspelling would otherwise be ignored
 * in silence).
 */
public enum ServerKey {
    SERVER_PORT("12345", "TCP port (0 = any free port; the listen line tells which)"),
    SERVER_IP("0.0.0.0", "address to listen on"),
    SERVER_LISTEN_BACKLOG("5", "pending-connection queue of the listening socket (1..65535)"),
    LOGGING_LEVEL("INFO", "DEBUG, INFO, WARNING or ERROR (DEBUG logs every stored bet)"),
    LOG_FORMAT("text", "text: the contract's lines; json: each line one JSON object with the same fields"),
    NUM_AGENCIES("5", "how many agencies (ids 1..N) the draw waits for (1..100000)"),
    FRAME_TIMEOUT("30", "seconds (1..86400) a connection the server owes nothing may go without a complete frame"),
    MAX_CONNECTIONS("1024", "connections served at once (1..100000); one more gets TOO_MANY_CONNECTIONS"),
    AGENCY_SECRETS_FILE("", "file of '<agency id>=<secret>' lines; empty = no authentication"),
    STORE_GROUP_COMMIT("on", "on: batches arriving during an fsync share the next one; off: one fsync per batch"),
    SESSION_PIPELINE("32", "batches one connection may have at the store at once (1..1024; 1 = stop-and-wait)"),
    HEARTBEAT_TIMEOUT("15", "seconds (6..86400) a version-2 agency may go without a frame, whatever it waits for"),
    HTTP_PORT("8080", "HTTP port of the status page, /health and /metrics (0 = off; any = any free port, the http_listen line tells which)"),
    HTTP_IP("0.0.0.0", "address the HTTP port listens on"),
    STORE("file", "file: bets.csv in the working directory; postgres: a PostgreSQL database (DB_* keys)"),
    DB_URL("jdbc:postgresql://localhost:5432/lottery", "STORE=postgres: jdbc:postgresql://host:port/db"),
    DB_USER("lottery", "STORE=postgres: the database user"),
    DB_PASSWORD("", "STORE=postgres: its password (never logged); or DB_PASSWORD_FILE"),
    DB_PASSWORD_FILE("", "STORE=postgres: file holding the password (a Docker secret); not with DB_PASSWORD"),
    DB_CONNECT_TIMEOUT("60", "STORE=postgres: seconds (0..86400) the server waits for the database at start"),
    CLUSTER_SEED_NODES("", "host:port list (commas) of the cluster nodes' CLUSTER_PORTs; empty = one node, no cluster"),
    CLUSTER_HOST("127.0.0.1", "cluster mode: the host name or address the other nodes reach this node by"),
    CLUSTER_PORT("2552", "cluster mode: this node's cluster port (1..65535; in CLUSTER_SEED_NODES if it is a seed)"),
    TLS_KEYSTORE("", "PKCS#12 file with the server's key and certificate: TLS 1.3 on the agency port; empty = plaintext"),
    TLS_KEYSTORE_PASSWORD_FILE("", "file holding TLS_KEYSTORE's password (never logged)"),
    TLS_CLIENT_CA("", "PEM file of the CA of agency certificates: mutual TLS, an agency's id must match its certificate");

    private final String fallback;
    private final String meaning;

    ServerKey(String fallback, String meaning) {
        this.fallback = fallback;
        this.meaning = meaning;
    }

    /** The value when neither the environment nor config.ini sets the key ("" = unset). */
    public String fallback() {
        return fallback;
    }

    /** One line for {@code --help}. */
    public String meaning() {
        return meaning;
    }

    /** Keys are case-insensitive, as in Python's configparser. */
    public static Optional<ServerKey> named(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (ServerKey key : values()) {
            if (key.name().equals(upper)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }
}
