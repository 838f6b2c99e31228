package tp0.lottery.ops;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * One condition {@code GET /health/ready} requires: the agencies' port is bound, the store can
 * write; a cluster member would add "this member is Up" as one more. {@link #problem} may block
 * (a database round trip): it runs on a blocking thread, under a deadline.
 */
public interface ReadinessCheck {

    /** The key of this check in the readiness answer, e.g. {@code tcp_listener}. */
    String name();

    /** Empty when ready; else why not, in a short sentence. */
    Optional<String> problem();

    static ReadinessCheck of(String name, Supplier<Optional<String>> problem) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> problem() {
                return problem.get();
            }
        };
    }
}
