package tp0.lottery.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Runs every {@link ReadinessCheck} at once, each under a deadline, and says whether all passed. */
final class Readiness {

    /** What every check said, in their order: "ok" or the problem. */
    record Answer(boolean ready, Map<String, String> checks) {
        String json() {
            StringBuilder out = new StringBuilder("{\"status\":").append(Json.quote(ready ? "ready" : "not_ready"))
                    .append(",\"checks\":{");
            boolean first = true;
            for (Map.Entry<String, String> check : checks.entrySet()) {
                out.append(first ? "" : ",").append(Json.quote(check.getKey())).append(':')
                        .append(Json.quote(check.getValue()));
                first = false;
            }
            return out.append("}}").toString();
        }
    }

    private final List<ReadinessCheck> checks;
    private final Executor blocking;
    private final Duration deadline;

    Readiness(List<ReadinessCheck> checks, Executor blocking, Duration deadline) {
        this.checks = List.copyOf(checks);
        this.blocking = blocking;
        this.deadline = deadline;
    }

    CompletionStage<Answer> check() {
        List<CompletableFuture<Optional<String>>> running = new ArrayList<>();
        for (ReadinessCheck check : checks) {
            running.add(CompletableFuture.supplyAsync(check::problem, blocking)
                    .completeOnTimeout(Optional.of("no answer within " + deadline.toMillis() + " ms"),
                            deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(failure -> Optional.of(String.valueOf(failure.getMessage()))));
        }
        return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).thenApply(all -> {
            Map<String, String> said = new LinkedHashMap<>();
            boolean ready = true;
            for (int i = 0; i < checks.size(); i++) {
                Optional<String> problem = running.get(i).join();
                ready &= problem.isEmpty();
                said.put(checks.get(i).name(), problem.orElse("ok"));
            }
            return new Answer(ready, said);
        });
    }
}
