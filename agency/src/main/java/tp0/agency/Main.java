package tp0.agency;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
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
        int status = run(System.getenv(), Path.of(ConfigLoader.FILE_NAME), log, stop);
        stdout.flush();
        System.exit(status);
    }

    /** When the OS started this process (10 ms resolution on Linux), if it says. */
    private static OptionalLong launchedAtEpochMillis() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> OptionalLong.of(start.toEpochMilli())).orElse(OptionalLong.empty());
    }

    /** Everything but the process wiring; returns the exit status. */
    static int run(Map<String, String> env, Path configFile, Log log, StopSignal stop) {
        AgencyConfig config;
        try {
            config = ConfigLoader.load(env, configFile);
        } catch (ConfigException e) {
            log.error(e.logLine());
            return ExitCodes.FAILURE;
        }
        log.setThreshold(config.logLevel());
        log.info(config.summaryLogLine());
        SingleBetEnv.partialWarning(env).ifPresent(log::warning);
        try {
            return new AgencyClient(config, log, stop, launchedAtEpochMillis()).run();
        } catch (RuntimeException e) {
            // A bug, not an operating condition; still one clear line and a failing status.
            log.error(LogLine.fail("agency", "error", e.toString()));
            return ExitCodes.FAILURE;
        }
    }
}
