package tp0.agency.cli;

import java.io.PrintStream;
import java.util.OptionalInt;
import tp0.cli.StandardOptions;
import tp0.agency.config.AgencyKey;

/**
 * The agency's arguments. None runs the agency; {@code --help} and {@code --version} are
 * answered here and change nothing (no file read, no connection); anything else is a one-line
 * error and status 2.
 */
public final class CommandLine {
    private CommandLine() {}

    /**
     * @return the exit status when the arguments were answered here; empty: run the agency
     */
    public static OptionalInt answer(String[] args, PrintStream out, PrintStream err) {
        return StandardOptions.answer("agency", args, CommandLine::usage, Version::describe, out, err);
    }

    /** The text of {@code --help}: what the agency does, every setting, the exit codes. */
    public static String usage() {
        StringBuilder text = new StringBuilder()
                .append("Usage: agency [--help | --version]\n")
                .append("\n")
                .append("Runs one agency of TP0 (Lotería Nacional): sends the bets of its file to the lottery server in\n")
                .append("batches, resuming after any lost connection without storing a bet twice, says when all are\n")
                .append("sent, and waits for the draw to log its own winners.\n")
                .append("\n")
                .append("Settings come from ./config.yaml; the environment variable next to each key overrides it.\n")
                .append("If NOMBRE, APELLIDO, DOCUMENTO, NACIMIENTO and NUMERO are all set, that single bet is sent\n")
                .append("instead of the file.\n")
                .append("\n");
        int yaml = "CONFIG.YAML".length();
        int env = "ENVIRONMENT".length();
        int fallback = "DEFAULT".length();
        for (AgencyKey key : AgencyKey.values()) {
            yaml = Math.max(yaml, key.yamlKey().length());
            env = Math.max(env, key.env().length());
            fallback = Math.max(fallback, key.fallback().length());
        }
        String row = "  %-" + yaml + "s  %-" + env + "s  %-" + fallback + "s  %s%n";
        text.append(String.format(row, "CONFIG.YAML", "ENVIRONMENT", "DEFAULT", "MEANING"));
        for (AgencyKey key : AgencyKey.values()) {
            text.append(String.format(row, key.yamlKey(), key.env(), key.fallback(), key.meaning()));
        }
        return text
                .append("\n")
                .append("Exit status:\n")
                .append("  0  got its winners, or stopped by SIGTERM or SIGINT; also --help / --version\n")
                .append("  1  a bad setting (the error names the key), the server refused the agency or a batch, it\n")
                .append("     holds more bets of this agency than the file has, or it could not be reached in time\n")
                .append("  2  the bets file is missing or has a malformed row (file, line and field are named),\n")
                .append("     or an unknown argument\n")
                .toString();
    }
}
