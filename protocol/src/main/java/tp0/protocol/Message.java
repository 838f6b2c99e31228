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

        public MessageType type() { return MessageType.HELLO; }
    }

    /** Accepts a Hello. {@code storedBets}: bets of this agency the server holds durably (the resume offset). */
    record Welcome(int version, long storedBets) implements Message {
        public MessageType type() { return MessageType.WELCOME; }
    }

    /**
     * Bets to store, all or none. Two shapes behind one type: built from {@link Bet}s (the
     * agency's side, tests), or decoded by {@link Codec}, which checks every rule on the wire
     * bytes and keeps them — one copy of the payload, no object per bet. {@link #forEach}
     * hands each bet over as byte slices without allocating; {@link #bets()} builds the Bet
     * list (once) for whoever wants objects. Equality is that of the bet lists, as when this
     * was a record of them.
     */
    final class BetBatch implements Message {
        /** The bets it was built from, or null when decoded. */
        private final List<Bet> given;
        /** Decoded: the bets as on the wire (after the count), every rule checked; else null. */
        private final byte[] wire;
        private final int count;
        /** Decoded: {@link #bets()} once built. */
        private volatile List<Bet> materialized;
        /** Built from bets: their wire bytes once encoded and checked for {@link #forEach}. */
        private volatile byte[] checkedWire;

        public BetBatch(List<Bet> bets) {
            this.given = List.copyOf(bets);
            this.wire = null;
            this.count = given.size();
        }

        /** {@code wire}: {@code count} bets that {@link Codec} has fully validated; adopted, not copied. */
        BetBatch(byte[] wire, int count) {
            this.given = null;
            this.wire = wire;
            this.count = count;
        }

        public MessageType type() { return MessageType.BET_BATCH; }

        /** How many bets, without building them. */
        public int count() {
            return count;
        }

        /** The bets as objects (a decoded batch builds them on the first call). */
        public List<Bet> bets() {
            if (given != null) {
                return given;
            }
            List<Bet> bets = materialized;
            if (bets == null) {
                bets = Codec.materialize(wire, count);
                materialized = bets;
            }
            return bets;
        }

        /**
         * Hands every bet, in order, to {@code visitor} as slices of the wire bytes; allocates
         * nothing for a decoded batch. A batch built from bets is encoded and checked the first
         * time, as the decoder would.
         *
         * @throws IllegalArgumentException if this batch was built from bets that break a rule
         *                                  of {@link Bet#check()} or do not fit a frame
         */
        public void forEach(BetVisitor visitor) {
            Codec.visit(validatedWire(), count, visitor);
        }

        /** The validated wire bytes of the bets (after the count); callers must not modify them. */
        byte[] validatedWire() {
            if (wire != null) {
                return wire;
            }
            byte[] checked = checkedWire;
            if (checked == null) {
                checked = Codec.checkedWire(this);
                checkedWire = checked;
            }
            return checked;
        }

        /** The wire bytes this batch was decoded from, or null when built from bets. */
        byte[] decodedWire() {
            return wire;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof BetBatch other) || count != other.count) {
                return false;
            }
            if (wire != null && other.wire != null) {
                return java.util.Arrays.equals(wire, other.wire); // the encoding of valid bets is canonical
            }
            return bets().equals(other.bets());
        }

        @Override
        public int hashCode() {
            return bets().hashCode();
        }

        @Override
        public String toString() {
            return "BetBatch[bets=" + bets() + "]";
        }
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

    /**
     * "I am still here; are you?" An agency sends it when it has sent nothing for a while
     * (waiting for acks, for the draw); the server answers at once with {@link Pong}, out of
     * turn (it is no reply to a batch, so it never waits behind them).
     */
    enum Ping implements Message {
        INSTANCE;

        public MessageType type() { return MessageType.PING; }
    }

    /** The answer to a {@link Ping}. */
    enum Pong implements Message {
        INSTANCE;

        public MessageType type() { return MessageType.PONG; }
    }
}
