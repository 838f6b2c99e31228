package tp0.agency.config;

import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads a YAML document into maps, lists and string scalars, straight from SnakeYAML's
 * parser events.
 *
 * <p>Why not {@code new Yaml().load(...)}: its resolver and constructors (regexes, type
 * tables, a representer the agency never uses) cost ~35 ms of a ~250 ms start, and they
 * resolve types the config does not want resolved: under YAML 1.1 {@code level: off} is a
 * boolean and {@code 0755} octal. Here every value stays the text that was written; the
 * config loader parses it. Anchors and aliases are refused (a config has no use for them).
 */
final class YamlTree {

    private YamlTree() {}

    /**
     * The document's root: a {@code Map<String, Object>}, a {@code List<Object>}, a String,
     * or null for an empty document (or an empty / {@code ~} / {@code null} plain scalar).
     *
     * @throws YAMLException for malformed YAML, aliases, or non-scalar keys
     */
    static Object read(Reader reader) {
        Parser parser = new ParserImpl(new StreamReader(reader), new LoaderOptions());
        expect(parser, Event.ID.StreamStart);
        if (parser.checkEvent(Event.ID.StreamEnd)) {
            return null;
        }
        expect(parser, Event.ID.DocumentStart);
        Object root = node(parser, 0);
        expect(parser, Event.ID.DocumentEnd);
        if (!parser.checkEvent(Event.ID.StreamEnd)) {
            throw new YAMLException("expected a single YAML document");
        }
        return root;
    }

    /** A config is two levels deep; this bound keeps a hostile file from overflowing the stack. */
    private static final int MAX_DEPTH = 32;

    private static Object node(Parser parser, int depth) {
        Event event = parser.getEvent();
        if (depth > MAX_DEPTH && (event.is(Event.ID.MappingStart) || event.is(Event.ID.SequenceStart))) {
            throw new YAMLException("nested deeper than " + MAX_DEPTH + " levels" + where(event));
        }
        switch (event.getEventId()) {
            case Scalar -> {
                ScalarEvent scalar = (ScalarEvent) event;
                String value = scalar.getValue();
                boolean plain = scalar.isPlain();
                return plain && (value.isEmpty() || value.equals("~") || value.equals("null")) ? null : value;
            }
            case MappingStart -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (!parser.checkEvent(Event.ID.MappingEnd)) {
                    Object key = node(parser, depth + 1);
                    if (!(key instanceof String name)) {
                        throw new YAMLException("mapping keys must be plain text" + where(event));
                    }
                    map.put(name, node(parser, depth + 1));
                }
                parser.getEvent();
                return map;
            }
            case SequenceStart -> {
                List<Object> list = new ArrayList<>();
                while (!parser.checkEvent(Event.ID.SequenceEnd)) {
                    list.add(node(parser, depth + 1));
                }
                parser.getEvent();
                return list;
            }
            case Alias -> throw new YAMLException("aliases are not supported" + where(event));
            default -> throw new YAMLException("unexpected " + event.getEventId() + where(event));
        }
    }

    private static void expect(Parser parser, Event.ID id) {
        Event event = parser.getEvent();
        if (!event.is(id)) {
            throw new YAMLException("expected " + id + " but found " + event.getEventId() + where(event));
        }
    }

    private static String where(Event event) {
        return event.getStartMark() == null ? "" : " at line " + (event.getStartMark().getLine() + 1);
    }
}
