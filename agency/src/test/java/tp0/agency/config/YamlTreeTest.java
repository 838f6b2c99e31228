package tp0.agency.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.YAMLException;

class YamlTreeTest {

    private static Object read(String yaml) {
        return YamlTree.read(new StringReader(yaml));
    }

    @Test
    void readsNestedSectionsWithEveryValueAsWritten() {
        assertEquals(Map.of(
                "server", Map.of("address", "server:12345", "connectTimeout", "30s"),
                "log", Map.of("level", "off"),
                "batch", Map.of("maxAmount", "0500"),
                "loop", Map.of("amount", "5", "list", List.of("a", "b"))),
                read("""
                        # comment
                        server:
                          address: "server:12345"   # quoted
                          connectTimeout: 30s
                        log: {level: off}
                        batch:
                          maxAmount: 0500
                        loop:
                          amount: 5
                          list: [a, b]
                        """));
    }

    @Test
    void emptyValuesAndDocumentsAreNull() {
        assertNull(read(""));
        assertNull(read("# only a comment\n"));
        assertEquals(Arrays.asList(null, null, "", "null"), read("[~, null, '', 'null']"));
        Map<?, ?> map = (Map<?, ?>) read("server:\n");
        assertNull(map.get("server"));
    }

    @Test
    void refusesMalformedYamlAliasesAndSeveralDocuments() {
        assertThrows(YAMLException.class, () -> read("server: [unclosed\n"));
        assertThrows(YAMLException.class, () -> read("a: &x 1\nb: *x\n"));
        assertThrows(YAMLException.class, () -> read("a: 1\n---\nb: 2\n"));
        assertThrows(YAMLException.class, () -> read("? [a, b]\n: 1\n"));
    }
}
