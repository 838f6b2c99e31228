package tp0.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Each test's own folder, {@code e2e/target/<area>/<test>}, emptied before the test (and kept
 * after it, to read its logs):
 * <pre>
 *   &#64;RegisterExtension
 *   final RunDir runDir = new RunDir("e2e");
 * </pre>
 */
final class RunDir implements BeforeEachCallback {
    private final String area;
    private final Function<ExtensionContext, String> name;
    private Path path;

    /** Named after the test method. */
    RunDir(String area) {
        this(area, context -> context.getRequiredTestMethod().getName());
    }

    private RunDir(String area, Function<ExtensionContext, String> name) {
        this.area = area;
        this.name = name;
    }

    /** Named after the display name: one folder per invocation of a parameterized test. */
    static RunDir perInvocation(String area) {
        return new RunDir(area, context -> context.getDisplayName().replaceAll("[^A-Za-z0-9]+", "_"));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        path = RunDirs.fresh(area, name.apply(context));
    }

    /** This test's folder. */
    Path path() {
        if (path == null) {
            throw new IllegalStateException("no run folder outside a test");
        }
        return path;
    }
}
