package tp0.lottery.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractMethod;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;
import tp0.lottery.config.ServerKey;

/**
 * The server's HTTP port ({@code HTTP_PORT}), served by Pekko HTTP from the lottery's own actor
 * system: the live status page ({@code GET /}, its script and style, its event stream
 * {@code /events} and the same JSON at {@code /status}: the {@link StatusView} it is given), {@code /health/live},
 * {@code /health/ready} and {@code /metrics}. Only GET and HEAD (405 otherwise); any other
 * path is 404. Nothing here ever shows a bettor's name or document.
 *
 * <p>Bound after the agencies' TCP port, so it never delays it. A port that cannot be bound
 * is fatal, as for the TCP port: the operator asked for it, and a server without it would be
 * reported unhealthy forever by whatever probes it ({@code http_listen | result: fail}).
 */
public final class HttpPort {

    private static final Logger log = LoggerFactory.getLogger(HttpPort.class);
    /** How often every status page gets the lottery's state. */
    static final Duration EVENT_INTERVAL = Duration.ofMillis(500);
    /** How old a status snapshot may be when a page gets it: well under the event interval. */
    private static final Duration SNAPSHOT_AGE = Duration.ofMillis(100);
    private static final Duration READINESS_DEADLINE = Duration.ofSeconds(3);
    private static final ContentType JAVASCRIPT = ContentTypes.parse("text/javascript; charset=UTF-8");
    private static final ContentType CSS = ContentTypes.parse("text/css; charset=UTF-8");

    private HttpPort() {}

    /**
     * Binds {@code host:port} (0: any free port) and logs {@code http_listen} with the port bound.
     * Returns the binding (failed when the port cannot be bound).
     *
     * @param fatal called when the port cannot be bound
     */
    public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String host, int port,
                                                      PrometheusMetrics metrics, StatusView view,
                                                      List<ReadinessCheck> checks, Consumer<String> fatal) {
        CompletionStage<ServerBinding> bound;
        EventStreams streams = new EventStreams();
        try {
            Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
            Readiness readiness = new Readiness(checks, blocking, READINESS_DEADLINE);
            Route route = routes(metrics, view, readiness, streams, blocking);
            bound = Http.get(system).newServerAt(host, port).bind(route);
        } catch (RuntimeException e) {
            bound = CompletableFuture.failedFuture(e); // reported as a bind failure, below
        }
        bound.whenComplete((binding, failure) -> {
            if (failure != null) {
                if (CoordinatedShutdown.get(system).getShutdownReason().isPresent()) {
                    return; // cut short by the stop itself
                }
                log.error(BindFailure.line("http_listen", ServerKey.HTTP_PORT, host, port, failure));
                fatal.accept("cannot bind the HTTP port " + host + ":" + port);
                return;
            }
            log.info(LogLine.success("http_listen", "ip", host, "port", binding.localAddress().getPort()));
            registerShutdown(system, binding, streams);
        });
        return bound;
    }

    static Route routes(PrometheusMetrics metrics, StatusView view, Readiness readiness, EventStreams streams,
                        Executor blocking) {
        Supplier<String> state = sharedSnapshot(view);
        byte[] page = resource("page/index.html");
        byte[] script = resource("page/status.js");
        byte[] style = resource("page/status.css");
        Route endpoints = concat(
                pathSingleSlash(() -> complete(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page))),
                path("status.js", () -> complete(HttpEntities.create(JAVASCRIPT, script))),
                path("status.css", () -> complete(HttpEntities.create(CSS, style))),
                path("status", () -> noStore(complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, state.get())))),
                path("events", () -> noStore(completeOK(
                        Source.tick(Duration.ZERO, EVENT_INTERVAL, Done.getInstance())
                                // A slow page skips ticks (tick drops them under backpressure) instead of queueing.
                                .map(tick -> ServerSentEvent.create(state.get()))
                                .via(streams.killSwitch.flow())
                                .watchTermination((cancellable, done) -> streams.opened(done)),
                        EventStreamMarshalling.toEventStream()))),
                path(PathMatchers.segment("health").slash("live"), () -> noStore(complete(
                        HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"status\":\"live\"}")))),
                path(PathMatchers.segment("health").slash("ready"), () -> noStore(completeWithFuture(
                        readiness.check().thenApply(answer -> HttpResponse.create()
                                .withStatus(answer.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE)
                                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, answer.json())))))),
                path("metrics", () -> noStore(completeWithFuture(CompletableFuture.supplyAsync(() ->
                        HttpResponse.create().withEntity(HttpEntities.create(
                                ContentTypes.parse(metrics.contentType()), metrics.scrape())), blocking)))),
                complete(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND)
                        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "not found\n"))));
        return extractMethod(method -> method.equals(HttpMethods.GET) || method.equals(HttpMethods.HEAD)
                ? endpoints
                : complete(HttpResponse.create().withStatus(StatusCodes.METHOD_NOT_ALLOWED)
                        .addHeader(Allow.create(HttpMethods.GET, HttpMethods.HEAD))
                        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "only GET and HEAD\n"))));
    }

    /**
     * The state's JSON, made at most once per {@link #SNAPSHOT_AGE} however many pages ask: a
     * hundred pages cost one snapshot per tick, not a hundred (totals walk every agency).
     */
    private static Supplier<String> sharedSnapshot(StatusView view) {
        record Stamped(long nanos, String json) {}
        AtomicReference<Stamped> last = new AtomicReference<>(new Stamped(System.nanoTime() - SNAPSHOT_AGE.toNanos() - 1, ""));
        return () -> {
            long now = System.nanoTime();
            Stamped seen = last.get();
            if (now - seen.nanos() <= SNAPSHOT_AGE.toNanos()) {
                return seen.json();
            }
            Stamped fresh = new Stamped(now, view.json());
            last.set(fresh);
            return fresh.json();
        };
    }

    /** Live answers: never from a cache. */
    private static Route noStore(Route inner) {
        return respondWithHeaders(List.of(CacheControl.create(CacheDirectives.NO_STORE)), () -> inner);
    }

    private static byte[] resource(String name) {
        try (InputStream in = HttpPort.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + HttpPort.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The pages' event streams: ended together at shutdown, and watched, so the HTTP port is
     * terminated only once each has sent its last chunk (a page then sees the stream end, not
     * a reset connection).
     */
    static final class EventStreams {
        final SharedKillSwitch killSwitch = KillSwitches.shared("status-streams");
        private final Set<CompletionStage<Done>> open = ConcurrentHashMap.newKeySet();

        NotUsed opened(CompletionStage<Done> done) {
            open.add(done);
            done.whenComplete((ok, failure) -> open.remove(done));
            return NotUsed.getInstance();
        }

        /** Ends every stream; completes once all have ended (or after {@code deadline}). */
        CompletionStage<Void> endAll(Duration deadline) {
            killSwitch.shutdown();
            CompletableFuture<?>[] ends = open.stream().map(done -> done.toCompletableFuture()
                    .exceptionally(failure -> Done.getInstance())).toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(ends).completeOnTimeout(null, deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static void registerShutdown(ActorSystem<?> system, ServerBinding binding, EventStreams streams) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind", () ->
                binding.unbind().thenApply(unbound -> Done.getInstance()));
        // The pages' event streams end first (each sends its last chunk), so no connection holds the stop up.
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-close", () ->
                streams.endAll(Duration.ofSeconds(2))
                        .thenCompose(ended -> binding.terminate(Duration.ofSeconds(2)))
                        .thenApply(terminated -> {
                            log.info(LogLine.success("shutdown", "resource", "http"));
                            return Done.getInstance();
                        }));
    }
}
