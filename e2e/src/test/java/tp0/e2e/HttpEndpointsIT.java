package tp0.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tp0.tools.ChildProcess;
import tp0.tools.DatasetGenerator;
import tp0.tools.LotteryRun;
import tp0.tools.StartScript;

/**
 * The server's HTTP port in a real five-agency run (real jars, loopback): the endpoints' codes
 * and types, 100 status pages' event streams held open while the agencies ingest, and
 * {@code /metrics} after the draw saying exactly what bets.csv holds.
 */
class HttpEndpointsIT {
    private static final Duration LONG = Duration.ofMinutes(3);
    static final Pattern HTTP_LISTEN = Pattern.compile("action: http_listen \\| result: success .*\\| port: (\\d+)");
    private static final int STREAMS = 100;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    @RegisterExtension
    final RunDir runDir = new RunDir("e2e");

    /** The server with its HTTP port on a free port of loopback; returns that port. */
    static int httpPort(LotteryRun run) {
        Matcher m = run.server().awaitLine(HTTP_LISTEN.pattern(), Duration.ofSeconds(60));
        return Integer.parseInt(m.group(1));
    }

    static Map<String, String> httpOn() {
        return Map.of("HTTP_PORT", "any", "HTTP_IP", "127.0.0.1");
    }

    private HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void endpointsAnswerAndMetricsSayWhatBetsCsvHoldsWhile100PagesWatch() throws Exception {
        long seed = System.nanoTime();
        System.out.println("HttpEndpointsIT seed " + seed);
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"),
                new int[] {6000, 4500, 3000, 1500, 700}, new int[] {3, 1, 2, 0, 4}, seed);
        try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 5, httpOn(), line -> { })) {
            String base = "http://127.0.0.1:" + httpPort(run);
            assertTrue(run.server().lines().stream().map(l -> l.contains("action: listen |") ? 1 : l.contains("http_listen") ? 2 : 0)
                    .filter(k -> k > 0).toList().equals(List.of(1, 2)), "the TCP port is bound before the HTTP port");

            assertType(get(base, "/"), 200, "text/html");
            assertType(get(base, "/health/live"), 200, "application/json");
            HttpResponse<String> ready = get(base, "/health/ready");
            assertType(ready, 200, "application/json");
            assertEquals("{\"status\":\"ready\",\"checks\":{\"tcp_listener\":\"ok\",\"store\":\"ok\"}}", ready.body());
            assertType(get(base, "/metrics"), 200, "text/plain; version=0.0.4");
            assertEquals(404, get(base, "/bets.csv").statusCode());
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());

            int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
            assertEquals(0, healthcheck(run, port), "lottery healthcheck against the ready server");

            List<EventStream> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                streams.add(EventStream.open(client, base + "/events"));
            }
            for (EventStream stream : streams) {
                stream.awaitEvent(s -> s.contains("\"draw\":{\"state\":\"waiting\"}"), Duration.ofSeconds(60));
                assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
            }

            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, data.files().get(k), Map.of(), line -> { });
            }
            Outcomes.assertEachLearnedItsWinners(run.awaitAgencies(LONG), data);
            run.server().awaitLine("action: sorteo \\| result: success$", LONG);

            // Every page was held through the run: each sees the draw held, with its winners' counts.
            for (EventStream stream : streams) {
                String held = stream.awaitEvent(s -> s.contains("\"state\":\"held\""), Duration.ofSeconds(60));
                assertTrue(held.contains("\"total\":" + data.totalBets()), held);
                assertTrue(held.contains("\"winnersByAgency\":{\"1\":3,\"2\":1,\"3\":2,\"5\":4}"), held);
                assertTrue(stream.events() >= 2, "events while the agencies ingested");
            }

            Map<Integer, Long> rowsPerAgency = new HashMap<>();
            for (String row : StoredBets.rows(run.betsFile())) {
                rowsPerAgency.merge(Integer.parseInt(row.substring(0, row.indexOf(','))), 1L, Long::sum);
            }
            String metrics = get(base, "/metrics").body();
            for (int k = 1; k <= 5; k++) {
                assertEquals((double) rowsPerAgency.get(k), metric(metrics, "lottery_bets_stored_total{agency=\"" + k + "\"}"),
                        "agency " + k + " in\n" + metrics);
                assertEquals((double) data.betsPerAgency().get(k), (double) rowsPerAgency.get(k));
                assertEquals(0.0, metric(metrics, "lottery_agency_connected{agency=\"" + k + "\"}"), "agency " + k);
            }
            assertEquals(5.0, metric(metrics, "lottery_agencies_finished"));
            assertEquals(1.0, metric(metrics, "lottery_draw_held"));
            assertEquals(3.0, metric(metrics, "lottery_draw_winners{agency=\"1\"}"));
            assertEquals(4.0, metric(metrics, "lottery_draw_winners{agency=\"5\"}"));
            assertTrue(metric(metrics, "lottery_batches_accepted_total") >= 5, metrics);
            assertTrue(metric(metrics, "lottery_store_commit_duration_seconds_count") >= 1, metrics);
            assertEquals(metric(metrics, "lottery_batches_accepted_total"),
                    metric(metrics, "lottery_store_commit_batches_sum"), "every accepted batch was in one commit");
            assertEquals(0.0, metric(metrics, "lottery_sessions_open"));
            assertTrue(metric(metrics, "jvm_memory_used_bytes{area=\"heap\"}") > 0);

            // Winners' documents go to their agency only: never into anything the HTTP port serves.
            String status = get(base, "/status").body();
            for (List<String> documents : data.winnersPerAgency().values()) {
                for (String document : documents) {
                    assertFalse(status.contains(document) || metrics.contains(document)
                            || streams.get(0).last().contains(document), "document " + document + " shown");
                }
            }

            assertEquals(0, run.stopServer(Duration.ofSeconds(30)), "exit status with 100 streams open");
            assertEquals(1, run.server().linesContaining("action: shutdown | result: success | resource: http").size());
            for (EventStream stream : streams) {
                stream.awaitEnd(Duration.ofSeconds(30));
            }
            assertEquals(1, healthcheck(run, port), "lottery healthcheck once the server is gone");
        }
    }

    @Test
    void anHttpPortInUseIsAFailLineAndExitStatus1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort()), "HTTP_IP", "127.0.0.1");
            try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 1, env, line -> { })) {
                run.server().awaitLine("action: http_listen \\| result: fail \\| ip: 127.0.0.1 \\| port: "
                        + taken.getLocalPort() + " \\| error: ", Duration.ofSeconds(60));
                assertEquals(1, run.server().awaitExit(Duration.ofSeconds(30)).orElseThrow(),
                        "exit status; log:\n" + String.join("\n", run.server().lines()));
            }
        }
    }

    /** {@code lottery healthcheck} (the compose healthcheck) run in the server's folder; its exit status. */
    private static int healthcheck(LotteryRun run, int port) throws IOException {
        try (ChildProcess probe = ChildProcess.startScript("healthcheck", StartScript.of(ROOT, "lottery"),
                List.of("healthcheck"), run.serverDir(), Map.of("HTTP_PORT", Integer.toString(port), "HTTP_IP", "127.0.0.1"),
                line -> { })) {
            int exit = probe.awaitExit(Duration.ofSeconds(60)).orElseThrow();
            if (exit == 0) {
                assertEquals(List.of("{\"status\":\"ready\",\"checks\":{\"tcp_listener\":\"ok\",\"store\":\"ok\"}}"),
                        probe.lines());
            }
            return exit;
        }
    }

    private static void assertType(HttpResponse<String> response, int status, String type) {
        assertEquals(status, response.statusCode(), response.uri().toString());
        String actual = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(actual.toLowerCase(Locale.ROOT).startsWith(type), response.uri() + ": " + actual);
    }

    /** The value of the sample named exactly {@code series} (name with its labels). */
    static double metric(String exposition, String series) {
        return exposition.lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim().split(" ", -1)[0]))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in\n" + exposition));
    }

    /** One page's event stream: counts its events, keeps the last, tells when it ends. */
    static final class EventStream implements Flow.Subscriber<String> {
        private final AtomicInteger events = new AtomicInteger();
        private final AtomicReference<String> last = new AtomicReference<>("");
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private volatile String contentType = "";

        static EventStream open(HttpClient client, String url) {
            EventStream stream = new EventStream();
            // The headers come at once, the body never ends until the server stops: read the type on arrival.
            client.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(), info -> {
                        stream.contentType = info.headers().firstValue("Content-Type").orElse("");
                        return HttpResponse.BodySubscribers.fromLineSubscriber(stream);
                    })
                    .exceptionally(failure -> {
                        stream.ended.completeExceptionally(failure);
                        return null;
                    });
            return stream;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("data:")) {
                last.set(line.substring(5));
                events.incrementAndGet();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            ended.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            ended.complete(null);
        }

        int events() {
            return events.get();
        }

        String last() {
            return last.get();
        }

        String contentType() {
            return contentType;
        }

        /** Waits (with a deadline) for an event that {@code wanted} accepts; returns it. */
        String awaitEvent(java.util.function.Predicate<String> wanted, Duration timeout) {
            try {
                return await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            String event = last.get();
                            if (!wanted.test(event) && ended.isDone()) {
                                throw new AssertionError("no such event: the stream ended; last: " + event);
                            }
                            return event;
                        }, wanted);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("no such event within " + timeout + "; last: " + last.get(), e);
            }
        }

        void awaitEnd(Duration timeout) throws Exception {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
