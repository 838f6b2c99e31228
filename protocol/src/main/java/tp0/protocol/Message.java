package tp0.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Every message of the protocol. Client to server: Hello, BetBatch, AllBetsSent, WinnersQuery.
 * Server to client: Welcome, BatchAck, BatchRejected, AllBetsSentAck, Winners, Error.
 * The heartbeat (version 2): Ping from client to server, Pong back.
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

        @Override public MessageType type() { return MessageType.HELLO; }
    }

    /** Accepts a Hello. {@code storedBets}: bets of this agency the server holds durably (the resume offset). */
    record Welcome(int version, long storedBets) implements Message {
        @Override public MessageType type() { return MessageType.WELCOME; }
    }

    /**
     * Bets to store, all or none, as {@link Codec} decoded them: it checks every rule on the wire
     * bytes and keeps them — one copy of the payload, no object per bet. {@link #forEach}
     * hands each bet over as byte slices without allocating; {@link #bets()} builds the Bet
     * list (once) for whoever wants objects. (The agency writes batches with
     * {@link BetBatchWriter}, never through this class.) Equal when their bytes are: the
     * encoding of valid bets is canonical.
     */
    final class BetBatch implements Message {
        /** The bets as on the wire (after the count), every rule checked. */
        private final byte[] wire;
        private final int count;
        /** {@link #bets()} once built. */
        private volatile List<Bet> materialized;

        /** {@code wire}: {@code count} bets that {@link Codec} has fully validated; adopted, not copied. */
        BetBatch(byte[] wire, int count) {
            this.wire = wire;
            this.count = count;
        }

        @Override public MessageType type() { return MessageType.BET_BATCH; }

        /** How many bets, without building them. */
        public int count() {
            return count;
        }

        /** The bets as objects (built on the first call). */
        public List<Bet> bets() {
            List<Bet> bets = materialized;
            if (bets == null) {
                bets = WireBets.materialize(wire, count);
                materialized = bets;
            }
            return bets;
        }

        /** Hands every bet, in order, to {@code visitor} as slices of the wire bytes; allocates nothing. */
        public void forEach(BetVisitor visitor) {
            WireBets.visit(wire, count, visitor);
        }

        /** The validated wire bytes of the bets (after the count); callers must not modify them. */
        byte[] validatedWire() {
            return wire;
        }

        @Override
        public boolean equals(Object o) {
            return this == o || (o instanceof BetBatch other && count == other.count
                    && java.util.Arrays.equals(wire, other.wire));
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(wire);
        }

        @Override
        public String toString() {
            return "BetBatch[bets=" + bets() + "]";
        }
    }

    /** The batch of {@code count} bets is on disk; the agency now has {@code storedBets} stored in all. */
    record BatchAck(int count, long storedBets) implements Message {
        @Override public MessageType type() { return MessageType.BATCH_ACK; }
    }

    /** None of the batch's {@code count} bets was stored. */
    record BatchRejected(ErrorCode code, int count) implements Message {
        public BatchRejected {
            Objects.requireNonNull(code, "code");
        }

        @Override public MessageType type() { return MessageType.BATCH_REJECTED; }
    }

    /** The agency has no more bets. */
    enum AllBetsSent implements Message {
        INSTANCE;

        @Override public MessageType type() { return MessageType.ALL_BETS_SENT; }
    }

    enum AllBetsSentAck implements Message {
        INSTANCE;

        @Override public MessageType type() { return MessageType.ALL_BETS_SENT_ACK; }
    }

    /** Which of my bettors won? Answered only after the draw. */
    enum WinnersQuery implements Message {
        INSTANCE;

        @Override public MessageType type() { return MessageType.WINNERS_QUERY; }
    }

    /**
     * Documents of the asking agency's winners. Sent in as many frames as the 8 KiB limit
     * needs; {@code last} marks the final one.
     */
    record Winners(List<String> documents, boolean last) implements Message {
        public Winners {
            documents = List.copyOf(documents);
        }

        @Override public MessageType type() { return MessageType.WINNERS; }
    }

    /** A refusal that is not about a batch; {@code text} is for humans. */
    @SuppressWarnings("JavaLangClash") // named as on the wire; always written Message.Error
    record Error(ErrorCode code, String text) implements Message {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(text, "text");
        }

        @Override public MessageType type() { return MessageType.ERROR; }
    }

    /**
     * "I am still here; are you?" An agency sends it when it has sent nothing for a while
     * (waiting for acks, for the draw); the server answers at once with {@link Pong}, out of
     * turn (it is no reply to a batch, so it never waits behind them).
     */
    enum Ping implements Message {
        INSTANCE;

        @Override public MessageType type() { return MessageType.PING; }
    }

    /** The answer to a {@link Ping}. */
    enum Pong implements Message {
        INSTANCE;

        @Override public MessageType type() { return MessageType.PONG; }
    }
}
