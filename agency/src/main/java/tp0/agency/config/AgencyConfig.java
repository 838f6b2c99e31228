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
 * @param singleBet present in single-bet mode (bet given in env vars; no file is read)
 * @param secret    sent in Hello; empty when the agency has none. Never logged.
 */
public record AgencyConfig(
        int clientId,
        ServerAddress serverAddress,
        LogLevel logLevel,
        int batchMaxAmount,
        Duration connectTimeout,
        Path dataFile,
        Optional<Bet> singleBet,
        String secret) {

    public AgencyConfig {
        Objects.requireNonNull(secret, "secret");
    }

    /**
     * The contract's config line: exactly these keys, in this order; {@code secret} comes
     * last, so lines matched by their prefix still match, and says only whether one is set.
     */
    public String summaryLogLine() {
        return LogLine.success("config",
                "client_id", clientId,
                "server_address", serverAddress,
                "batch_max_amount", batchMaxAmount,
                "log_level", logLevel,
                "data_file", singleBet.isPresent() ? "none (single bet from env)" : dataFile,
                "secret", secret.isEmpty() ? "none" : "set");
    }

    /** Hides the secret: a record's own toString would print it wherever the config is printed. */
    @Override
    public String toString() {
        return "AgencyConfig[clientId=" + clientId + ", serverAddress=" + serverAddress + ", logLevel=" + logLevel
                + ", batchMaxAmount=" + batchMaxAmount + ", connectTimeout=" + connectTimeout + ", dataFile=" + dataFile
                + ", singleBet=" + singleBet + ", secret=" + (secret.isEmpty() ? "none" : "***") + "]";
    }
}
