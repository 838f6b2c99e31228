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
 * @param batchWindow most batches sent and not yet acknowledged (1 = stop-and-wait)
 * @param singleBet   present in single-bet mode (bet given in env vars; no file is read)
 * @param secret      sent in Hello; empty when the agency has none. Never logged.
 */
public record AgencyConfig(
        int clientId,
        ServerAddress serverAddress,
        LogLevel logLevel,
        int batchMaxAmount,
        int batchWindow,
        Duration connectTimeout,
        Path dataFile,
        Optional<Bet> singleBet,
        String secret) {

    public AgencyConfig {
        Objects.requireNonNull(secret, "secret");
        if (batchWindow < 1) {
            throw new IllegalArgumentException("batchWindow must be positive: " + batchWindow);
        }
    }

    /**
     * The contract's config line: exactly these keys, in this order. The exercise's keys
     * come first and {@code secret} (which says only whether one is set) right after them,
     * so lines matched by their prefix still match; later settings are appended after it.
     */
    public String summaryLogLine() {
        return LogLine.success("config",
                "client_id", clientId,
                "server_address", serverAddress,
                "batch_max_amount", batchMaxAmount,
                "log_level", logLevel,
                "data_file", singleBet.isPresent() ? "none (single bet from env)" : dataFile,
                "secret", secret.isEmpty() ? "none" : "set",
                "batch_window", batchWindow);
    }

    /** Hides the secret: a record's own toString would print it wherever the config is printed. */
    @Override
    public String toString() {
        return "AgencyConfig[clientId=" + clientId + ", serverAddress=" + serverAddress + ", logLevel=" + logLevel
                + ", batchMaxAmount=" + batchMaxAmount + ", batchWindow=" + batchWindow
                + ", connectTimeout=" + connectTimeout + ", dataFile=" + dataFile
                + ", singleBet=" + singleBet + ", secret=" + (secret.isEmpty() ? "none" : "***") + "]";
    }
}
