package tp0.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Every message of the protocol. Client to server: Hello, BetBatch, AllBetsSent, WinnersQuery.
 * Server to client: Welcome, BatchAck, BatchRejected, AllBetsSentAck, Winners, Error.
 */
public sealed interface Message {

    MessageType type();

    /**
     * First message of a connection. {@code secret} is empty when the agency has none; a
     * server with per-agency secrets checks it.
     */
    record Hello(int version, int agencyId, String secret) implements Message {
        public Hello {
            Objects.requireNonNull(secret, "secret");
        }

        public MessageType type() { return MessageType.HELLO; }
    }

    /** Accepts a Hello. {@code storedBets}: bets of this agency the server holds durably (the resume offset). */
    record Welcome(int version, long storedBets) implements Message {
        public MessageType type() { return MessageType.WELCOME; }
    }

    /** Bets to store, all or none. */
    record BetBatch(List<Bet> bets) implements Message {
        public BetBatch {
            bets = List.copyOf(bets);
        }

        public MessageType type() { return MessageType.BET_BATCH; }
    }

    /** The batch of {@code count} bets is on disk; the agency now has {@code storedBets} stored in all. */
    record BatchAck(int count, long storedBets) implements Message {
        public MessageType type() { return MessageType.BATCH_ACK; }
    }

    /** None of the batch's {@code count} bets was stored. */
    record BatchRejected(ErrorCode code, int count) implements Message {
        public BatchRejected {
            Objects.requireNonNull(code, "code");
        }

        public MessageType type() { return MessageType.BATCH_REJECTED; }
    }

    /** The agency has no more bets. */
    enum AllBetsSent implements Message {
        INSTANCE;

        public MessageType type() { return MessageType.ALL_BETS_SENT; }
    }

    enum AllBetsSentAck implements Message {
        INSTANCE;

        public MessageType type() { return MessageType.ALL_BETS_SENT_ACK; }
    }

    /** Which of my bettors won? Answered only after the draw. */
    enum WinnersQuery implements Message {
        INSTANCE;

        public MessageType type() { return MessageType.WINNERS_QUERY; }
    }

    /**
     * Documents of the asking agency's winners. Sent in as many frames as the 8 KiB limit
     * needs; {@code last} marks the final one.
     */
    record Winners(List<String> documents, boolean last) implements Message {
        public Winners {
            documents = List.copyOf(documents);
        }

        public MessageType type() { return MessageType.WINNERS; }
    }

    /** A refusal that is not about a batch; {@code text} is for humans. */
    record Error(ErrorCode code, String text) implements Message {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(text, "text");
        }

        public MessageType type() { return MessageType.ERROR; }
    }
}
