package tp0.lottery.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tp0.protocol.ErrorCode;

/**
 * The HTTP port's routes over a real socket, with a real {@link LotteryStatus} and
 * {@link PrometheusMetrics} fed through {@link LotteryMetrics} as the server's actors feed them.
 */
class HttpPortTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicReference<Optional<String>> storeProblem = new AtomicReference<>(Optional.empty());
    private static PrometheusMetrics metrics;
    private static String base;

    @BeforeAll
    static void bind() throws Exception {
        metrics = new PrometheusMetrics(new LotteryStatus(3));
        List<ReadinessCheck> checks = List.of(
                ReadinessCheck.of("tcp_listener", () -> metrics.status().listening() ? Optional.empty()
                        : Optional.of("the agencies' TCP port is not bound")),
                ReadinessCheck.of("store", storeProblem::get));
        ServerBinding binding = HttpPort.start(testKit.system(), "127.0.0.1", 0, metrics, metrics.status(), checks,
                reason -> { throw new AssertionError(reason); }).toCompletableFuture().get(20, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + binding.localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    @Test
    void readinessIs503WithEachReasonUntilEveryCheckPasses() throws Exception {
        metrics.listening(false);
        storeProblem.set(Optional.of("bets.csv is not writable"));
        HttpResponse<String> notReady = send("GET", "/health/ready");
        assertEquals(503, notReady.statusCode());
        assertTrue(contentType(notReady).startsWith("application/json"), contentType(notReady));
        assertEquals("{\"status\":\"not_ready\",\"checks\":{\"tcp_listener\":\"the agencies' TCP port is not bound\","
                + "\"store\":\"bets.csv is not writable\"}}", notReady.body());

        metrics.listening(true);
        HttpResponse<String> storeOnly = send("GET", "/health/ready");
        assertEquals(503, storeOnly.statusCode());
        assertTrue(storeOnly.body().contains("\"tcp_listener\":\"ok\""), storeOnly.body());

        storeProblem.set(Optional.empty());
        HttpResponse<String> ready = send("GET", "/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":\"ready\",\"checks\":{\"tcp_listener\":\"ok\",\"store\":\"ok\"}}", ready.body());

        // A failed commit makes the store unready until a later commit succeeds (the server's own check).
        metrics.storeCommitFailed("No space left on device");
        assertEquals("No space left on device", metrics.status().storeFailure());
        metrics.storeCommitted(1, 1_000_000);
        assertEquals(null, metrics.status().storeFailure());
    }

    @Test
    void livenessAnswersWhateverTheReadiness() throws Exception {
        metrics.listening(false);
        HttpResponse<String> live = send("GET", "/health/live");
        assertEquals(200, live.statusCode());
        assertEquals("{\"status\":\"live\"}", live.body());
        metrics.listening(true);
    }

    @Test
    void onlyGetAndHeadUnknownPathsAre404() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
            HttpResponse<String> refused = send(method, "/");
            assertEquals(405, refused.statusCode(), method);
            assertEquals("GET, HEAD", refused.headers().firstValue("Allow").orElse(""), method);
        }
        for (String path : List.of("/nope", "/health", "/health/ready/x", "/metrics/", "/index.html", "/../etc/passwd")) {
            assertEquals(404, send("GET", path).statusCode(), path);
        }
        HttpResponse<String> head = send("HEAD", "/");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body(), "HEAD has no body");
        assertTrue(contentType(head).startsWith("text/html"), contentType(head));
    }

    @Test
    void thePageAndItsFilesAreServedWithTheirTypes() throws Exception {
        Map<String, String> types = Map.of("/", "text/html", "/status.js", "text/javascript", "/status.css", "text/css",
                "/status", "application/json");
        for (Map.Entry<String, String> expected : types.entrySet()) {
            HttpResponse<String> response = send("GET", expected.getKey());
            assertEquals(200, response.statusCode(), expected.getKey());
            assertTrue(contentType(response).startsWith(expected.getValue()), expected + ": " + contentType(response));
        }
        assertTrue(send("GET", "/").body().contains("<script src=\"/status.js\">"));
    }

    @Test
    void metricsAreThePrometheusTextFormatWithConventionalNames() throws Exception {
        metrics.batchStored(2, 100, 100);
        metrics.batchStored(2, 50, 150);
        metrics.batchRefused(ErrorCode.BETS_CLOSED);
        metrics.connectionRefused(ErrorCode.UNKNOWN_AGENCY);
        metrics.storeCommitted(2, 3_000_000);
        HttpResponse<String> response = send("GET", "/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", contentType(response).toLowerCase(Locale.ROOT));
        String body = response.body();
        for (String line : List.of("# TYPE lottery_bets_stored_total counter", "lottery_bets_stored_total{agency=\"2\"} 150.0",
                "lottery_batches_refused_total{code=\"BETS_CLOSED\"} 1.0",
                "lottery_connections_refused_total{reason=\"UNKNOWN_AGENCY\"} 1.0",
                "# TYPE lottery_store_commit_duration_seconds histogram", "lottery_agencies 3.0")) {
            assertTrue(body.lines().anyMatch(line::equals), line + " in\n" + body);
        }
        assertTrue(body.lines().anyMatch(line -> line.startsWith("jvm_memory_used_bytes{")), "JVM metrics");
        assertTrue(body.lines().anyMatch(line -> line.startsWith("jvm_gc_collection_seconds_count{")), "GC metrics");
        assertFalse(body.contains("agency=\"1\""), "an agency that never stored nor connected has no series");
    }
}
