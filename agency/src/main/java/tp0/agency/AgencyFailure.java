package tp0.agency;

import tp0.agency.bets.BetFileException;
import tp0.logline.LogLine;
import tp0.protocol.DecodeException;
import tp0.protocol.Message;

/**
 * Why the agency gives up: the contract fail line to log and the exit status. Thrown from
 * deep in the flow and logged once, by {@link AgencyClient#run()}, unless the failure is
 * only the echo of a requested stop (a socket we closed ourselves). A lost connection is
 * not one of these (see {@link tp0.agency.net.ConnectionLost}) until reconnecting fails.
 */
public final class AgencyFailure extends Exception {
    private final String logLine;
    private final int exitCode;

    public AgencyFailure(String logLine, int exitCode) {
        super(logLine, null, false, false);
        this.logLine = logLine;
        this.exitCode = exitCode;
    }

    public String logLine() {
        return logLine;
    }

    public int exitCode() {
        return exitCode;
    }

    static AgencyFailure badData(BetFileException e) {
        return new AgencyFailure(e.logLine(), ExitCodes.BAD_DATA);
    }

    public static AgencyFailure badFrame(String action, DecodeException e) {
        return new AgencyFailure(LogLine.fail(action, "code", e.code(), "error", "bad frame from server: " + e.getMessage()),
                ExitCodes.FAILURE);
    }

    /** The server refused with an Error message. */
    public static AgencyFailure serverError(String action, Message.Error error) {
        return new AgencyFailure(LogLine.fail(action, "code", error.code(), "error", error.text()), ExitCodes.FAILURE);
    }

    /** A message that makes no sense at this point of the conversation. */
    public static AgencyFailure unexpected(String action, Message message) {
        return new AgencyFailure(LogLine.fail(action, "error", "unexpected " + message.type() + " from server"),
                ExitCodes.FAILURE);
    }
}
