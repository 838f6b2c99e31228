package tp0.agency.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.testing.FuzzValues;

/**
 * Whatever config.yaml and the environment say, loading ends in a config or in one
 * {@link ConfigException} naming the key at fault — never another exception, which would reach
 * the user as a stack trace (as {@code CLI_SERVER_CONNECTTIMEOUT=9999999999999999h} once did).
 * Random and extreme values for every setting and random YAML. Replay with -Dtp0.config.seed=N.
 */
class ConfigFuzzTest {
    private static final long SEED = Long.getLong("tp0.config.seed", System.nanoTime());
    private static final int CASES = 3_000;

    private static final List<String> ENV_KEYS = List.of(ConfigLoader.ENV_ID, ConfigLoader.ENV_SERVER_ADDRESS,
            ConfigLoader.ENV_LOG_LEVEL, ConfigLoader.ENV_LOG_FORMAT, ConfigLoader.ENV_BATCH_MAX_AMOUNT, ConfigLoader.ENV_BATCH_WINDOW,
            ConfigLoader.ENV_CONNECT_TIMEOUT, ConfigLoader.ENV_READ_TIMEOUT, ConfigLoader.ENV_LOOP_PERIOD, ConfigLoader.ENV_DATA_FILE, ConfigLoader.ENV_SECRET,
            SingleBetEnv.FIRST_NAME, SingleBetEnv.LAST_NAME, SingleBetEnv.DOCUMENT, SingleBetEnv.BIRTHDATE,
            SingleBetEnv.NUMBER);
    private static final List<String> YAML_KEYS = List.of(ConfigLoader.KEY_SERVER_ADDRESS,
            ConfigLoader.KEY_CONNECT_TIMEOUT, ConfigLoader.KEY_READ_TIMEOUT, ConfigLoader.KEY_LOG_LEVEL, ConfigLoader.KEY_LOG_FORMAT, ConfigLoader.KEY_BATCH_MAX_AMOUNT,
            ConfigLoader.KEY_BATCH_WINDOW, ConfigLoader.KEY_SECRET, ConfigLoader.KEY_LOOP_PERIOD);

    private static final String[] EXTREMES = {
            "", " ", "0", "1", "-1", "+5", "007", "65535", "65536", "2147483647", "2147483648", "-2147483649",
            "99999999999999999999999", "9999999999999999h", "9223372036854775807ms", "9223372036854775807s",
            "106751991167300d", "1m30s", "0s", "30", "5x", "ms", "1.5s", "1e3", "\u0661\u0662", "\u0000",
            "localhost:12345", "a:1,b:2", "a:1, b:2 ,c:3", "a:1,a:1", "a:1,", ",", "a:1,,b:2", "a:1,b:0", "a:1;b:2",
            "server:0", "server:65536", ":12345", "host:", "[::1]:80", "::1", "a:b:c", "host:-1",
            "DEBUG", "warning", "loud", "off", "json", "TEXT", "\u00e9t\u00e9", "\uD83C\uDFB2", "/", ".", "..", "/nonexistent/file",
            "x".repeat(9000), "1999-02-29", "2000-02-29", "7574", "00012345", "Nicol\u00e1s",
    };

    /** A good value per setting, so that cases with several settings also load. */
    private static final Map<String, String> VALID = Map.ofEntries(
            Map.entry(ConfigLoader.ENV_SERVER_ADDRESS, "server1:12345,server2:12345"), Map.entry(ConfigLoader.KEY_SERVER_ADDRESS, "h:1"),
            Map.entry(ConfigLoader.ENV_LOG_LEVEL, "DEBUG"), Map.entry(ConfigLoader.KEY_LOG_LEVEL, "WARNING"),
            Map.entry(ConfigLoader.ENV_LOG_FORMAT, "json"), Map.entry(ConfigLoader.KEY_LOG_FORMAT, "text"),
            Map.entry(ConfigLoader.ENV_BATCH_MAX_AMOUNT, "50"), Map.entry(ConfigLoader.KEY_BATCH_MAX_AMOUNT, "500"),
            Map.entry(ConfigLoader.ENV_BATCH_WINDOW, "4"), Map.entry(ConfigLoader.KEY_BATCH_WINDOW, "1"),
            Map.entry(ConfigLoader.ENV_CONNECT_TIMEOUT, "1m30s"), Map.entry(ConfigLoader.KEY_CONNECT_TIMEOUT, "500ms"),
            Map.entry(ConfigLoader.ENV_READ_TIMEOUT, "2s"), Map.entry(ConfigLoader.KEY_READ_TIMEOUT, "1m"),
            Map.entry(ConfigLoader.ENV_LOOP_PERIOD, "150ms"), Map.entry(ConfigLoader.KEY_LOOP_PERIOD, "0s"),
            Map.entry(ConfigLoader.ENV_DATA_FILE, "bets.csv"), Map.entry(ConfigLoader.ENV_SECRET, "s3cr3t"),
            Map.entry(ConfigLoader.KEY_SECRET, "x"), Map.entry(SingleBetEnv.FIRST_NAME, "Ana"),
            Map.entry(SingleBetEnv.LAST_NAME, "Paz"), Map.entry(SingleBetEnv.DOCUMENT, "00123"),
            Map.entry(SingleBetEnv.BIRTHDATE, "2000-02-29"), Map.entry(SingleBetEnv.NUMBER, "7574"));

    @TempDir
    Path dir;

    @Test
    void anyEnvironmentAndConfigFileLoadsOrNamesItsKey() throws Exception {
        System.out.println("agency ConfigFuzzTest seed: " + SEED + " (replay with -Dtp0.config.seed=" + SEED + ")");
        Random random = new Random(SEED);
        Path file = dir.resolve("config.yaml");
        int loaded = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            Map<String, String> env = new HashMap<>();
            if (random.nextInt(5) > 0) {
                env.put(ConfigLoader.ENV_ID, random.nextInt(4) > 0 ? Integer.toString(1 + random.nextInt(9)) : value(random));
            }
            if (random.nextInt(5) > 0) {
                env.put(ConfigLoader.ENV_SERVER_ADDRESS, "server:12345");
            }
            for (int k = random.nextInt(4); k > 0; k--) {
                String key = ENV_KEYS.get(random.nextInt(ENV_KEYS.size()));
                env.put(key, random.nextBoolean() ? VALID.getOrDefault(key, "1") : value(random));
            }
            StringBuilder yaml = new StringBuilder();
            if (random.nextInt(4) == 0) {
                yaml.append(randomYaml(random));
            } else {
                Map<String, StringBuilder> sections = new HashMap<>();
                for (int k = random.nextInt(4); k > 0; k--) {
                    String key = YAML_KEYS.get(random.nextInt(YAML_KEYS.size()));
                    String section = key.substring(0, key.indexOf('.'));
                    String text = random.nextBoolean() ? VALID.getOrDefault(key, "1") : value(random);
                    sections.computeIfAbsent(section, s -> new StringBuilder()).append("  ")
                            .append(key.substring(key.indexOf('.') + 1)).append(": ").append(quoted(text)).append('\n');
                }
                sections.forEach((section, body) -> yaml.append(section).append(":\n").append(body));
            }
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            String context = "case " + i + " (seed " + SEED + "): env " + shortened(env.toString()) + ", yaml "
                    + shortened(yaml.toString());
            try {
                AgencyConfig config = ConfigLoader.load(env, file);
                // The config line's address list reads back as the same nodes, in the same order.
                assertEquals(config.servers(), ServerAddresses.parse(config.servers().toString()), context);
                loaded++;
            } catch (ConfigException e) {
                refused++;
                String line = e.logLine();
                assertFalse(e.key() == null || e.key().isBlank(), context + ": no key named");
                assertFalse(line.contains("\n") || line.contains("\r"), context + ": a log line of several lines: " + line);
            } catch (RuntimeException | StackOverflowError e) {
                fail(context + ": " + e, e);
            }
        }
        System.out.println("agency ConfigFuzzTest: " + loaded + " loaded, " + refused + " refused with the key named");
        assertTrue(loaded > 0 && refused > 0, "the cases reach both outcomes");
    }

    @Test
    void deeplyNestedOrHugeYamlIsRefusedNotACrash() throws Exception {
        Path file = dir.resolve("config.yaml");
        for (String yaml : List.of("[".repeat(100_000), "a: ".repeat(20_000) + "b", "{a: ".repeat(50_000),
                "- ".repeat(50_000) + "x", "server: {address: [" + "[".repeat(10_000))) {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            try {
                ConfigLoader.load(Map.of(ConfigLoader.ENV_ID, "1", ConfigLoader.ENV_SERVER_ADDRESS, "h:1"), file);
            } catch (ConfigException expected) {
                assertFalse(expected.logLine().contains("\n"));
            } catch (RuntimeException | StackOverflowError e) {
                fail(yaml.substring(0, 20) + "…: " + e, e);
            }
        }
    }

    private static String value(Random random) {
        return FuzzValues.any(random, EXTREMES);
    }

    /** A YAML double-quoted scalar holding {@code value} exactly. */
    private static String quoted(String value) {
        StringBuilder s = new StringBuilder("\"");
        value.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                s.append('\\').appendCodePoint(c);
            } else if (c < 0x20 || c == 0x7F || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFEFF) {
                s.append(String.format("\\u%04x", c));
            } else {
                s.appendCodePoint(c);
            }
        });
        return s.append('"').toString();
    }

    private static String randomYaml(Random random) {
        String[] parts = {"server:", "log:", "batch:", "\n", "\n  ", "address: ", "connectTimeout: ", "level: ",
                "maxAmount: ", "window: ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "\"", "'", "#", "---\n",
                "...\n", "? ", ": ", "|\n", ">\n", "\t", "\u00e9", "1", "x", "~", "null", "&", "%YAML 1.1\n"};
        StringBuilder text = new StringBuilder();
        for (int k = random.nextInt(40); k > 0; k--) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        return text.toString();
    }

    private static String shortened(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
