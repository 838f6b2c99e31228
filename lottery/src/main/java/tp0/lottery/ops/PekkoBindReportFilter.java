package tp0.lottery.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps Pekko's own report of a failed bind ({@code org.apache.pekko.io.TcpListener}: "Bind
 * failed for TCP channel on endpoint", logged with the exception) out of the log: the server
 * reports the same failure itself in one {@code fail} line that also names the setting
 * ({@link BindFailure}), and a second ERROR line for it would only say less. Pekko's other lines
 * from the listener (e.g. an accept error) still come. Used by logback.xml.
 */
public final class PekkoBindReportFilter extends Filter<ILoggingEvent> {

    private static final String LOGGER = "org.apache.pekko.io.TcpListener";
    private static final String BIND_FAILED = "Bind failed for TCP channel";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        String message = event.getMessage();
        return LOGGER.equals(event.getLoggerName()) && message != null && message.startsWith(BIND_FAILED)
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
