package tp0.lottery.ops;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import tp0.protocol.ErrorCode;

/**
 * {@link LotteryMetrics} in the Prometheus client library (prometheus-metrics 1.x), with the
 * {@link LotteryStatus} the status page reads. What the live state already counts (bets per
 * agency, connections, the draw) is read from it at scrape time by callback metrics, so a stored
 * batch costs one atomic write there plus one counter increment here.
 *
 * <p>Names follow Prometheus' conventions: {@code lottery_} prefix, base units ({@code _seconds}),
 * counters end in {@code _total}. The JVM's memory, GC, threads and the like come from the
 * library's JVM instrumentation.
 */
public final class PrometheusMetrics implements LotteryMetrics {

    private final LotteryStatus status;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter batchesAccepted;
    private final Counter batchesRefused;
    private final Counter connectionsRefused;
    private final Counter commitFailures;
    private final Histogram commitSeconds;
    private final Histogram commitBatches;
    private boolean jvmMetricsAdded; // guarded by this

    public PrometheusMetrics(LotteryStatus status) {
        this.status = status;
        int n = status.numAgencies();
        CounterWithCallback.builder().name("lottery_bets_stored_total")
                .help("Bets stored durably, per agency (a restarted server starts from what the store holds)")
                .labelNames("agency")
                .callback(cb -> {
                    for (int agency = 1; agency <= n; agency++) {
                        long stored = status.stored(agency);
                        if (stored > 0 || status.connected(agency)) {
                            cb.call((double) stored, Integer.toString(agency));
                        }
                    }
                })
                .register(registry);
        batchesAccepted = Counter.builder().name("lottery_batches_accepted_total")
                .help("Batches stored durably and acknowledged").withoutExemplars().register(registry);
        batchesRefused = Counter.builder().name("lottery_batches_refused_total")
                .help("Batches refused, nothing of them stored, per error code").labelNames("code")
                .withoutExemplars().register(registry);
        commitSeconds = Histogram.builder().name("lottery_store_commit_duration_seconds").unit(Unit.SECONDS)
                .help("Time of one group commit: fsync of bets.csv, or the database transaction")
                .classicOnly().classicExponentialUpperBounds(0.0001, 2, 16).withoutExemplars().register(registry);
        commitBatches = Histogram.builder().name("lottery_store_commit_batches")
                .help("Batches made durable by one group commit (the group's size)")
                .classicOnly().classicExponentialUpperBounds(1, 2, 11).withoutExemplars().register(registry);
        commitFailures = Counter.builder().name("lottery_store_commit_failures_total")
                .help("Group commits that failed (their batches were refused)").withoutExemplars().register(registry);
        connectionsRefused = Counter.builder().name("lottery_connections_refused_total")
                .help("Connections refused, per reason (the error code they were told)").labelNames("reason")
                .withoutExemplars().register(registry);
        gauge("lottery_connections_open", "TCP connections with a session now", status::connections);
        gauge("lottery_sessions_open", "Agencies whose id a session holds now (Hello accepted)", status::sessions);
        gauge("lottery_agencies", "Agencies the draw waits for (NUM_AGENCIES)", () -> n);
        gauge("lottery_agencies_finished", "Agencies whose \"all bets sent\" is durable", status::finishedCount);
        gauge("lottery_draw_held", "1 once the draw is held", () -> status.draw().held() ? 1 : 0);
        gauge("lottery_tcp_listening", "1 while the agencies' TCP port is bound", () -> status.listening() ? 1 : 0);
        GaugeWithCallback.builder().name("lottery_agency_connected")
                .help("1 while a session holds the agency's id").labelNames("agency")
                .callback(cb -> {
                    for (int agency = 1; agency <= n; agency++) {
                        if (status.stored(agency) > 0 || status.connected(agency)) {
                            cb.call(status.connected(agency) ? 1 : 0, Integer.toString(agency));
                        }
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("lottery_draw_winners")
                .help("Winners per agency, once the draw is held").labelNames("agency")
                .callback(cb -> status.draw().winnersByAgency()
                        .forEach((agency, count) -> cb.call(count, Integer.toString(agency))))
                .register(registry);
    }

    /**
     * Adds the JVM's own metrics (memory, GC, threads, ...) at the first scrape, not at start:
     * their collectors load the JVM's management beans and start a thread, work that would
     * otherwise run right after the bind, while the agencies' JVMs start on the same cores. Their
     * values are the JVM's own running totals, so a later registration loses nothing.
     */
    private synchronized void addJvmMetricsOnce() {
        if (!jvmMetricsAdded) {
            JvmMetrics.builder().register(registry);
            jvmMetricsAdded = true;
        }
    }

    /** Adds the cluster's figures (a cluster member only; a single server has none). */
    public void addCluster(ClusterFigures cluster) {
        GaugeWithCallback.builder().name("lottery_cluster_members")
                .help("Cluster members per state, as this node sees them").labelNames("status")
                .callback(cb -> cluster.membersByStatus().forEach((state, count) -> cb.call(count, state)))
                .register(registry);
        gauge("lottery_cluster_unreachable_members", "Cluster members this node sees as unreachable",
                cluster::unreachableMembers);
        gauge("lottery_cluster_shards", "Agencies' ledgers (one shard each) living on this node", cluster::ledgersHere);
        CounterWithCallback.builder().name("lottery_cluster_failovers_total")
                .help("Agencies whose session moved to this node from another node")
                .callback(cb -> cb.call((double) cluster.failovers()))
                .register(registry);
    }

    private void gauge(String name, String help, java.util.function.IntSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsInt())).register(registry);
    }

    public LotteryStatus status() {
        return status;
    }

    /** Content type of {@link #scrape}. */
    public String contentType() {
        return writer.getContentType();
    }

    /** Every metric now, in the Prometheus text format. */
    public byte[] scrape() {
        addJvmMetricsOnce();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    @Override
    public void storedAtStart(Map<Integer, Long> storedByAgency) {
        status.storedAtStart(storedByAgency);
    }

    @Override
    public void batchStored(int agency, int bets, long agencyTotal) {
        status.batchStored(agency, bets, agencyTotal);
        batchesAccepted.inc();
    }

    @Override
    public void batchRefused(ErrorCode code) {
        batchesRefused.labelValues(code.name()).inc();
    }

    @Override
    public void storeCommitted(int batches, long nanos) {
        status.storeCommitted(batches, nanos);
        commitSeconds.observe(nanos / 1e9);
        commitBatches.observe(batches);
    }

    @Override
    public void storeCommitFailed(String reason) {
        status.storeCommitFailed(reason);
        commitFailures.inc();
    }

    @Override
    public void listening(boolean bound) {
        status.listening(bound);
    }

    @Override
    public void connectionOpened() {
        status.connectionOpened();
    }

    @Override
    public void connectionClosed() {
        status.connectionClosed();
    }

    @Override
    public void connectionRefused(ErrorCode reason) {
        status.connectionRefused(reason);
        connectionsRefused.labelValues(reason.name()).inc();
    }

    @Override
    public void agencyConnected(int agency) {
        status.agencyConnected(agency);
    }

    @Override
    public void agencyDisconnected(int agency) {
        status.agencyDisconnected(agency);
    }

    @Override
    public void agencyFinished(int agency) {
        status.agencyFinished(agency);
    }

    @Override
    public void drawHeld(Map<Integer, Integer> winnersByAgency) {
        status.drawHeld(winnersByAgency);
    }

    @Override
    public void drawFailed(String reason) {
        status.drawFailed(reason);
    }
}
