package tp0.lottery.ops;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import tp0.protocol.ErrorCode;

/**
 * The lottery as its observers see it now: per agency 1..N connected, bets stored, finished;
 * the draw. Plain atomics, written by the server's actors through {@link LotteryMetrics} and
 * read by the HTTP port at any time. It holds counts only — never a bettor's name or document
 * (winners' documents go to their own agency alone).
 */
public final class LotteryStatus implements LotteryMetrics, StatusView {

    /** Rows the status page gets at most; totals still count every agency. */
    static final int ROW_LIMIT = 100;

    /** The draw: not held yet, held (when, winners per agency) or failed. */
    public record Draw(Instant heldAt, Map<Integer, Integer> winnersByAgency, String failure) {
        public static final Draw WAITING = new Draw(null, Map.of(), null);

        public boolean held() {
            return heldAt != null && failure == null;
        }
    }

    private final int numAgencies;
    /** Index = agency id (0 unused). */
    private final AtomicLongArray stored;
    private final AtomicIntegerArray connected;
    private final AtomicIntegerArray finished;
    private final AtomicInteger finishedCount = new AtomicInteger();
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean listening;
    private volatile String storeFailure;
    private volatile Draw draw = Draw.WAITING;

    public LotteryStatus(int numAgencies) {
        this.numAgencies = numAgencies;
        this.stored = new AtomicLongArray(numAgencies + 1);
        this.connected = new AtomicIntegerArray(numAgencies + 1);
        this.finished = new AtomicIntegerArray(numAgencies + 1);
    }

    private boolean known(int agency) {
        return agency >= 1 && agency <= numAgencies;
    }

    @Override
    public void storedAtStart(Map<Integer, Long> storedByAgency) {
        storedByAgency.forEach((agency, count) -> {
            if (known(agency)) {
                stored.set(agency, count);
            }
        });
    }

    @Override
    public void batchStored(int agency, int bets, long agencyTotal) {
        if (known(agency)) {
            stored.set(agency, agencyTotal); // the store's own total: exact even after a restart
        }
    }

    @Override
    public void batchRefused(ErrorCode code) {}

    @Override
    public void storeCommitted(int batches, long nanos) {
        if (storeFailure != null) {
            storeFailure = null;
        }
    }

    @Override
    public void storeCommitFailed(String reason) {
        storeFailure = reason;
    }

    @Override
    public void listening(boolean bound) {
        listening = bound;
    }

    @Override
    public void connectionOpened() {
        connections.incrementAndGet();
    }

    @Override
    public void connectionClosed() {
        connections.decrementAndGet();
    }

    @Override
    public void connectionRefused(ErrorCode reason) {}

    @Override
    public void agencyConnected(int agency) {
        sessions.incrementAndGet();
        if (known(agency)) {
            connected.incrementAndGet(agency);
        }
    }

    @Override
    public void agencyDisconnected(int agency) {
        sessions.decrementAndGet();
        if (known(agency)) {
            connected.decrementAndGet(agency);
        }
    }

    @Override
    public void agencyFinished(int agency) {
        if (known(agency) && finished.compareAndSet(agency, 0, 1)) {
            finishedCount.incrementAndGet();
        }
    }

    @Override
    public void drawHeld(Map<Integer, Integer> winnersByAgency) {
        draw = new Draw(Instant.now(), Map.copyOf(winnersByAgency), null);
    }

    @Override
    public void drawFailed(String reason) {
        draw = new Draw(Instant.now(), Map.of(), reason);
    }

    public int numAgencies() {
        return numAgencies;
    }

    public long stored(int agency) {
        return known(agency) ? stored.get(agency) : 0;
    }

    public long totalStored() {
        long total = 0;
        for (int agency = 1; agency <= numAgencies; agency++) {
            total += stored.get(agency);
        }
        return total;
    }

    public boolean connected(int agency) {
        return known(agency) && connected.get(agency) > 0;
    }

    public boolean finished(int agency) {
        return known(agency) && finished.get(agency) == 1;
    }

    public int finishedCount() {
        return finishedCount.get();
    }

    /** Agencies whose id a session holds now. */
    public int sessions() {
        return sessions.get();
    }

    /** TCP connections with a session (refused ones never count). */
    public int connections() {
        return connections.get();
    }

    public boolean listening() {
        return listening;
    }

    /** Why the last group commit failed, or null while the store writes. */
    public String storeFailure() {
        return storeFailure;
    }

    public Draw draw() {
        return draw;
    }

    /**
     * What the status page shows, as one JSON object: per agency (the first {@link #ROW_LIMIT})
     * connected, stored, finished; the totals; the draw with its winners' counts. Numbers and
     * booleans only, but for the draw's time and failure.
     */
    @Override
    public String json() {
        return StatusJson.write(numAgencies, listening, totalStored(), sessions(), finishedCount(),
                agency -> new StatusJson.Row(agency, connected(agency), stored(agency), finished(agency), null),
                draw, null);
    }
}
