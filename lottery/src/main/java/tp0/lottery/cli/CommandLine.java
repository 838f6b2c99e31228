package tp0.lottery.cli;

import java.io.PrintStream;
import java.util.OptionalInt;
import tp0.cli.StandardOptions;
import tp0.lottery.config.ServerKey;

/**
 * The server's arguments. None runs the server; {@code --help} and {@code --version} are
 * answered here and change nothing (no file is read or created, no port bound); anything
 * else is a one-line error and status 2, so a typo never starts a server by surprise.
 */
public final class CommandLine {
    private CommandLine() {}

    /**
     * @return the exit status when the arguments were answered here; empty: run the lottery
     */
    public static OptionalInt answer(String[] args, PrintStream out, PrintStream err) {
        return StandardOptions.answer("lottery", args, CommandLine::usage, Version::describe, out, err);
    }

    /** The text of {@code --help}: what the server does, every setting, the exit codes. */
    public static String usage() {
        StringBuilder text = new StringBuilder()
                .append("Usage: lottery [--help | --version]\n")
                .append("       lottery export-bets <file>   (STORE=postgres: write the stored bets as bets.csv)\n")
                .append("       lottery healthcheck          (exit 0 when the server run from here answers /health/ready)\n")
                .append("\n")
                .append("Runs the central lottery server of TP0 (Lotería Nacional): agencies send their bets over TCP,\n")
                .append("every acknowledged bet is stored durably in ./bets.csv, and once all agencies have finished the\n")
                .append("draw is held and each agency gets only its own winners. The same port answers the echo check.\n")
                .append("\n")
                .append("Settings come from ./config.ini (section [DEFAULT], KEY = value); an environment variable of\n")
                .append("the same name overrides each key. An unknown key is ignored with a warning naming its line.\n")
                .append("\n");
        int width = 0;
        for (ServerKey key : ServerKey.values()) {
            width = Math.max(width, key.name().length());
        }
        text.append(String.format("  %-" + width + "s  %-9s %s%n", "KEY", "DEFAULT", "MEANING"));
        for (ServerKey key : ServerKey.values()) {
            String fallback = key.fallback().isEmpty() ? "(empty)" : key.fallback();
            text.append(String.format("  %-" + width + "s  %-9s %s%n", key.name(), fallback, key.meaning()));
        }
        return text
                .append("\n")
                .append("Files, in the working directory: bets.csv (the bets, in the course's store_bets format) and\n")
                .append("all-bets-sent.txt (which agencies have finished); with STORE=postgres, the database instead.\n")
                .append("\n")
                .append("Exit status:\n")
                .append("  0  stopped by SIGTERM or SIGINT (at any moment, start-up included), or --help / --version\n")
                .append("  1  could not start or had to stop: a bad setting (the error names the key), the port is\n")
                .append("     taken, bets.csv or all-bets-sent.txt cannot be read or repaired, the database cannot be\n")
                .append("     used (unreachable for DB_CONNECT_TIMEOUT, wrong DB_USER/password, a newer schema),\n")
                .append("     the store failed\n")
                .append("  2  an unknown argument\n")
                .toString();
    }
}
