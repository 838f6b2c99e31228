package tp0.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options a module's jar is started with, from the one list each module keeps next to
 * its pom ({@code <module>/jvm.options}, a java launcher {@code @argfile}), so the launcher,
 * the tests, the benchmark, the Dockerfiles and {@code mvn package}'s training run all start
 * the same JVM. For the agency it adds the class-data-sharing archive that {@code mvn package}
 * builds next to the jar, when it is there.
 */
public final class JvmOptions {
    private JvmOptions() {}

    /** The options to put before {@code -jar} for {@code module}'s jar under {@code root}. */
    public static List<String> of(Path root, String module) {
        List<String> options = new ArrayList<>();
        Path argFile = root.resolve(module).resolve("jvm.options").toAbsolutePath();
        if (Files.isRegularFile(argFile)) {
            options.add("@" + argFile);
        }
        Path archive = root.resolve(module).resolve("target").resolve(module + ".jsa").toAbsolutePath();
        if (Files.isRegularFile(archive)) {
            options.add("-XX:SharedArchiveFile=" + archive);
        }
        return options;
    }
}
