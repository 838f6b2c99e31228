package tp0.lottery.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplyOrderTest {

    private final ReplyOrder<String> order = new ReplyOrder<>();
    private final List<String> given = new ArrayList<>();

    @Test
    void anAnswerWithNothingOwedBeforeItIsGivenAtOnce() {
        order.inTurn("refusal", given::add);
        assertEquals(List.of("refusal"), given);
        assertTrue(order.isEmpty());
    }

    @Test
    void answersWaitForTheBatchesAheadOfThemAndComeOutInTheOrderTheyCame() {
        order.batchSent(10, 1);
        order.inTurn("after first", given::add);
        order.batchSent(20, 2);
        order.inTurn("after second", given::add);
        order.inTurn("also after second", given::add);
        assertEquals(List.of(), given);
        assertEquals(5, order.size());
        assertEquals(2, order.batchesOwed());

        ReplyOrder.Answered<String> first = order.batchAnswered("stored 10");
        assertEquals(new ReplyOrder.Batch(10, 1), first.batch());
        assertEquals(List.of("after first"), first.nowDue());
        assertEquals(Optional.of(new ReplyOrder.Batch(20, 2)), order.oldestBatch());

        ReplyOrder.Answered<String> second = order.batchAnswered("stored 20");
        assertEquals(new ReplyOrder.Batch(20, 2), second.batch());
        assertEquals(List.of("after second", "also after second"), second.nowDue());
        assertTrue(order.isEmpty());
        assertEquals(Optional.empty(), order.oldestBatch());
    }

    @Test
    void aStoreAnswerWithNoBatchOwedIsABug() {
        IllegalStateException wrong = assertThrows(IllegalStateException.class, () -> order.batchAnswered("stored 5"));
        assertTrue(wrong.getMessage().contains("stored 5"), wrong.getMessage());
    }
}
