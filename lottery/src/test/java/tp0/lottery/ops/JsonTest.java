package tp0.lottery.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP port's JSON strings: any text comes back whole through a real parser, and never as markup. */
class JsonTest {

    private static final ObjectMapper PARSER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"", "store did not answer", "quote \" and \\ back", "line\nbreak\ttab\r\u0001",
            "<script>alert('x')</script> & more", "Ñandú é 😀", "lone \ud800 surrogate"})
    void anyTextComesBackWholeAndNeverAsMarkup(String text) throws Exception {
        String quoted = Json.quote(text);

        assertEquals(text, PARSER.readValue(quoted, String.class), quoted);
        assertFalse(quoted.contains("<") || quoted.contains(">") || quoted.contains("&"), quoted);
    }
}
