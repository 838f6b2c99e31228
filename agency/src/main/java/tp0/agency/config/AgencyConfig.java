package tp0.agency.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import tp0.agency.log.LogLevel;
import tp0.logline.LogLine;
import tp0.protocol.Bet;

/**
 * Everything the agency needs to run, already validated.
 *
 * @param singleBet present in single-bet mode (bet given in env vars; no file is read)
 */
public record AgencyConfig(
        int clientId,
        ServerAddress serverAddress,
        LogLevel logLevel,
        int batchMaxAmount,
        Duration connectTimeout,
        Path dataFile,
        Optional<Bet> singleBet) {

    /** The contract's config line: exactly these keys, in this order. */
    public String summaryLogLine() {
        return LogLine.success("config",
                "client_id", clientId,
                "server_address", serverAddress,
                "batch_max_amount", batchMaxAmount,
                "log_level", logLevel,
                "data_file", singleBet.isPresent() ? "none (single bet from env)" : dataFile);
    }
}
