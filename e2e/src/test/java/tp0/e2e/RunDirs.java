package tp0.e2e;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInfo;
import tp0.tools.E2eData;

/** Where the suites find the repository (its built jars and start scripts) and write their runs. */
final class RunDirs {
    /** The repository's root: the {@code tp0.root} system property the build sets, else the parent folder. */
    static final Path ROOT = Path.of(System.getProperty("tp0.root", "..")).toAbsolutePath().normalize();

    private RunDirs() {}

    /** {@code e2e/target/<area>/<test method>}, emptied and created for the test. */
    static Path fresh(String area, TestInfo test) throws IOException {
        return fresh(area, test.getTestMethod().orElseThrow().getName());
    }

    /** {@code e2e/target/<area>/<name>}, emptied and created. */
    static Path fresh(String area, String name) throws IOException {
        Path dir = ROOT.resolve("e2e/target").resolve(area).resolve(name);
        E2eData.reset(dir);
        return dir;
    }
}
