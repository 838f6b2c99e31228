package tp0.lottery.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The replies a session owes its peer, in the order the peer's frames came. A pipelined peer
 * sends batches back to back, and its acks must come back in that order; a batch is at the
 * store until the store answers, so every reply owed after it (a refusal of a malformed frame,
 * say) queues behind it. The store answers one sender's batches in order, so the store's next
 * answer is always the oldest batch's.
 *
 * @param <A> an answer that is given once every reply before it has gone out
 */
final class ReplyOrder<A> {

    /** A batch at the store: the count its frame declared, and when it was sent there (see {@link #oldestBatch}). */
    record Batch(int declared, long sentNanos) {}

    /** The store answered the oldest batch: that batch, then the answers that waited only for it, oldest first. */
    record Answered<A>(Batch batch, List<A> nowDue) {}

    /** An answer waiting for the batches ahead of it. */
    private record Later<A>(A answer) {}

    /** Oldest first; the head is always a {@link Batch}. */
    private final Deque<Object> owed = new ArrayDeque<>();

    /** A batch went to the store; its answer is owed after everything owed now. */
    void batchSent(int declared, long sentNanos) {
        owed.add(new Batch(declared, sentNanos));
    }

    /** Gives {@code answer} now if nothing is owed before it; else once the batches ahead of it are answered. */
    void inTurn(A answer, Consumer<A> give) {
        if (owed.isEmpty()) {
            give.accept(answer);
        } else {
            owed.add(new Later<>(answer));
        }
    }

    /**
     * The store answered: the oldest owed reply must be a batch's (anything else would pair an
     * ack with the wrong batch).
     *
     * @throws IllegalStateException when no batch is owed
     */
    @SuppressWarnings("unchecked")
    Answered<A> batchAnswered(Object storeAnswer) {
        Object head = owed.poll();
        if (!(head instanceof Batch batch)) {
            throw new IllegalStateException("store reply " + storeAnswer + " does not match the oldest owed reply " + head);
        }
        List<A> due = new ArrayList<>();
        while (owed.peek() instanceof Later<?> later) {
            owed.poll();
            due.add((A) later.answer());
        }
        return new Answered<>(batch, due);
    }

    /** The batch that has waited longest for the store, if a batch is owed. */
    Optional<Batch> oldestBatch() {
        return owed.peek() instanceof Batch batch ? Optional.of(batch) : Optional.empty();
    }

    long batchesOwed() {
        return owed.stream().filter(Batch.class::isInstance).count();
    }

    /** Replies owed, batches and the answers behind them: the pipeline's fill. */
    int size() {
        return owed.size();
    }

    boolean isEmpty() {
        return owed.isEmpty();
    }
}
