package tp0.agency.bets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.Frame;

class BetFieldsTest {

    @Test
    void aBetFillingAFrameToTheLastByteIsAcceptedAndOneByteMoreIsNot() throws Exception {
        Bet empty = new Bet("", "P", "1", LocalDate.of(1990, 1, 1), 5);
        int room = Frame.MAX_FRAME_BYTES - Codec.BET_BATCH_OVERHEAD - Codec.encodedSize(empty); // odd
        String name = "é".repeat(room / 2) + "a".repeat(room % 2); // 2-byte chars: the quick bound cannot decide
        Bet full = BetFields.parse(name, "P", "1", "1990-01-01", "5");
        assertEquals(Frame.MAX_FRAME_BYTES, Codec.BET_BATCH_OVERHEAD + Codec.encodedSize(full));

        InvalidBetField e = assertThrows(InvalidBetField.class,
                () -> BetFields.parse(name + "a", "P", "1", "1990-01-01", "5"));
        assertEquals(BetFields.ROW, e.field());
        assertEquals("bet too large: a batch of it alone is 8193 bytes, more than the 8192-byte frame limit", e.reason());
    }

    @Test
    @SuppressWarnings("UnnecessaryStringBuilder") // a CharSequence that is not a String, on purpose
    void readsTheDateAndNumberFromAnyCharSequence() throws Exception {
        assertEquals(new Bet("Ana", "Paz", "007", LocalDate.of(2000, 2, 29), 2147483647),
                BetFields.parse("Ana", "Paz", "007", new StringBuilder("2000-02-29"), new StringBuilder("2147483647")));
        InvalidBetField e = assertThrows(InvalidBetField.class,
                () -> BetFields.parse("Ana", "Paz", "1", new StringBuilder("2001-02-29"), "1"));
        assertEquals("'2001-02-29' is not a valid date", e.reason());
        e = assertThrows(InvalidBetField.class,
                () -> BetFields.parse("Ana", "Paz", "1", "2001-02-28", new StringBuilder("2147483648")));
        assertEquals("'2147483648' is larger than 2147483647", e.reason());
    }
}
