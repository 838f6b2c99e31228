package tp0.agency.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.agency.log.LogLevel;
import tp0.logline.LogFormat;
import tp0.protocol.Bet;

class ConfigLoaderTest {
    private static final String SHIPPED = """
            server:
              address: "server:12345"
              connectTimeout: 30s
            log:
              level: INFO
            batch:
              maxAmount: 500
              window: 32
            loop:
              amount: 5
              period: 0s
            """;

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    private ConfigException failure(Map<String, String> env, Path file) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(env, file));
    }

    @Test
    void readsTheFileAndIgnoresUnknownKeys() throws Exception {
        AgencyConfig c = ConfigLoader.load(env("CLI_ID", "3"), yaml(SHIPPED));
        assertEquals(3, c.clientId());
        assertEquals(ServerAddresses.of(new ServerAddress("server", 12345)), c.servers());
        assertEquals(LogLevel.INFO, c.logLevel());
        assertEquals(500, c.batchMaxAmount());
        assertEquals(Duration.ofSeconds(30), c.connectTimeout());
        assertEquals(Path.of(".data/agency-3.csv"), c.dataFile());
        assertEquals(Optional.empty(), c.singleBet());
    }

    @Test
    void theShippedConfigFileLoads() throws Exception {
        Path shipped = Path.of("config.yaml"); // surefire runs in the module directory
        AgencyConfig c = ConfigLoader.load(env("CLI_ID", "1"), shipped);
        assertEquals(ServerAddresses.of(new ServerAddress("server", 12345)), c.servers());
        assertEquals(500, c.batchMaxAmount());
        assertEquals(Duration.ofSeconds(30), c.connectTimeout());
        assertEquals(LogLevel.INFO, c.logLevel());
        assertEquals(32, c.batchWindow());
        assertEquals(LogFormat.TEXT, ConfigLoader.read(env("CLI_ID", "1"), shipped).logFormat(), "shipped as text");
    }

    @Test
    void theBatchWindowComesFromTheFileOrTheEnvAndDefaultsToSixteen() throws Exception {
        assertEquals(4, ConfigLoader.load(env("CLI_ID", "1"), yaml(SHIPPED.replace("window: 32", "window: 4")))
                .batchWindow());
        assertEquals(1, ConfigLoader.load(env("CLI_ID", "1", "CLI_BATCH_WINDOW", " 1 "), yaml(SHIPPED)).batchWindow(),
                "the env beats the file; 1 is stop-and-wait");
        assertEquals(1024, ConfigLoader.load(env("CLI_ID", "1", "CLI_BATCH_WINDOW", "1024"), yaml(SHIPPED))
                .batchWindow());
        assertEquals(ConfigLoader.DEFAULT_BATCH_WINDOW, ConfigLoader.load(env("CLI_ID", "1"),
                yaml(SHIPPED.replace("  window: 32\n", ""))).batchWindow());
        assertEquals(32, ConfigLoader.DEFAULT_BATCH_WINDOW);
    }

    @Test
    void anInvalidBatchWindowIsAConfigErrorNamingItsKey() throws Exception {
        Path file = yaml(SHIPPED);
        for (String bad : new String[] {"0", "-1", "1025", "lots", "1.5", "99999999999"}) {
            ConfigException e = failure(env("CLI_ID", "1", "CLI_BATCH_WINDOW", bad), file);
            assertEquals("CLI_BATCH_WINDOW", e.key(), bad);
            assertTrue(e.logLine().startsWith("action: config | result: fail | key: CLI_BATCH_WINDOW | error: "),
                    e.logLine());
        }
        assertEquals("action: config | result: fail | key: CLI_BATCH_WINDOW | error: 0 is outside 1..1024",
                failure(env("CLI_ID", "1", "CLI_BATCH_WINDOW", "0"), file).logLine());
        assertEquals("action: config | result: fail | key: batch.window | error: 'many' is not a positive integer",
                failure(env("CLI_ID", "1"), yaml(SHIPPED.replace("window: 32", "window: many"))).logLine());
        assertEquals("batch.window", failure(env("CLI_ID", "1"), yaml(SHIPPED.replace("window: 32", "window: 2000"))).key());
        assertEquals("batch.window",
                failure(env("CLI_ID", "1"), yaml(SHIPPED.replace("window: 32", "window: [1, 2]"))).key());
    }

    @Test
    void theLoopPeriodPacesTheBatchesOnlyWhenSetAndIsNamedWhenWrong() throws Exception {
        assertEquals(Duration.ZERO, ConfigLoader.load(env("CLI_ID", "1"), yaml(SHIPPED)).loopPeriod(), "shipped: 0s");
        assertEquals(Duration.ZERO, ConfigLoader.load(env("CLI_ID", "1"),
                yaml(SHIPPED.replace("  period: 0s\n", ""))).loopPeriod(), "default: no pause");
        // As the course's suite writes it: quoted.
        AgencyConfig paced = ConfigLoader.load(env("CLI_ID", "1"),
                yaml(SHIPPED.replace("period: 0s", "period: \"150ms\"")));
        assertEquals(Duration.ofMillis(150), paced.loopPeriod());
        assertTrue(paced.summaryLogLine().endsWith(" | read_timeout: 15s | loop_period: 150ms"), paced.summaryLogLine());
        assertFalse(ConfigLoader.load(env("CLI_ID", "1"), yaml(SHIPPED)).summaryLogLine().contains("loop_period"),
                "without a pause the config line is the exercise's");
        assertEquals(Duration.ofSeconds(2), ConfigLoader.load(env("CLI_ID", "1", "CLI_LOOP_PERIOD", "2s"),
                yaml(SHIPPED.replace("period: 0s", "period: 150ms"))).loopPeriod(), "the env beats the file");

        assertEquals("action: config | result: fail | key: loop.period | error: '5' is not a duration like 500ms, 30s or 2m",
                failure(env("CLI_ID", "1"), yaml(SHIPPED.replace("period: 0s", "period: 5"))).logLine());
        assertEquals("CLI_LOOP_PERIOD", failure(env("CLI_ID", "1", "CLI_LOOP_PERIOD", "-1s"), yaml(SHIPPED)).key());
        assertEquals("CLI_LOOP_PERIOD", failure(env("CLI_ID", "1", "CLI_LOOP_PERIOD", "200h"), yaml(SHIPPED)).key());
    }

    @Test
    void envOverridesTheFile() throws Exception {
        AgencyConfig c = ConfigLoader.load(env(
                "CLI_ID", "7",
                "CLI_SERVER_ADDRESS", "localhost:9000",
                "CLI_LOG_LEVEL", "warn",
                "CLI_BATCH_MAXAMOUNT", "20",
                "CLI_SERVER_CONNECTTIMEOUT", "500ms",
                "CLI_DATA_FILE", "/data/bets.csv"), yaml(SHIPPED));
        assertEquals(ServerAddresses.of(new ServerAddress("localhost", 9000)), c.servers());
        assertEquals(LogLevel.WARNING, c.logLevel());
        assertEquals(20, c.batchMaxAmount());
        assertEquals(Duration.ofMillis(500), c.connectTimeout());
        assertEquals(Path.of("/data/bets.csv"), c.dataFile());
    }

    @Test
    void blankEnvVarsDoNotOverride() throws Exception {
        AgencyConfig c = ConfigLoader.load(env("CLI_ID", "1", "CLI_SERVER_ADDRESS", "  ", "CLI_LOG_LEVEL", ""),
                yaml(SHIPPED));
        assertEquals(ServerAddresses.of(new ServerAddress("server", 12345)), c.servers());
        assertEquals(LogLevel.INFO, c.logLevel());
    }

    @Test
    void aMissingFileIsFineWhenTheEnvGivesTheAddress() throws Exception {
        AgencyConfig c = ConfigLoader.load(env("CLI_ID", "2", "CLI_SERVER_ADDRESS", "10.0.0.1:12345"),
                dir.resolve("absent.yaml"));
        assertEquals(ServerAddresses.of(new ServerAddress("10.0.0.1", 12345)), c.servers());
        assertEquals(ConfigLoader.DEFAULT_LOG_LEVEL, c.logLevel());
        assertEquals(ConfigLoader.DEFAULT_BATCH_MAX_AMOUNT, c.batchMaxAmount());
        assertEquals(ConfigLoader.DEFAULT_CONNECT_TIMEOUT, c.connectTimeout());
        assertEquals(ConfigLoader.DEFAULT_BATCH_WINDOW, c.batchWindow());
    }

    @Test
    void anEmptyFileCountsAsNoSettings() throws Exception {
        AgencyConfig c = ConfigLoader.load(env("CLI_ID", "2", "CLI_SERVER_ADDRESS", "h:1"), yaml(""));
        assertEquals(ServerAddresses.of(new ServerAddress("h", 1)), c.servers());
    }

    @Test
    void clientIdIsRequiredAndPositive() throws Exception {
        Path file = yaml(SHIPPED);
        assertEquals("CLI_ID", failure(env(), file).key());
        assertEquals("action: config | result: fail | key: CLI_ID | error: missing: the agency number (a positive integer) is required",
                failure(env(), file).logLine());
        for (String bad : new String[] {"0", "-1", "abc", "1.5", "99999999999"}) {
            ConfigException e = failure(env("CLI_ID", bad), file);
            assertEquals("CLI_ID", e.key(), bad);
            assertTrue(e.reason().contains("not a positive integer"), e.reason());
        }
    }

    @Test
    void clientIdIsCheckedBeforeAnythingElse() {
        // No file, no address: still the CLI_ID line, the one an unconfigured run needs.
        assertEquals("CLI_ID", failure(env(), dir.resolve("absent.yaml")).key());
    }

    @Test
    void serverAddressIsRequiredFromEitherPlace() throws Exception {
        ConfigException e = failure(env("CLI_ID", "1"), yaml("log:\n  level: INFO\n"));
        assertEquals("server.address", e.key());
        assertTrue(e.reason().contains("CLI_SERVER_ADDRESS"), e.reason());
    }

    @Test
    void invalidValuesNameTheKeyTheyCameFrom() throws Exception {
        Path file = yaml(SHIPPED);
        assertEquals("CLI_SERVER_ADDRESS", failure(env("CLI_ID", "1", "CLI_SERVER_ADDRESS", "nohostport"), file).key());
        assertEquals("CLI_SERVER_ADDRESS", failure(env("CLI_ID", "1", "CLI_SERVER_ADDRESS", "h:70000"), file).key());
        assertEquals("CLI_SERVER_ADDRESS", failure(env("CLI_ID", "1", "CLI_SERVER_ADDRESS", ":12345"), file).key());
        assertEquals("CLI_LOG_LEVEL", failure(env("CLI_ID", "1", "CLI_LOG_LEVEL", "LOUD"), file).key());
        assertEquals("CLI_BATCH_MAXAMOUNT", failure(env("CLI_ID", "1", "CLI_BATCH_MAXAMOUNT", "0"), file).key());
        assertEquals("CLI_BATCH_MAXAMOUNT", failure(env("CLI_ID", "1", "CLI_BATCH_MAXAMOUNT", "lots"), file).key());
        assertEquals("CLI_BATCH_MAXAMOUNT", failure(env("CLI_ID", "1", "CLI_BATCH_MAXAMOUNT", "65536"), file).key());
        assertEquals("CLI_SERVER_CONNECTTIMEOUT",
                failure(env("CLI_ID", "1", "CLI_SERVER_CONNECTTIMEOUT", "30"), file).key());

        assertEquals("log.level", failure(env("CLI_ID", "1"), yaml(SHIPPED.replace("level: INFO", "level: LOUD"))).key());
        assertEquals("batch.maxAmount",
                failure(env("CLI_ID", "1"), yaml(SHIPPED.replace("maxAmount: 500", "maxAmount: -5"))).key());
        assertEquals("server.connectTimeout",
                failure(env("CLI_ID", "1"), yaml(SHIPPED.replace("connectTimeout: 30s", "connectTimeout: soon"))).key());
        assertEquals("server.address",
                failure(env("CLI_ID", "1"), yaml(SHIPPED.replace("\"server:12345\"", "[a, b]"))).key());
        assertEquals("server", failure(env("CLI_ID", "1"), yaml("server: just-text\n")).key());
    }

    @Test
    void aBrokenYamlFileIsAConfigError() throws Exception {
        Path file = yaml("server: [unclosed\n");
        ConfigException e = failure(env("CLI_ID", "1"), file);
        assertEquals(file.toString(), e.key());
        assertTrue(e.logLine().startsWith("action: config | result: fail | key: "), e.logLine());
        assertEquals(file.toString(), failure(env("CLI_ID", "1"), yaml("- a list\n- not a map\n")).key());
    }

    @Test
    void parsesDurations() {
        assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), DurationText.parse("30s"));
        assertEquals(Duration.ofMinutes(2), DurationText.parse("2m"));
        assertEquals(Duration.ofHours(1), DurationText.parse("1h"));
        assertEquals(Duration.ofSeconds(90), DurationText.parse("1m30s"));
        assertEquals(Duration.ZERO, DurationText.parse("0s"));
        for (String bad : new String[] {"", "30", "s", "3x", "-1s", "1.5s", "30 s"}) {
            assertThrows(IllegalArgumentException.class, () -> DurationText.parse(bad), bad);
        }
    }

    @Test
    void parsesServerAddresses() {
        assertEquals(new ServerAddress("server", 12345), ServerAddress.parse("server:12345"));
        assertEquals(new ServerAddress("::1", 80), ServerAddress.parse("[::1]:80"));
        assertEquals("[::1]:80", ServerAddress.parse("[::1]:80").toString());
        assertEquals("server:12345", ServerAddress.parse(" server:12345 ").toString());
    }

    @Test
    void serverAddressTakesACommaSeparatedListOfNodes() throws Exception {
        ServerAddresses three = ServerAddresses.of(new ServerAddress("server1", 12345), new ServerAddress("server2", 12345),
                new ServerAddress("::1", 9));
        assertEquals(three, ServerAddresses.parse("server1:12345,server2:12345,[::1]:9"));
        assertEquals(three, ServerAddresses.parse(" server1:12345 ,\tserver2:12345,  [::1]:9 "));
        assertEquals("server1:12345,server2:12345,[::1]:9", three.toString());
        assertEquals("server:12345", ServerAddresses.parse(" server:12345 ").toString());

        AgencyConfig fromEnv = ConfigLoader.load(env("CLI_ID", "2", "CLI_SERVER_ADDRESS", "a:1, b:2"), yaml(SHIPPED));
        assertEquals(ServerAddresses.of(new ServerAddress("a", 1), new ServerAddress("b", 2)), fromEnv.servers());
        assertTrue(fromEnv.summaryLogLine().contains(" | server_address: a:1,b:2 | "), fromEnv.summaryLogLine());
        AgencyConfig fromYaml = ConfigLoader.load(env("CLI_ID", "2"),
                yaml(SHIPPED.replace("\"server:12345\"", "server1:12345,server2:12345")));
        assertEquals(2, fromYaml.servers().size());
        assertEquals(new ServerAddress("server2", 12345), fromYaml.servers().get(1));
    }

    @Test
    void aBadListIsOneConfigErrorNamingItsKey() throws Exception {
        Map<String, String> bad = Map.of(
                "a:1,", "entry 2 of the list is empty",
                ",a:1", "entry 1 of the list is empty",
                "a:1,,b:2", "entry 2 of the list is empty",
                "a:1, ", "entry 2 of the list is empty",
                "a:1,b:2,a:1", "'a:1' is listed twice",
                "A:1,a:1", "'a:1' is listed twice",
                "a:1,b:0", "entry 2: port 0 is outside 1..65535",
                "a:1,b", "entry 2: expected host:port, got 'b'",
                "a:1,b:x", "entry 2: port is not a number in 'b:x'");
        for (Map.Entry<String, String> c : bad.entrySet()) {
            ConfigException e = failure(env("CLI_ID", "1", "CLI_SERVER_ADDRESS", c.getKey()), dir.resolve("absent.yaml"));
            assertEquals("action: config | result: fail | key: CLI_SERVER_ADDRESS | error: " + c.getValue(), e.logLine(),
                    c.getKey());
            ConfigException inFile = failure(env("CLI_ID", "1"),
                    yaml("server:\n  address: \"" + c.getKey() + "\"\n"));
            assertEquals("server.address", inFile.key(), c.getKey());
        }
    }

    @Test
    void singleBetModeNeedsAllFiveVariables() throws Exception {
        Map<String, String> env = env("CLI_ID", "1", "CLI_SERVER_ADDRESS", "h:1",
                "NOMBRE", "Nicolás", "APELLIDO", "Saldaña", "DOCUMENTO", "00123", "NACIMIENTO", "1999-03-17",
                "NUMERO", "7574");
        AgencyConfig c = ConfigLoader.load(env, dir.resolve("absent.yaml"));
        assertEquals(Optional.of(new Bet("Nicolás", "Saldaña", "00123", LocalDate.of(1999, 3, 17), 7574)), c.singleBet());
        assertTrue(c.summaryLogLine().endsWith("| data_file: none (single bet from env) | secret: none | batch_window: 32 | read_timeout: 15s"),
                c.summaryLogLine());
        assertTrue(SingleBetEnv.partialWarning(env).isEmpty());

        env.remove("NUMERO");
        assertEquals(Optional.empty(), ConfigLoader.load(env, dir.resolve("absent.yaml")).singleBet());
        assertTrue(SingleBetEnv.partialWarning(env).orElseThrow().contains("missing: NUMERO"));
    }

    @Test
    void anInvalidSingleBetNamesTheVariable() {
        Map<String, String> env = env("CLI_ID", "1", "CLI_SERVER_ADDRESS", "h:1",
                "NOMBRE", "Ana", "APELLIDO", "Paz", "DOCUMENTO", "12a", "NACIMIENTO", "1999-03-17", "NUMERO", "1");
        assertEquals("DOCUMENTO", failure(env, dir.resolve("absent.yaml")).key());
        env.put("DOCUMENTO", "123");
        env.put("NACIMIENTO", "1999-02-30");
        assertEquals("NACIMIENTO", failure(env, dir.resolve("absent.yaml")).key());
        env.put("NACIMIENTO", "1999-02-28");
        env.put("NUMERO", "-4");
        assertEquals("NUMERO", failure(env, dir.resolve("absent.yaml")).key());
    }

    @Test
    void theReadTimeoutComesFromTheEnvOrTheFileAndMustBePositive() throws Exception {
        assertEquals(Duration.ofSeconds(15), ConfigLoader.load(env("CLI_ID", "1"), yaml(SHIPPED)).readTimeout());
        String withRead = SHIPPED.replace("connectTimeout: 30s", "connectTimeout: 30s\n  readTimeout: 20s");
        assertEquals(Duration.ofSeconds(20), ConfigLoader.load(env("CLI_ID", "1"), yaml(withRead)).readTimeout());
        AgencyConfig fromEnv = ConfigLoader.load(env("CLI_ID", "1", "CLI_SERVER_READTIMEOUT", "1500ms"), yaml(withRead));
        assertEquals(Duration.ofMillis(1500), fromEnv.readTimeout());
        assertTrue(fromEnv.summaryLogLine().endsWith(" | read_timeout: 1s500ms"), fromEnv.summaryLogLine());
        assertEquals("CLI_SERVER_READTIMEOUT", failure(env("CLI_ID", "1", "CLI_SERVER_READTIMEOUT", "0s"), yaml(SHIPPED)).key());
        assertEquals("CLI_SERVER_READTIMEOUT", failure(env("CLI_ID", "1", "CLI_SERVER_READTIMEOUT", "15"), yaml(SHIPPED)).key());
        assertEquals("server.readTimeout", failure(env("CLI_ID", "1"),
                yaml(SHIPPED.replace("connectTimeout: 30s", "connectTimeout: 30s\n  readTimeout: never"))).key());
    }

    @Test
    void theSummaryLineHasExactlyTheContractKeysInOrder() throws Exception {
        AgencyConfig c = ConfigLoader.load(env("CLI_ID", "4", "CLI_LOG_LEVEL", "DEBUG", "CLI_BATCH_WINDOW", "8"),
                yaml(SHIPPED));
        // The exercise's keys and secret exactly as before; batch_window appended after them.
        assertEquals("action: config | result: success | client_id: 4 | server_address: server:12345"
                + " | batch_max_amount: 500 | log_level: DEBUG | data_file: .data/agency-4.csv | secret: none"
                + " | batch_window: 8 | read_timeout: 15s",
                c.summaryLogLine());
    }

    @Test
    void theSecretComesFromTheEnvOrTheFileAndIsNeverShown() throws Exception {
        assertEquals("", ConfigLoader.load(env("CLI_ID", "1"), yaml(SHIPPED)).secret(), "none by default");
        String withSecret = SHIPPED.replace("connectTimeout: 30s", "connectTimeout: 30s\n  secret: \"from-yaml\"");
        AgencyConfig fromFile = ConfigLoader.load(env("CLI_ID", "1"), yaml(withSecret));
        assertEquals("from-yaml", fromFile.secret());
        AgencyConfig fromEnv = ConfigLoader.load(env("CLI_ID", "1", "CLI_SECRET", " from-env "), yaml(withSecret));
        assertEquals("from-env", fromEnv.secret(), "the env beats the file; surrounding spaces are not part of it");
        assertEquals("from-yaml", ConfigLoader.load(env("CLI_ID", "1", "CLI_SECRET", ""), yaml(withSecret)).secret());

        assertTrue(fromEnv.summaryLogLine().endsWith(" | data_file: .data/agency-1.csv | secret: set | batch_window: 32 | read_timeout: 15s"),
                fromEnv.summaryLogLine());
        assertFalse(fromEnv.summaryLogLine().contains("from-env"));
        assertFalse(fromEnv.toString().contains("from-env"), fromEnv.toString());
        // YAML would read an unquoted 0123 as a number; here it stays the text written.
        assertEquals("0123", ConfigLoader.load(env("CLI_ID", "1"),
                yaml(SHIPPED.replace("connectTimeout: 30s", "connectTimeout: 30s\n  secret: 0123"))).secret());
    }

    @Test
    void aSecretTooLongForTheHelloFrameIsAConfigErrorThatDoesNotQuoteIt() {
        String huge = "x".repeat(ConfigLoader.MAX_SECRET_BYTES + 1);
        ConfigException e = failure(env("CLI_ID", "1", "CLI_SERVER_ADDRESS", "h:1", "CLI_SECRET", huge),
                dir.resolve("absent.yaml"));
        assertEquals("CLI_SECRET", e.key());
        assertFalse(e.logLine().contains("xxxxxxxx"), e.logLine());
        String longest = "x".repeat(ConfigLoader.MAX_SECRET_BYTES);
        assertEquals(longest, assertDoesNotThrow(() -> ConfigLoader.load(
                env("CLI_ID", "1", "CLI_SERVER_ADDRESS", "h:1", "CLI_SECRET", longest), dir.resolve("absent.yaml")))
                .secret());
        // And the longest one does fit in a Hello frame.
        tp0.protocol.Codec.encode(new tp0.protocol.Message.Hello(1, Integer.MAX_VALUE, longest));
    }

    @Test
    void theLogFormatComesFromTheFileOrTheEnvDefaultsToTextAndIsNamedWhenWrong() throws Exception {
        assertEquals(LogFormat.TEXT, ConfigLoader.read(env("CLI_ID", "1"), yaml(SHIPPED)).logFormat(), "default");
        Path json = yaml(SHIPPED.replace("  level: INFO\n", "  level: INFO\n  format: json\n"));
        assertEquals(LogFormat.JSON, ConfigLoader.read(env("CLI_ID", "1"), json).logFormat());
        assertEquals(LogFormat.TEXT, ConfigLoader.read(env("CLI_ID", "1", "CLI_LOG_FORMAT", " TEXT "), json).logFormat(),
                "the env beats the file");
        assertEquals(LogFormat.JSON, ConfigLoader.read(env("CLI_LOG_FORMAT", "json"), dir.resolve("absent.yaml"))
                .logFormat(), "needs nothing else");

        Path xml = yaml(SHIPPED.replace("  level: INFO\n", "  level: INFO\n  format: xml\n"));
        ConfigException fromFile = assertThrows(ConfigException.class,
                () -> ConfigLoader.read(env("CLI_ID", "1"), xml).logFormat());
        assertEquals("action: config | result: fail | key: log.format | error: 'xml' is not text or json",
                fromFile.logLine());
        assertEquals("log.format", failure(env("CLI_ID", "1"), xml).key(), "load refuses it too");
        assertEquals("CLI_LOG_FORMAT", failure(env("CLI_ID", "1", "CLI_LOG_FORMAT", "yaml"), yaml(SHIPPED)).key());
    }

    @Test
    void theLogFormatOfTheEnvHoldsEvenWhenTheFileCannotBeRead() throws Exception {
        Path broken = yaml("server: [unclosed\n");
        ConfigLoader loader = ConfigLoader.read(env("CLI_ID", "1", "CLI_LOG_FORMAT", "json"), broken);
        assertEquals(LogFormat.JSON, loader.logFormat());
        assertEquals(broken.toString(), assertThrows(ConfigException.class, loader::settings).key());
        assertEquals(LogFormat.TEXT, ConfigLoader.read(env("CLI_ID", "1"), broken).logFormat());
    }
}
