package tp0.agency.log;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import tp0.logline.LogLine;

/**
 * Logs how many of this agency's bets the server holds, every couple of seconds, so a long
 * file shows it is moving. The rate is over the last interval: it shows a slowdown when it
 * happens. Each (re)connection restarts the count from the server's own figure.
 */
public final class ProgressReporter {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Log log;
    private final LongSupplier nanoClock;
    private long acked;
    private long ackedAtLastReport;
    private long lastReportNanos;

    public ProgressReporter(Log log, LongSupplier nanoClock) {
        this.log = log;
        this.nanoClock = nanoClock;
        this.lastReportNanos = nanoClock.getAsLong();
    }

    public void acked(int bets) {
        acked += bets;
        long now = nanoClock.getAsLong();
        long elapsed = now - lastReportNanos;
        if (elapsed >= INTERVAL_NANOS) {
            long rate = Math.round((acked - ackedAtLastReport) * 1e9 / elapsed);
            log.info(LogLine.inProgress("progress", "sent", acked, "rate", rate + "/s"));
            ackedAtLastReport = acked;
            lastReportNanos = now;
        }
    }

    /** The server's count on (re)connecting: counting goes on from there, the rate from now. */
    public void resume(long storedBets) {
        acked = storedBets;
        ackedAtLastReport = storedBets;
        lastReportNanos = nanoClock.getAsLong();
    }

    /** Bets of this agency the server holds, as far as the agency knows. */
    public long acked() {
        return acked;
    }
}
