package tp0.cli;

import java.io.PrintStream;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The arguments every program here takes: none runs it; {@code --help} ({@code -h}) and
 * {@code --version} ({@code -V}) are answered and change nothing; anything else is a one-line
 * error and status 2, so a typo never starts a program by surprise.
 */
public final class StandardOptions {
    /** Exit status of a usage error (as getopt-style tools use). */
    public static final int USAGE_ERROR = 2;

    private StandardOptions() {}

    /**
     * @param program the program's name, for the error line
     * @param usage   what {@code --help} prints, and {@code version} what {@code --version} prints: each
     *                made only when asked for
     * @return the exit status when the arguments were answered here; empty: run the program
     */
    public static OptionalInt answer(String program, String[] args, Supplier<String> usage, Supplier<String> version,
                                     PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return OptionalInt.empty();
        }
        if (args.length == 1) {
            switch (args[0]) {
                case "--help", "-h" -> {
                    out.print(usage.get());
                    out.flush();
                    return OptionalInt.of(0);
                }
                case "--version", "-V" -> {
                    out.println(version.get());
                    out.flush();
                    return OptionalInt.of(0);
                }
                default -> { }
            }
        }
        err.println(program + ": unknown argument '" + String.join(" ", args) + "'; usage: " + program
                + " [--help | --version]");
        err.flush();
        return OptionalInt.of(USAGE_ERROR);
    }
}
