package tp0.lottery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.logline.LogFormat;

class IniFileAndSettingsTest {

    @TempDir
    Path workDir;

    private static IniFile ini(String... lines) throws ConfigException {
        return IniFile.parse(List.of(lines), "config.ini");
    }

    // ------------------------------------------------------------------ IniFile

    @Test
    void parsesDefaultSectionWithBothSeparatorsCommentsAndBlankLines() throws Exception {
        IniFile ini = ini(
                "# a comment",
                "; another comment",
                "",
                "[DEFAULT]",
                "SERVER_PORT = 12345",
                "SERVER_IP:10.0.0.1",
                "  LOGGING_LEVEL   =   DEBUG  ",
                "# SERVER_LISTEN_BACKLOG = 99",
                "NUM_AGENCIES: 3");

        assertEquals(Optional.of("12345"), ini.get("SERVER_PORT"));
        assertEquals(Optional.of("10.0.0.1"), ini.get("SERVER_IP"));
        assertEquals(Optional.of("DEBUG"), ini.get("LOGGING_LEVEL"));
        assertEquals(Optional.of("3"), ini.get("NUM_AGENCIES"));
        assertEquals(Optional.empty(), ini.get("SERVER_LISTEN_BACKLOG"), "a commented-out key is absent");
    }

    @Test
    void keysAreCaseInsensitive() throws Exception {
        IniFile ini = ini("[DEFAULT]", "server_port = 4000", "Logging_Level = ERROR");

        assertEquals(Optional.of("4000"), ini.get("SERVER_PORT"));
        assertEquals(Optional.of("4000"), ini.get("server_port"));
        assertEquals(Optional.of("ERROR"), ini.get("LOGGING_LEVEL"));
        assertEquals(Optional.of("ERROR"), ini.get("logging_level"));
    }

    @Test
    void aKeyOutsideDefaultIsRefusedNamingItsLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ini("[DEFAULT]", "NUM_AGENCIES = 2", "[MORE]", "NUM_AGENCIES = 9"));
        assertEquals("config.ini", e.key());
        assertEquals("line 4 (NUM_AGENCIES) is in section [MORE]; the server reads only [DEFAULT]", e.getMessage());
    }

    @Test
    void anEmptyOtherSectionIsHarmless() throws Exception {
        IniFile ini = ini("[OTHER]", "# nothing here", "[DEFAULT]", "NUM_AGENCIES = 2");
        assertEquals(Optional.of("2"), ini.get("NUM_AGENCIES"));
    }

    @Test
    void aDuplicateKeyIsRefusedNamingBothLines() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ini("[DEFAULT]", "SERVER_PORT = 1", "# again:", "server_port = 2"));
        assertEquals("line 4 sets server_port again (first set on line 2)", e.getMessage());
    }

    @Test
    void aByteOrderMarkIsRefused() throws Exception {
        Path file = workDir.resolve("config.ini");
        Files.write(file, "\uFEFF[DEFAULT]\nSERVER_PORT = 1\n".getBytes(StandardCharsets.UTF_8));
        ConfigException e = assertThrows(ConfigException.class, () -> IniFile.load(file));
        assertEquals(file.toString(), e.key());
        assertTrue(e.getMessage().startsWith("line 1 starts with a byte order mark"), e.getMessage());
    }

    @Test
    void aFileThatIsNotUtf8IsRefused() throws Exception {
        Path file = workDir.resolve("config.ini");
        Files.write(file, new byte[] {'[', 'D', 'E', 'F', 'A', 'U', 'L', 'T', ']', '\n', 'X', '=', (byte) 0xE9, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> IniFile.load(file));
        assertEquals("is not UTF-8 text", e.getMessage());
    }

    @Test
    void unknownKeysAreListedWithTheirLines() throws Exception {
        IniFile ini = ini("[DEFAULT]", "SERVER_PORT = 1", "SERVR_IP = 1.2.3.4", "# c", "loop_amount = 3");
        List<IniFile.Entry> unknown = ServerSettings.unknownKeys(ini);
        assertEquals(List.of("SERVR_IP@3", "loop_amount@5"),
                unknown.stream().map(entry -> entry.key() + "@" + entry.line()).toList());
        assertTrue(ServerSettings.unknownKeys(ini("[DEFAULT]", "logging_level = INFO")).isEmpty(),
                "known keys in any case are not unknown");
    }

    @Test
    void aMissingFileIsSaidToBeMissing() throws Exception {
        assertFalse(IniFile.load(workDir.resolve("missing.ini")).found());
        assertTrue(ini("[DEFAULT]").found());
    }

    @Test
    void valueMayContainTheOtherSeparator() throws Exception {
        IniFile ini = ini("[DEFAULT]", "SERVER_IP = ::1", "KEY: a=b");

        assertEquals(Optional.of("::1"), ini.get("SERVER_IP"));
        assertEquals(Optional.of("a=b"), ini.get("KEY"));
    }

    @Test
    void lineWithoutSeparatorIsRejected() {
        assertThrows(ConfigException.class, () -> ini("[DEFAULT]", "JUST_A_WORD"));
    }

    @Test
    void keyBeforeAnySectionIsRejected() {
        assertThrows(ConfigException.class, () -> ini("SERVER_PORT = 1"));
    }

    @Test
    void loadReadsAFileAndAMissingFileIsEmpty() throws Exception {
        Path file = workDir.resolve("config.ini");
        Files.writeString(file, "[DEFAULT]\r\nSERVER_PORT = 2222\r\n", StandardCharsets.UTF_8);

        assertEquals(Optional.of("2222"), IniFile.load(file).get("SERVER_PORT"));
        assertEquals(Optional.empty(), IniFile.load(workDir.resolve("missing.ini")).get("SERVER_PORT"));
    }

    @Test
    void theShippedConfigIniParses() throws Exception {
        // lottery/config.ini, relative to the module directory surefire runs in.
        Path shipped = Path.of("config.ini");
        assumeTrue(Files.exists(shipped), "run from the lottery module directory");
        ServerSettings settings = ServerSettings.load(IniFile.load(shipped), Map.of(), workDir);
        assertEquals(12345, settings.port());
        assertEquals(5, settings.numAgencies());
        assertEquals("INFO", settings.loggingLevel());
        assertEquals(Duration.ofSeconds(30), settings.frameTimeout());
        assertEquals(1024, settings.maxConnections());
        assertFalse(settings.agencySecrets().enabled(), "shipped with AGENCY_SECRETS_FILE empty");
        assertEquals(LogFormat.TEXT, ServerSettings.logFormat(IniFile.load(shipped), Map.of()), "shipped as text");
    }

    // ------------------------------------------------------------------ ServerSettings

    @Test
    void defaultsApplyWhenNothingIsSet() throws Exception {
        ServerSettings settings = ServerSettings.load(IniFile.empty(), Map.of(), workDir);

        assertEquals("0.0.0.0", settings.host());
        assertEquals(12345, settings.port());
        assertEquals(5, settings.listenBacklog());
        assertEquals("INFO", settings.loggingLevel());
        assertEquals(5, settings.numAgencies());
        assertEquals(workDir.resolve("bets.csv"), settings.betsFile());
        assertEquals(workDir.resolve("all-bets-sent.txt"), settings.finishMarksFile(), "next to bets.csv");
        assertEquals(Duration.ofSeconds(30), settings.frameTimeout());
        assertEquals(1024, settings.maxConnections());
        assertFalse(settings.agencySecrets().enabled(), "no secrets file: authentication off");
    }

    @Test
    void iniValuesAreUsed() throws Exception {
        IniFile ini = ini("[DEFAULT]", "SERVER_PORT = 4000", "SERVER_IP = 127.0.0.1", "SERVER_LISTEN_BACKLOG = 50",
                "LOGGING_LEVEL = DEBUG", "NUM_AGENCIES = 2");

        ServerSettings settings = ServerSettings.load(ini, Map.of(), workDir);

        assertEquals(new ServerSettings("127.0.0.1", 4000, 50, "DEBUG", 2, workDir.resolve("bets.csv"),
                workDir.resolve("all-bets-sent.txt"), Duration.ofSeconds(30), 1024, AgencySecrets.NONE, true, 32,
                Duration.ofSeconds(15), StoreSettings.FILE, TlsSettings.OFF, "0.0.0.0", 8080), settings);
    }

    @Test
    void environmentOverridesIni() throws Exception {
        IniFile ini = ini("[DEFAULT]", "SERVER_PORT = 4000", "NUM_AGENCIES = 2", "LOGGING_LEVEL = DEBUG");
        Map<String, String> env = Map.of("SERVER_PORT", "5000", "NUM_AGENCIES", " 7 ");

        ServerSettings settings = ServerSettings.load(ini, env, workDir);

        assertEquals(5000, settings.port());
        assertEquals(7, settings.numAgencies(), "env values are stripped too");
        assertEquals("DEBUG", settings.loggingLevel(), "keys the env does not set still come from the ini");
    }

    @Test
    void pythonLevelNamesMapToLogback() throws Exception {
        assertEquals("WARN", level("WARNING"));
        assertEquals("WARN", level("warning"));
        assertEquals("WARN", level("WARN"));
        assertEquals("ERROR", level("CRITICAL"));
        assertEquals("DEBUG", level("debug"));
    }

    private String level(String value) throws ConfigException {
        return ServerSettings.load(IniFile.empty(), Map.of("LOGGING_LEVEL", value), workDir).loggingLevel();
    }

    @Test
    void nonIntegerPortNamesTheKey() {
        assertKeyRejected(ServerKey.SERVER_PORT.name(), Map.of("SERVER_PORT", "twelve"));
    }

    @Test
    void outOfRangePortNamesTheKey() {
        assertKeyRejected(ServerKey.SERVER_PORT.name(), Map.of("SERVER_PORT", "70000"));
        assertKeyRejected(ServerKey.SERVER_PORT.name(), Map.of("SERVER_PORT", "-1"));
    }

    @Test
    void unknownLoggingLevelNamesTheKey() {
        assertKeyRejected(ServerKey.LOGGING_LEVEL.name(), Map.of("LOGGING_LEVEL", "LOUD"));
    }

    @Test
    void theLogFormatIsTextUnlessJsonIsSetAndAnythingElseNamesTheKey() throws Exception {
        assertEquals(LogFormat.TEXT, ServerSettings.logFormat(IniFile.empty(), Map.of()));
        IniFile json = ini("[DEFAULT]", "LOG_FORMAT = json");
        assertEquals(LogFormat.JSON, ServerSettings.logFormat(json, Map.of()));
        assertEquals(LogFormat.TEXT, ServerSettings.logFormat(json, Map.of("LOG_FORMAT", "TEXT")), "the env wins");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerSettings.logFormat(IniFile.empty(), Map.of("LOG_FORMAT", "xml")));
        assertEquals(ServerKey.LOG_FORMAT.name(), e.key());
        assertEquals("'xml' is not text or json", e.getMessage());
        assertKeyRejected(ServerKey.LOG_FORMAT.name(), Map.of("LOG_FORMAT", "xml"));
        assertKeyRejected(ServerKey.LOG_FORMAT.name(), Map.of("LOG_FORMAT", " "));
    }

    @Test
    void zeroAgenciesNamesTheKey() {
        assertKeyRejected(ServerKey.NUM_AGENCIES.name(), Map.of("NUM_AGENCIES", "0"));
    }

    @Test
    void badBacklogNamesTheKey() {
        assertKeyRejected(ServerKey.SERVER_LISTEN_BACKLOG.name(), Map.of("SERVER_LISTEN_BACKLOG", "0"));
        assertKeyRejected(ServerKey.SERVER_LISTEN_BACKLOG.name(), Map.of("SERVER_LISTEN_BACKLOG", "many"));
    }

    @Test
    void emptyValuesNameTheKey() {
        assertKeyRejected(ServerKey.SERVER_IP.name(), Map.of("SERVER_IP", " "));
        assertKeyRejected(ServerKey.SERVER_PORT.name(), Map.of("SERVER_PORT", ""));
    }

    @Test
    void invalidIniValueIsRejectedToo() throws Exception {
        IniFile ini = ini("[DEFAULT]", "NUM_AGENCIES = 0");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerSettings.load(ini, Map.of(), workDir));
        assertEquals(ServerKey.NUM_AGENCIES.name(), e.key());
    }

    @Test
    void validEnvRescuesAnInvalidIniValue() throws Exception {
        IniFile ini = ini("[DEFAULT]", "SERVER_PORT = nope");
        assertEquals(1234, ServerSettings.load(ini, Map.of("SERVER_PORT", "1234"), workDir).port());
    }

    // ------------------------------------------------------------------ reliability keys

    @Test
    void frameTimeoutAndConnectionCapComeFromIniOrEnv() throws Exception {
        IniFile ini = ini("[DEFAULT]", "FRAME_TIMEOUT = 5", "MAX_CONNECTIONS = 10");
        ServerSettings fromIni = ServerSettings.load(ini, Map.of(), workDir);
        assertEquals(Duration.ofSeconds(5), fromIni.frameTimeout());
        assertEquals(10, fromIni.maxConnections());

        ServerSettings fromEnv = ServerSettings.load(ini, Map.of("FRAME_TIMEOUT", "86400", "MAX_CONNECTIONS", "1"), workDir);
        assertEquals(Duration.ofDays(1), fromEnv.frameTimeout());
        assertEquals(1, fromEnv.maxConnections());
    }

    @Test
    void heartbeatTimeoutComesFromIniOrEnvAndStaysAboveThePingInterval() throws Exception {
        assertEquals(Duration.ofSeconds(15), ServerSettings.load(IniFile.empty(), Map.of(), workDir).heartbeatTimeout());
        IniFile ini = ini("[DEFAULT]", "HEARTBEAT_TIMEOUT = 20");
        assertEquals(Duration.ofSeconds(20), ServerSettings.load(ini, Map.of(), workDir).heartbeatTimeout());
        assertEquals(Duration.ofSeconds(6),
                ServerSettings.load(ini, Map.of("HEARTBEAT_TIMEOUT", "6"), workDir).heartbeatTimeout());
        assertKeyRejected(ServerKey.HEARTBEAT_TIMEOUT.name(), Map.of("HEARTBEAT_TIMEOUT", "5"));
        assertKeyRejected(ServerKey.HEARTBEAT_TIMEOUT.name(), Map.of("HEARTBEAT_TIMEOUT", "86401"));
    }

    @Test
    void theHttpPortIs8080Unless0OffAnyOrAPortIsSet() throws Exception {
        ServerSettings defaults = ServerSettings.load(IniFile.empty(), Map.of(), workDir);
        assertEquals(8080, defaults.httpPort());
        assertEquals("0.0.0.0", defaults.httpHost());
        assertTrue(defaults.httpEnabled());
        for (String off : new String[] {"0", "off", "OFF"}) {
            ServerSettings settings = ServerSettings.load(IniFile.empty(), Map.of("HTTP_PORT", off), workDir);
            assertFalse(settings.httpEnabled(), off + " turns the HTTP port off");
        }
        ServerSettings any = ServerSettings.load(ini("[DEFAULT]", "HTTP_PORT = any", "HTTP_IP = 127.0.0.1"), Map.of(),
                workDir);
        assertEquals(0, any.httpPort(), "any: a free port");
        assertTrue(any.httpEnabled());
        assertEquals("127.0.0.1", any.httpHost());
        assertEquals(9100, ServerSettings.load(IniFile.empty(), Map.of("HTTP_PORT", "9100"), workDir).httpPort());
        assertKeyRejected(ServerKey.HTTP_PORT.name(), Map.of("HTTP_PORT", "65536"));
        assertKeyRejected(ServerKey.HTTP_PORT.name(), Map.of("HTTP_PORT", "-1"));
        assertKeyRejected(ServerKey.HTTP_PORT.name(), Map.of("HTTP_PORT", "web"));
        assertKeyRejected(ServerKey.HTTP_IP.name(), Map.of("HTTP_IP", ""));
    }

    @Test
    void frameTimeoutAndConnectionCapOutsideTheirRangesNameTheKey() {
        assertKeyRejected(ServerKey.FRAME_TIMEOUT.name(), Map.of("FRAME_TIMEOUT", "0"));
        assertKeyRejected(ServerKey.FRAME_TIMEOUT.name(), Map.of("FRAME_TIMEOUT", "86401"));
        assertKeyRejected(ServerKey.FRAME_TIMEOUT.name(), Map.of("FRAME_TIMEOUT", "30s"));
        assertKeyRejected(ServerKey.MAX_CONNECTIONS.name(), Map.of("MAX_CONNECTIONS", "0"));
        assertKeyRejected(ServerKey.MAX_CONNECTIONS.name(), Map.of("MAX_CONNECTIONS", "100001"));
    }

    @Test
    void aSecretsFileTurnsAuthenticationOn() throws Exception {
        Files.writeString(workDir.resolve("secrets.txt"),
                "# agency secrets\n\n1=s3cret\n 2 = otro secreto \n3=a=b\n", StandardCharsets.UTF_8);

        AgencySecrets secrets = ServerSettings.load(IniFile.empty(),
                Map.of("AGENCY_SECRETS_FILE", "secrets.txt"), workDir).agencySecrets();

        assertTrue(secrets.enabled());
        assertTrue(secrets.accepts(1, "s3cret"));
        assertFalse(secrets.accepts(1, "s3cret "), "exact match");
        assertFalse(secrets.accepts(1, ""));
        assertFalse(secrets.accepts(1, "otro secreto"), "another agency's secret");
        assertTrue(secrets.accepts(2, "otro secreto"), "surrounding blanks are not part of it");
        assertTrue(secrets.accepts(3, "a=b"), "only the first '=' separates");
        assertFalse(secrets.accepts(4, ""), "an agency missing from the file is refused");
        assertFalse(secrets.toString().contains("s3cret"), "never printed");
    }

    @Test
    void anEmptySecretsFileSettingMeansNoAuthentication() throws Exception {
        IniFile ini = ini("[DEFAULT]", "AGENCY_SECRETS_FILE =");
        AgencySecrets secrets = ServerSettings.load(ini, Map.of(), workDir).agencySecrets();
        assertFalse(secrets.enabled());
        assertTrue(secrets.accepts(7, ""));
    }

    @Test
    void aBadOrMissingSecretsFileNamesTheKey() throws Exception {
        assertKeyRejected(ServerKey.AGENCY_SECRETS_FILE.name(), Map.of("AGENCY_SECRETS_FILE", "missing.txt"));
        for (String content : new String[] {"1 s3cret\n", "x=s3cret\n", "0=s3cret\n", "1=\n", "1=a\n1=b\n"}) {
            Files.writeString(workDir.resolve("bad.txt"), content, StandardCharsets.UTF_8);
            ConfigException e = assertThrows(ConfigException.class, () -> ServerSettings.load(IniFile.empty(),
                    Map.of("AGENCY_SECRETS_FILE", "bad.txt"), workDir), content);
            assertEquals(ServerKey.AGENCY_SECRETS_FILE.name(), e.key(), content);
            assertFalse(e.getMessage().contains("s3cret"), "the error never quotes a secret: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ performance keys

    @Test
    void groupCommitIsOnAndThePipeline32UnlessSetInIniOrEnv() throws Exception {
        ServerSettings defaults = ServerSettings.load(IniFile.empty(), Map.of(), workDir);
        assertTrue(defaults.storeGroupCommit());
        assertEquals(32, defaults.sessionPipeline());

        IniFile ini = ini("[DEFAULT]", "STORE_GROUP_COMMIT = off", "SESSION_PIPELINE = 1");
        ServerSettings fromIni = ServerSettings.load(ini, Map.of(), workDir);
        assertFalse(fromIni.storeGroupCommit());
        assertEquals(1, fromIni.sessionPipeline());

        ServerSettings fromEnv = ServerSettings.load(ini, Map.of("STORE_GROUP_COMMIT", " ON ", "SESSION_PIPELINE", "1024"),
                workDir);
        assertTrue(fromEnv.storeGroupCommit(), "env overrides ini, any case");
        assertEquals(1024, fromEnv.sessionPipeline());

        // configparser's getboolean spellings
        for (String on : List.of("true", "yes", "1")) {
            assertTrue(ServerSettings.load(IniFile.empty(), Map.of("STORE_GROUP_COMMIT", on), workDir).storeGroupCommit(), on);
        }
        for (String off : List.of("false", "no", "0")) {
            assertFalse(ServerSettings.load(IniFile.empty(), Map.of("STORE_GROUP_COMMIT", off), workDir).storeGroupCommit(), off);
        }
    }

    @Test
    void badGroupCommitOrPipelineNamesTheKey() {
        assertKeyRejected(ServerKey.STORE_GROUP_COMMIT.name(), Map.of("STORE_GROUP_COMMIT", "sometimes"));
        assertKeyRejected(ServerKey.STORE_GROUP_COMMIT.name(), Map.of("STORE_GROUP_COMMIT", ""));
        assertKeyRejected(ServerKey.SESSION_PIPELINE.name(), Map.of("SESSION_PIPELINE", "0"));
        assertKeyRejected(ServerKey.SESSION_PIPELINE.name(), Map.of("SESSION_PIPELINE", "1025"));
        assertKeyRejected(ServerKey.SESSION_PIPELINE.name(), Map.of("SESSION_PIPELINE", "many"));
    }

    @Test
    void theShippedConfigIniHasGroupCommitOnAndThePipelineAt32() throws Exception {
        Path shipped = Path.of("config.ini");
        assumeTrue(Files.exists(shipped), "run from the lottery module directory");
        ServerSettings settings = ServerSettings.load(IniFile.load(shipped), Map.of(), workDir);
        assertTrue(settings.storeGroupCommit());
        assertEquals(32, settings.sessionPipeline());
    }

    private void assertKeyRejected(String key, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerSettings.load(IniFile.empty(), env, workDir));
        assertEquals(key, e.key());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the problem is described");
    }

    // ------------------------------------------------------------------ STORE

    @Test
    void theFileStoreIsTheDefault() throws Exception {
        assertEquals(StoreSettings.FILE, ServerSettings.load(IniFile.empty(), Map.of(), workDir).store());
    }

    @Test
    void storePostgresReadsTheDatabaseKeysWithEnvironmentOverrides() throws Exception {
        IniFile ini = ini("[DEFAULT]", "STORE = postgres", "DB_URL = jdbc:postgresql://db.example:5433/bets?ssl=true",
                "DB_USER = alice", "DB_PASSWORD = from-ini");
        StoreSettings.Postgres pg = (StoreSettings.Postgres) ServerSettings.load(ini,
                Map.of("DB_PASSWORD", "from-env", "DB_CONNECT_TIMEOUT", "7"), workDir).store();
        assertEquals(new StoreSettings.Postgres("jdbc:postgresql://db.example:5433/bets?ssl=true", "alice", "from-env",
                Duration.ofSeconds(7)), pg);
        assertEquals("db.example:5433/bets", pg.address(), "host:port/db, never the URL's parameters");
        assertFalse(pg.toString().contains("from-env"), "the password is never printed: " + pg);
    }

    @Test
    void thePasswordMayComeFromAFileLikeADockerSecret() throws Exception {
        java.nio.file.Files.writeString(workDir.resolve("db-secret"), "s3cret\n");
        StoreSettings.Postgres pg = (StoreSettings.Postgres) ServerSettings.load(IniFile.empty(),
                Map.of("STORE", "postgres", "DB_PASSWORD_FILE", "db-secret"), workDir).store();
        assertEquals("s3cret", pg.password());
    }

    @Test
    void badStoreSettingsNameTheirKey() {
        assertKeyRefused("STORE", Map.of("STORE", "mysql"));
        assertKeyRefused("DB_URL", Map.of("STORE", "postgres", "DB_URL", "postgres://localhost/x"));
        assertKeyRefused("DB_PASSWORD_FILE", Map.of("STORE", "postgres", "DB_PASSWORD", "a", "DB_PASSWORD_FILE", "b"));
        assertKeyRefused("DB_PASSWORD_FILE", Map.of("STORE", "postgres", "DB_PASSWORD_FILE", "missing-file"));
        assertKeyRefused("DB_CONNECT_TIMEOUT", Map.of("STORE", "postgres", "DB_CONNECT_TIMEOUT", "-1"));
    }

    private void assertKeyRefused(String key, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerSettings.load(IniFile.empty(), env, workDir));
        assertEquals(key, e.key(), e.getMessage());
    }
}
