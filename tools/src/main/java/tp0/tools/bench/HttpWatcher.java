package tp0.tools.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tp0.tools.LotteryRun;

/**
 * The benchmark's observer of a server with its HTTP port on: one status page's event stream
 * (read and dropped) and a scrape of {@code /metrics} every second, the load a dashboard and a
 * Prometheus would put on it. Stopping it ends both and says how many of each it got.
 */
final class HttpWatcher {
    private static final Pattern HTTP_LISTEN = Pattern.compile("action: http_listen \\| result: success .*\\| port: (\\d+)");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong eventBytes = new AtomicLong();
    private final CompletableFuture<HttpResponse<InputStream>> stream;

    private HttpWatcher(String base) {
        stream = client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (InputStream in = stream.join().body()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    eventBytes.addAndGet(n);
                }
            } catch (IOException | RuntimeException e) {
                // closed with the server
            }
        }, "status-page");
        reader.setDaemon(true);
        reader.start();
        // Each scrape handles its own failures and stop() ends them all: nothing to learn from the future.
        Future<?> unused = scraper.scheduleAtFixedRate(() -> {
            try {
                client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.discarding());
                scrapes.incrementAndGet();
            } catch (IOException e) {
                // the next scrape tries again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    /** Starts watching {@code run}'s server; the returned stopper ends it. */
    static Runnable start(LotteryRun run) {
        Matcher m = run.server().awaitLine(HTTP_LISTEN.pattern(), Duration.ofSeconds(60));
        return new HttpWatcher("http://127.0.0.1:" + m.group(1))::stop;
    }

    private void stop() {
        scraper.shutdownNow();
        // Closing the event stream only ends the reader early; a failure to close changes no figure.
        Future<?> unused = stream.thenAccept(response -> {
            try {
                response.body().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        System.out.println("watcher: " + scrapes.get() + " scrapes of /metrics, " + eventBytes.get()
                + " bytes of status events");
    }
}
