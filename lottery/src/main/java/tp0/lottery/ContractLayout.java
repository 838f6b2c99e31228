package tp0.lottery;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Iterator;
import org.slf4j.LoggerFactory;
import tp0.logline.JsonLogLine;
import tp0.logline.LogFormat;

/**
 * The layout of the server's stdout appenders (logback.xml): the pattern's text line, the
 * contract, or with {@code LOG_FORMAT=json} that line as one JSON object ({@link JsonLogLine}).
 * Converting the finished line, not the event, keeps every appender's fields (the Pekko lines'
 * {@code source} and {@code message} included) in the text line's order with no second list of
 * them. The JSON line never carries a throwable: its source is the same pattern with
 * {@code %nopex}, so a stack trace cannot turn into a field.
 */
public final class ContractLayout extends PatternLayout {

    /** The pattern without throwables, while the format is JSON; null: text. */
    private volatile PatternLayout jsonSource;

    @Override
    public String doLayout(ILoggingEvent event) {
        PatternLayout json = jsonSource;
        if (json == null) {
            return super.doLayout(event);
        }
        return JsonLogLine.ofTextLine(json.doLayout(event)).concat(CoreConstants.LINE_SEPARATOR);
    }

    /** Switches this layout to {@code format}; the next line is in it. */
    synchronized void use(LogFormat format) {
        if (format == LogFormat.TEXT) {
            jsonSource = null;
            return;
        }
        if (jsonSource == null) {
            PatternLayout source = new PatternLayout();
            source.setContext(getContext());
            source.setPattern(getPattern() + "%nopex");
            source.start();
            jsonSource = source;
        }
    }

    /**
     * Switches every {@code ContractLayout} of the running logback configuration to
     * {@code format}. Main calls it before its first line; a configuration without one (the
     * tests') is left as it is.
     */
    static void useEverywhere(LogFormat format) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            useEverywhere(context, format);
        }
    }

    /** As {@link #useEverywhere(LogFormat)}, in {@code context}. */
    static void useEverywhere(LoggerContext context, LogFormat format) {
        for (Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out
                        && out.getEncoder() instanceof LayoutWrappingEncoder<ILoggingEvent> encoder
                        && encoder.getLayout() instanceof ContractLayout layout) {
                    layout.use(format);
                }
            }
        }
    }
}
