package tp0.lottery.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The subset of Python's configparser format the course's config.ini uses: a {@code [DEFAULT]}
 * section of {@code KEY = value} (or {@code KEY: value}) lines, {@code #}/{@code ;} comments.
 * Keys are case-insensitive, as in configparser.
 *
 * Stricter than a plain reader where a mistake would otherwise be silent, each refusal naming
 * the line: a key given twice (configparser refuses it too), a key outside {@code [DEFAULT]}
 * (the server reads no other section, so it would be ignored), a byte order mark (configparser
 * reads it as part of the first line), a line that is not {@code KEY = value}.
 */
public final class IniFile {

    /** One {@code KEY = value} line of {@code [DEFAULT]}; {@code key} as written. */
    public record Entry(String key, String value, int line, String source) {}

    private final Map<String, Entry> defaults;
    private final boolean found;

    private IniFile(Map<String, Entry> defaults, boolean found) {
        this.defaults = defaults;
        this.found = found;
    }

    /** An empty file stands in for a missing one: every key then comes from env or defaults. */
    public static IniFile empty() {
        return new IniFile(Map.of(), false);
    }

    public static IniFile load(Path path) throws ConfigException {
        try {
            // A strict decoder: a stray Latin-1 byte is an error here, not a silent U+FFFD.
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(path))).toString();
            return parse(text.lines().toList(), path.toString());
        } catch (NoSuchFileException e) {
            return empty();
        } catch (CharacterCodingException e) {
            throw new ConfigException(path.toString(), "is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(path.toString(), "cannot read: " + e.getMessage());
        }
    }

    static IniFile parse(List<String> lines, String source) throws ConfigException {
        Map<String, Entry> values = new LinkedHashMap<>();
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String raw = lines.get(i);
            if (i == 0 && raw.startsWith("\uFEFF")) {
                throw new ConfigException(source, "line 1 starts with a byte order mark (BOM): save the file as UTF-8"
                        + " without BOM");
            }
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int sep = separatorIndex(line);
            if (sep <= 0) {
                throw new ConfigException(source, "line " + number + " is not 'KEY = value': " + line);
            }
            String key = line.substring(0, sep).strip();
            if (section == null) {
                throw new ConfigException(source, "line " + number + " (" + key + ") comes before any [section]");
            }
            if (!section.equals("DEFAULT")) {
                throw new ConfigException(source, "line " + number + " (" + key + ") is in section [" + section
                        + "]; the server reads only [DEFAULT]");
            }
            Entry entry = new Entry(key, line.substring(sep + 1).strip(), number, source);
            Entry earlier = values.putIfAbsent(key.toUpperCase(Locale.ROOT), entry);
            if (earlier != null) {
                throw new ConfigException(source, "line " + number + " sets " + key + " again (first set on line "
                        + earlier.line() + ")");
            }
        }
        return new IniFile(values, true);
    }

    private static int separatorIndex(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) return colon;
        if (colon < 0) return eq;
        return Math.min(eq, colon);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(defaults.get(key.toUpperCase(Locale.ROOT))).map(Entry::value);
    }

    /** Every key the file sets, in file order. */
    public List<Entry> entries() {
        return new ArrayList<>(defaults.values());
    }

    /** False when the file did not exist (and this stands in for it). */
    public boolean found() {
        return found;
    }
}
