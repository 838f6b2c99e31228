package tp0.lottery.store;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.Message;

/** A store's tests' side of its protocol: one request, its answer (within {@code timeout}). */
public record StoreClient(ActorTestKit kit, ActorRef<BetStore.Command> store, Duration timeout) {

    /** A batch as the store gets it from a session: decoded from its frame, so validated on the bytes. */
    public static Message.BetBatch decoded(List<Bet> bets) {
        try {
            return (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(Codec.encode(Batches.of(bets))));
        } catch (DecodeException e) {
            throw new AssertionError(e);
        }
    }

    public BetStore.StoreReply store(int agency, List<Bet> bets) {
        TestProbe<BetStore.StoreReply> probe = kit.createTestProbe();
        store.tell(new BetStore.StoreBatch(agency, decoded(bets), probe.getRef()));
        return probe.expectMessageClass(BetStore.StoreReply.class, timeout);
    }

    /** {@code bets} in batches of at most {@code size}, stopping at the first refusal; the last reply. */
    public BetStore.StoreReply storeAll(int agency, List<Bet> bets, int size) {
        BetStore.StoreReply last = null;
        for (int from = 0; from < bets.size(); from += size) {
            last = store(agency, bets.subList(from, Math.min(bets.size(), from + size)));
            if (!(last instanceof BetStore.Stored)) {
                return last;
            }
        }
        return last;
    }

    public long count(int agency) {
        TestProbe<BetStore.StoredCount> probe = kit.createTestProbe();
        store.tell(new BetStore.GetStoredCount(agency, probe.getRef()));
        BetStore.StoredCount answer = probe.expectMessageClass(BetStore.StoredCount.class, timeout);
        if (answer.agency() != agency) {
            throw new AssertionError("the count of agency " + answer.agency() + ", asked for " + agency);
        }
        return answer.count();
    }

    public BetStore.MarkReply mark(int agency) {
        TestProbe<BetStore.MarkReply> probe = kit.createTestProbe();
        store.tell(new BetStore.MarkFinished(agency, probe.getRef()));
        return probe.expectMessageClass(BetStore.MarkReply.class, timeout);
    }

    public BetStore.DrawOutcome draw() {
        TestProbe<BetStore.DrawOutcome> probe = kit.createTestProbe();
        store.tell(new BetStore.Draw(probe.getRef()));
        return probe.expectMessageClass(BetStore.DrawOutcome.class, timeout);
    }

    public void close() {
        TestProbe<Done> probe = kit.createTestProbe();
        store.tell(new BetStore.Close(probe.getRef()));
        probe.expectMessage(timeout, Done.getInstance());
    }
}
