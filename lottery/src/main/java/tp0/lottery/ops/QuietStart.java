package tp0.lottery.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;

/**
 * When the HTTP port starts: once the first agencies have been served, not while they start.
 * Its start (Pekko HTTP's settings, routes and header parser, the default TLS context Pekko's
 * plain TCP stages create, the JIT compiling all that) costs the server ~0.1 s of CPU, and right
 * after the bind is exactly when the agencies' JVMs start and send their first batches on the
 * same cores. So it starts at the first poll after connections were open and none is open any
 * more (the agencies started with the server are done), and at the latest {@link #LATEST} after
 * the bind, whatever is open or was never: a server nobody connects to, or a longer run, gets its
 * HTTP port then. A fixed grace instead does not hold: on a loaded machine the agencies' JVMs
 * take longer than any grace short enough for the health checks. A stop that comes first
 * cancels it. See docs/decisions/0012-http-port-start.md.
 */
public final class QuietStart {

    static final Duration POLL = Duration.ofMillis(100);
    /** The longest the HTTP port waits: the container healthcheck retries far longer (2 s × 30). */
    static final Duration LATEST = Duration.ofSeconds(3);

    private QuietStart() {}

    /**
     * Runs {@code start} once, on {@code executor}: at the first poll at which {@code
     * openConnections} is 0 after an earlier poll saw it above 0, or at {@link #LATEST}; never
     * once {@code stopping} says yes.
     */
    public static void schedule(Scheduler scheduler, ExecutionContext executor, IntSupplier openConnections,
                                BooleanSupplier stopping, Runnable start) {
        // Counted in polls, not read from a clock: the scheduler's time is the only one (a test's too).
        long lastPoll = LATEST.dividedBy(POLL);
        AtomicLong polls = new AtomicLong();
        AtomicBoolean served = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Cancellable> polling = new AtomicReference<>();
        polling.set(scheduler.scheduleAtFixedRate(POLL, POLL, () -> {
            boolean stop = stopping.getAsBoolean();
            boolean late = polls.incrementAndGet() >= lastPoll;
            int open = openConnections.getAsInt();
            boolean quietAfterSessions = open == 0 && served.get();
            if (open > 0) {
                served.set(true);
            }
            if ((stop || late || quietAfterSessions) && done.compareAndSet(false, true)) {
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
