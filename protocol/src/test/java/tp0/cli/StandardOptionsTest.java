package tp0.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class StandardOptionsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private OptionalInt answer(String... args) {
        return StandardOptions.answer("prog", args, () -> "Usage: prog\n", () -> "prog 1.2.3",
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void noArgumentRunsTheProgram() {
        assertEquals(OptionalInt.empty(), answer());
        assertEquals("", out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpAndVersionAnswerOnStdoutWithStatusZero() {
        assertEquals(OptionalInt.of(0), answer("--help"));
        assertEquals(OptionalInt.of(0), answer("-h"));
        assertEquals(OptionalInt.of(0), answer("--version"));
        assertEquals(OptionalInt.of(0), answer("-V"));
        assertEquals("Usage: prog\nUsage: prog\nprog 1.2.3\nprog 1.2.3\n", out.toString(StandardCharsets.UTF_8).replace("\r", ""));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anythingElseIsOneLineOnStderrAndStatusTwo() {
        for (String[] args : new String[][] {{"--frobnicate"}, {"--help", "--version"}, {"serve"}, {""}}) {
            err.reset();
            assertEquals(OptionalInt.of(StandardOptions.USAGE_ERROR), answer(args));
            String line = err.toString(StandardCharsets.UTF_8);
            assertTrue(line.startsWith("prog: unknown argument '"), line);
            assertEquals(1, line.lines().count(), line);
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
