package tp0.agency;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import tp0.agency.cli.CommandLine;
import tp0.agency.config.AgencyConfig;
import tp0.agency.config.ConfigException;
import tp0.agency.config.ConfigLoader;
import tp0.agency.config.SingleBetEnv;
import tp0.agency.log.Log;
import tp0.agency.log.LogLevel;
import tp0.logline.LogLine;

/**
 * Entry point: wires stdout, signals, env and {@code config.yaml} (from the working
 * directory), runs the {@link AgencyClient} and exits with its status. All behaviour lives
 * in the classes it calls, so tests never need a real process.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // UTF-8 whatever the container's locale; flushed per line by Log.
        PrintStream stdout = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 8192),
                false, StandardCharsets.UTF_8);
        Log log = new Log(stdout, LogLevel.INFO);
        StopSignal stop = new StopSignal();
        // Before anything slow, so a stop during startup still exits 0.
        SignalHandlers.install(stop, log);
        // Only with arguments: a run of the agency loads and links none of it (its version either).
        if (args.length > 0) {
            OptionalInt answered = CommandLine.answer(args, stdout, System.err);
            if (answered.isPresent()) {
                System.exit(answered.getAsInt());
                return;
            }
        }
        int status = run(System.getenv(), Path.of(ConfigLoader.FILE_NAME), log, stop, launchedAtEpochMillis());
        stdout.flush();
        System.exit(status);
    }

    /**
     * When the OS started this process, to ~20 ms, where Linux says: its age is the system's
     * uptime minus its start time since boot, both in /proc at 10 ms resolution.
     * ({@code ProcessHandle.Info.startInstant} counts from the boot time, which /proc gives
     * only to the second.) Empty elsewhere.
     */
    static OptionalLong launchedAtEpochMillis() {
        try {
            long now = System.currentTimeMillis();
            String uptime = Files.readString(Path.of("/proc/uptime"));
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name, which may hold spaces: the 22nd field is the 20th here.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
            long startedSinceBootMillis = Long.parseLong(fields[19]) * 10; // USER_HZ = 100
            long uptimeMillis = Math.round(Double.parseDouble(uptime.substring(0, uptime.indexOf(' '))) * 1000);
            return OptionalLong.of(now - (uptimeMillis - startedSinceBootMillis));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty(); // not Linux: the all-sent line goes without first_batch_ms
        }
    }

    /** Everything but the process wiring; returns the exit status. */
    static int run(Map<String, String> env, Path configFile, Log log, StopSignal stop) {
        return run(env, configFile, log, stop, OptionalLong.empty());
    }

    /** @param launchedAtEpochMillis when the process was launched, if known (for {@code first_batch_ms}) */
    static int run(Map<String, String> env, Path configFile, Log log, StopSignal stop,
                   OptionalLong launchedAtEpochMillis) {
        AgencyConfig config;
        ConfigLoader settings = ConfigLoader.read(env, configFile);
        try {
            // The format first: every line after this one, a config error's too, is in it.
            log.setFormat(settings.logFormat());
            config = settings.settings();
        } catch (ConfigException e) {
            log.error(e.logLine());
            return ExitCodes.FAILURE;
        }
        log.setThreshold(config.logLevel());
        log.info(config.summaryLogLine());
        SingleBetEnv.partialWarning(env).ifPresent(log::warning);
        try {
            return new AgencyClient(config, log, stop, launchedAtEpochMillis).run();
        } catch (RuntimeException e) {
            // A bug, not an operating condition; still one clear line and a failing status.
            log.error(LogLine.fail("agency", "error", e.toString()));
            return ExitCodes.FAILURE;
        }
    }
}
