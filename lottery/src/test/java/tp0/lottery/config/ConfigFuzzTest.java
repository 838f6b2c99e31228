package tp0.lottery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.testing.FuzzValues;
import tp0.logline.LogLine;

/**
 * Whatever config.ini and the environment say, loading ends in settings or in one
 * {@link ConfigException} naming the key (or the file) at fault — never another exception,
 * which would reach the user as a stack trace. Random and extreme values for every key, from
 * the environment and from the file, and random file text. Replay with -Dtp0.config.seed=N.
 */
class ConfigFuzzTest {
    private static final long SEED = Long.getLong("tp0.config.seed", System.nanoTime());
    private static final int CASES = 3_000;

    @TempDir
    Path workDir;

    private static final String[] EXTREMES = {
            "", " ", "0", "1", "-1", "+5", "007", "65535", "65536", "2147483647", "2147483648", "-2147483649",
            "99999999999999999999999", "1e3", "0x10", "1_000", "12 34", "\u0661\u0662", "\u0000", "\t\t",
            "on", "off", "ON", "yes", "maybe", "true", "DEBUG", "warning", "CRITICAL", "loud", "::1", "0.0.0.0",
            "localhost", "a|b", "=", ":", "[DEFAULT]", "# not a comment", "\u00e9t\u00e9", "\uD83C\uDFB2",
            "/", ".", "..", "/nonexistent/secrets", "secrets.txt", "x".repeat(5000), "\uFEFF1", "1\r", "\\",
    };

    @Test
    void anyValueOfAnyKeyLoadsOrNamesItsKey() throws Exception {
        System.out.println("ConfigFuzzTest seed: " + SEED + " (replay with -Dtp0.config.seed=" + SEED + ")");
        Random random = new Random(SEED);
        Files.writeString(workDir.resolve("secrets.txt"), "1=one\n2=two\n");
        ServerKey[] keys = ServerKey.values();
        int loaded = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            Map<String, String> env = new HashMap<>();
            List<String> lines = new ArrayList<>(List.of("[DEFAULT]"));
            List<String> fileKeys = new ArrayList<>();
            int settings = 1 + random.nextInt(4);
            for (int j = 0; j < settings; j++) {
                ServerKey key = keys[random.nextInt(keys.length)];
                String value = value(random);
                if (random.nextBoolean()) {
                    env.put(key.name(), value);
                } else if (!fileKeys.contains(key.name()) && value.lines().count() <= 1 && !value.contains("\r")) {
                    fileKeys.add(key.name());
                    lines.add(key.name() + " = " + value);
                }
            }
            String context = "case " + i + ": env " + printable(env.toString()) + ", file " + printable(lines.toString());
            try {
                ServerSettings.load(IniFile.parse(lines, "config.ini"), env, workDir);
                loaded++;
            } catch (ConfigException e) {
                refused++;
                assertTrue(isKeyOrFile(e.key()), context + ": names '" + e.key() + "'");
                assertOneLine(e, context);
            } catch (RuntimeException e) {
                fail(context + ": " + e, e);
            }
        }
        System.out.println("ConfigFuzzTest: " + loaded + " loaded, " + refused + " refused with the key named");
        assertTrue(loaded > 0 && refused > 0, "the cases reach both outcomes");
    }

    @Test
    void anyFileTextParsesOrIsRefusedNamingTheFile() throws Exception {
        Random random = new Random(SEED + 1);
        Path file = workDir.resolve("config.ini");
        int parsed = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = random.nextInt(3) == 0 ? randomBytes(random) : randomText(random).getBytes(StandardCharsets.UTF_8);
            Files.write(file, bytes);
            try {
                IniFile ini = IniFile.load(file);
                parsed++;
                ServerSettings.unknownKeys(ini);
                ServerSettings.load(ini, Map.of(), workDir);
            } catch (ConfigException e) {
                assertOneLine(e, "case " + i);
            } catch (RuntimeException e) {
                fail("case " + i + " (seed " + SEED + "): " + e, e);
            }
        }
        assertTrue(parsed > 0, "some random files parse");
    }

    private static String value(Random random) {
        return FuzzValues.any(random, EXTREMES);
    }

    private static String randomText(Random random) {
        String[] parts = {"[DEFAULT]", "[OTHER]", "[", "]", "SERVER_PORT", "NUM_AGENCIES", "LOGGING_LEVEL", "FOO",
                "=", ":", " = ", "# c", "; c", "\n", "\r\n", "\n", "\uFEFF", "1", "abc", "\u00e9", " ", "\t"};
        StringBuilder text = new StringBuilder();
        for (int k = random.nextInt(30); k > 0; k--) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        return text.toString();
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static boolean isKeyOrFile(String named) {
        return ServerKey.named(named).isPresent() || named.endsWith("config.ini") || named.endsWith("secrets.txt");
    }

    /** The error line Main prints for it: one line, whatever the value held. */
    private static void assertOneLine(ConfigException e, String context) {
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), context + ": an empty message");
        String line = LogLine.fail("config", "key", e.key(), "error", e.getMessage());
        assertFalse(line.contains("\n") || line.contains("\r"), context + ": a log line of several lines: " + line);
    }

    private static String printable(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    @Test
    void everyKeyHasAHelpLineAndAValidDefault() throws Exception {
        ServerSettings defaults = ServerSettings.load(IniFile.empty(), Map.of(), workDir);
        assertEquals(12345, defaults.port());
        for (ServerKey key : ServerKey.values()) {
            assertFalse(key.meaning().isBlank(), key + " has a meaning for --help");
        }
    }
}
