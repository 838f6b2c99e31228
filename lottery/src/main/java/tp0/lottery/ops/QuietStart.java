package tp0.lottery.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;

/**
 * When the HTTP port starts: at a moment the agencies do not need the CPU. Its start (Pekko
 * HTTP's settings, routes and header parser, the default TLS context Pekko's plain TCP stages
 * create, the JIT compiling all that) costs the server ~0.1 s of CPU, and right after the bind is
 * exactly when the agencies' JVMs start and send their first batches on the same cores. So it
 * waits {@link #GRACE} after the bind, then starts as soon as no connection is open (agencies that
 * start with the server are connected by then; a server started alone is idle), and at the latest
 * {@link #LATEST} after the bind, whatever is open: the health checks never wait longer than
 * that. A stop that comes first cancels it. See docs/decisions/0011-http-port-start.md.
 */
public final class QuietStart {

    /** Long enough for agencies started with the server to connect (a JVM start: ~0.25 s). */
    static final Duration GRACE = Duration.ofMillis(500);
    static final Duration POLL = Duration.ofMillis(100);
    /** The longest the HTTP port waits for quiet: the container healthcheck retries far longer. */
    static final Duration LATEST = Duration.ofSeconds(3);

    private QuietStart() {}

    /**
     * Runs {@code start} once, on {@code executor}: after {@link #GRACE}, at the first poll at
     * which {@code busy} says no, or at {@link #LATEST}; never once {@code stopping} says yes.
     */
    public static void schedule(Scheduler scheduler, ExecutionContext executor, BooleanSupplier busy,
                                BooleanSupplier stopping, Runnable start) {
        // Counted in polls, not read from a clock: the scheduler's time is the only one (a test's too).
        long lastPoll = LATEST.minus(GRACE).dividedBy(POLL);
        AtomicLong polls = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Cancellable> polling = new AtomicReference<>();
        polling.set(scheduler.scheduleAtFixedRate(GRACE, POLL, () -> {
            boolean stop = stopping.getAsBoolean();
            boolean late = polls.getAndIncrement() >= lastPoll;
            if ((stop || late || !busy.getAsBoolean()) && done.compareAndSet(false, true)) {
                Cancellable self = polling.get();
                if (self != null) {
                    self.cancel();
                }
                if (!stop) {
                    start.run();
                }
            }
        }, executor));
        if (done.get()) {
            polling.get().cancel(); // ran before the reference was set: its own cancel missed
        }
    }
}
