package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tp0.tools.ChildProcess;
import tp0.tools.StartScript;

/**
 * The generated start scripts, {@code <module>/target/bin/<module>}, as a user runs them: from
 * another folder and through a symbolic link, with JAVA_HOME and JAVA_OPTS, on every JDK at
 * hand (this one, and JDK 25 where {@code TP0_JDK25_HOME} or the CI machines' path has it).
 */
class StartScriptIT {
    private static final Duration LONG = Duration.ofMinutes(2);

    @RegisterExtension
    final RunDir runDir = RunDir.perInvocation("start-script");

    /** This JVM's home, and JDK 25's where this machine has one. */
    static Stream<String> javaHomes() {
        List<String> homes = new ArrayList<>(List.of(System.getProperty("java.home")));
        String jdk25 = System.getenv().getOrDefault("TP0_JDK25_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64");
        if (Files.isExecutable(Path.of(jdk25, "bin", "java"))) {
            homes.add(jdk25);
        }
        return homes.stream();
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void serverStartsCleanFromAnyFolderThroughASymlinkAndStopsWithZero(String javaHome) throws IOException {
        Path link = Files.createDirectories(runDir.path().resolve("elsewhere/bin")).resolve("lottery");
        Files.createSymbolicLink(link, StartScript.of(ROOT, "lottery"));
        Path work = Files.createDirectories(runDir.path().resolve("work"));
        Files.writeString(work.resolve("config.ini"), "[DEFAULT]\nSERVER_PORT = 0\nSERVER_IP = 127.0.0.1\nHTTP_PORT = 0\n",
                StandardCharsets.UTF_8);
        try (ChildProcess server = ChildProcess.start("server", List.of(link.toString()), work,
                Map.of("JAVA_HOME", javaHome), line -> { })) {
            server.awaitLine("action: listen \\| result: success", LONG);
            // exec: the script's process is the JVM itself, so signals and the exit status are its own.
            String cmdline = Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline"));
            assertTrue(cmdline.startsWith(javaHome + "/bin/java\0"), "the script must exec java: " + cmdline);
            server.terminate();
            assertEquals(0, server.awaitExit(LONG).orElseThrow(), "exit status after SIGTERM");
            // No JVM warning (sun.misc.Unsafe on JDK 23+, class-data sharing) among the log lines.
            LogLines.assertKeepTheContract(server.lines());
            assertTrue(Files.exists(work.resolve("bets.csv")), "bets.csv is written in the current folder");
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void agencyRunsCleanAndItsExitStatusIsTheJvms(String javaHome) throws IOException {
        Path work = Files.createDirectories(runDir.path().resolve("agency"));
        ChildProcess.copy(ROOT.resolve("agency/config.yaml"), work.resolve("config.yaml"));
        try (ChildProcess agency = ChildProcess.startScript("agency", StartScript.of(ROOT, "agency"), work,
                Map.of("JAVA_HOME", javaHome, "CLI_ID", "1", "CLI_SERVER_ADDRESS", "127.0.0.1:1",
                        "CLI_DATA_FILE", "no-such-file.csv"), line -> { })) {
            assertEquals(2, agency.awaitExit(LONG).orElseThrow(), "a missing data file is exit status 2");
            LogLines.assertKeepTheContract(agency.lines());
            assertEquals(1, agency.linesContaining("action: leer_apuestas | result: fail").size());
        }
    }

    @Test
    void configIsReadFromTheCurrentFolderAndAConfigErrorIsExitOne() throws IOException {
        Path work = Files.createDirectories(runDir.path().resolve("work"));
        Files.writeString(work.resolve("config.ini"), "[DEFAULT]\nSERVER_PORT = not-a-port\n", StandardCharsets.UTF_8);
        try (ChildProcess server = ChildProcess.startScript("server", StartScript.of(ROOT, "lottery"), work,
                Map.of(), line -> { })) {
            assertEquals(1, server.awaitExit(LONG).orElseThrow(), "a config error is exit status 1");
            assertEquals(1, server.linesContaining("action: config | result: fail | key: SERVER_PORT").size(),
                    String.join("\n", server.lines()));
        }
    }

    @Test
    void javaOptsComeAfterTheProgramsOwnOptionsAndAreSplitOnBlanks() throws IOException {
        // -version ends the JVM before the jar runs: what it prints shows which options won.
        try (ChildProcess server = ChildProcess.startScript("server", StartScript.of(ROOT, "lottery"), runDir.path(),
                Map.of("JAVA_OPTS", "-Xmx64m -XX:+PrintFlagsFinal -version"), line -> { })) {
            assertEquals(0, server.awaitExit(LONG).orElseThrow());
            // jvm.options says -Xmx256m; JAVA_OPTS' -Xmx64m (67108864 bytes) comes later and wins.
            assertEquals(1, server.lines().stream()
                    .filter(line -> line.matches("\\s*size_t MaxHeapSize\\s+= 67108864\\s.*")).count(),
                    String.join("\n", server.linesContaining("MaxHeapSize")));
            assertEquals(1, server.linesContaining("bool UseSerialGC                              = true").size(),
                    "jvm.options still applies");
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void javaOptsThatChooseAboutClassDataSharingGetNoArchiveFromTheScript(String javaHome) throws IOException {
        // On JDK 25 an AOT cache together with -Xshare:off stops the JVM at start.
        try (ChildProcess agency = ChildProcess.startScript("agency", StartScript.of(ROOT, "agency"),
                List.of("--version"), runDir.path(), Map.of("JAVA_HOME", javaHome, "JAVA_OPTS", "-Xshare:off"), line -> { })) {
            assertEquals(0, agency.awaitExit(LONG).orElseThrow(), String.join("\n", agency.lines()));
            assertEquals(1, agency.lines().size(), agency.lines().toString());
            assertTrue(agency.lines().get(0).startsWith("agency "), agency.lines().get(0));
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void aBrokenArchiveIsIgnoredInSilenceAndOneOlderThanTheJarIsNotUsed(String javaHome) throws IOException {
        // A copy of the server's install whose archive, named as the script looks for this
        // JVM's (its runtime version from its release file), is garbage.
        Path home = serverInstallCopy();
        String runtime = Files.readAllLines(Path.of(javaHome, "release")).stream()
                .filter(line -> line.startsWith("JAVA_RUNTIME_VERSION=")).findFirst().orElseThrow()
                .replaceAll("^JAVA_RUNTIME_VERSION=\"(.*)\"$", "$1").replaceAll("[^A-Za-z0-9._+-]", "_");
        boolean aot = Integer.parseInt(runtime.replaceAll("[^0-9].*$", "")) >= 25;
        Path archive = home.resolve("archives").resolve("lottery-" + runtime + (aot ? ".aot" : ".jsa"));
        Files.writeString(archive, "not an archive");
        FileTime jarTime = Files.getLastModifiedTime(home.resolve("lottery.jar"));
        String option = aot ? "-XX:AOTCache=" + archive : "-XX:SharedArchiveFile=" + archive;
        for (boolean newer : List.of(true, false)) {
            Files.setLastModifiedTime(archive, FileTime.fromMillis(jarTime.toMillis() + (newer ? 60_000 : -60_000)));
            Path work = Files.createDirectories(runDir.path().resolve("work-" + newer));
            try (ChildProcess server = ChildProcess.startScript("server", home.resolve("bin/lottery"), work,
                    Map.of("JAVA_HOME", javaHome, "SERVER_PORT", "0", "SERVER_IP", "127.0.0.1", "HTTP_PORT", "0"), line -> { })) {
                server.awaitLine("action: listen \\| result: success", LONG);
                List<String> args = List.of(Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline"))
                        .split("\0"));
                assertEquals(newer, args.contains(option), (newer ? "offered: " : "not offered: ") + args);
                server.terminate();
                assertEquals(0, server.awaitExit(LONG).orElseThrow());
                LogLines.assertKeepTheContract(server.lines());
            }
        }
    }

    @Test
    void theArchiveIsNamedAfterTheReleaseFilesVersionWithAnyOtherCharacterAsAnUnderscore() throws IOException {
        // A JVM home as a jlink'd runtime has it: a release file with JAVA_VERSION only (here with a
        // blank, a slash and no final line break), its bin/ this JVM's. The script reads the version
        // with shell built-ins alone; the archive it offers must carry the same name as before.
        Path javaHome = Files.createDirectories(runDir.path().resolve("jre"));
        Files.createSymbolicLink(javaHome.resolve("bin"), Path.of(System.getProperty("java.home"), "bin"));
        int feature = Runtime.version().feature();
        Files.writeString(javaHome.resolve("release"), "IMPLEMENTOR=\"someone\"\nMODULES=\"java.base\"\nJAVA_VERSION=\""
                + feature + ".0.99 local/build\"", StandardCharsets.UTF_8);
        Path home = serverInstallCopy();
        boolean aot = feature >= 25;
        Path archive = home.resolve("archives").resolve("lottery-" + feature + ".0.99_local_build" + (aot ? ".aot" : ".jsa"));
        Files.writeString(archive, "not an archive"); // refused in silence by the JVM: only its name matters here
        Path work = Files.createDirectories(runDir.path().resolve("work"));
        try (ChildProcess server = ChildProcess.startScript("server", home.resolve("bin/lottery"), work,
                Map.of("JAVA_HOME", javaHome.toString(), "SERVER_PORT", "0", "SERVER_IP", "127.0.0.1", "HTTP_PORT", "0"),
                line -> { })) {
            server.awaitLine("action: listen \\| result: success", LONG);
            List<String> args = List.of(Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline"))
                    .split("\0"));
            assertTrue(args.contains((aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive), args.toString());
            server.terminate();
            assertEquals(0, server.awaitExit(LONG).orElseThrow());
        }
    }

    /** A copy of the server's install (script, jar, options) in this test's folder, with an empty archives/. */
    private Path serverInstallCopy() throws IOException {
        Path home = runDir.path().resolve("app");
        Path target = ROOT.resolve("lottery/target");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("archives"));
        Files.copy(target.resolve("bin/lottery"), home.resolve("bin/lottery"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(target.resolve("lottery.jar"), home.resolve("lottery.jar"));
        Files.copy(target.resolve("jvm.options"), home.resolve("jvm.options"));
        return home;
    }
}
