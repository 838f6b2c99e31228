package tp0.tools;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A module's start script, {@code <module>/target/bin/<module>}, which {@code ./mvnw package}
 * generates: the one way the local run, the end-to-end tests, the benchmarks and the images
 * start a program, so each runs with its {@code jvm.options}, the options of the JDK it runs
 * on and its class-data archive, exactly as a user typing the script's name gets it.
 */
public final class StartScript {
    private StartScript() {}

    /** {@code module}'s script under {@code root}; a clear error when it has not been built. */
    public static Path of(Path root, String module) {
        Path script = root.resolve(module).resolve("target").resolve("bin").resolve(module).toAbsolutePath();
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing: build it first with `./mvnw -q -DskipTests package`");
        }
        return script;
    }
}
