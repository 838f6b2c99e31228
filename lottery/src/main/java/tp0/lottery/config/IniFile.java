package tp0.lottery.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The subset of Python's configparser format the course's config.ini uses: a {@code [DEFAULT]}
 * section of {@code KEY = value} (or {@code KEY: value}) lines, {@code #}/{@code ;} comments.
 * Keys are case-insensitive, as in configparser.
 */
public final class IniFile {
    private final Map<String, String> defaults;

    private IniFile(Map<String, String> defaults) {
        this.defaults = defaults;
    }

    /** An empty file stands in for a missing one: every key then comes from env or defaults. */
    public static IniFile empty() {
        return new IniFile(Map.of());
    }

    public static IniFile load(Path path) throws ConfigException {
        try {
            return parse(Files.readAllLines(path, StandardCharsets.UTF_8), path.toString());
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new ConfigException(path.toString(), "cannot read: " + e.getMessage());
        }
    }

    static IniFile parse(List<String> lines, String source) throws ConfigException {
        Map<String, String> values = new HashMap<>();
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int sep = separatorIndex(line);
            if (sep <= 0) {
                throw new ConfigException(source, "line " + (i + 1) + " is not 'KEY = value': " + line);
            }
            if (section == null) {
                throw new ConfigException(source, "line " + (i + 1) + " comes before any [section]");
            }
            if (section.equals("DEFAULT")) {
                values.put(line.substring(0, sep).strip().toUpperCase(Locale.ROOT), line.substring(sep + 1).strip());
            }
        }
        return new IniFile(values);
    }

    private static int separatorIndex(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) return colon;
        if (colon < 0) return eq;
        return Math.min(eq, colon);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(defaults.get(key.toUpperCase(Locale.ROOT)));
    }
}
