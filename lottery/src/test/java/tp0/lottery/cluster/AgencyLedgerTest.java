package tp0.lottery.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;
import tp0.protocol.Batches;
import tp0.protocol.ErrorCode;
import tp0.protocol.Bet;

/**
 * The ledger of one agency with a probe as its node's store: only the live session's batches
 * reach the store, a takeover is said to the old session, and every answer goes back in the
 * order the requests came, refusals included.
 */
class AgencyLedgerTest {
    private static final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    private static final List<Bet> BETS = List.of(new Bet("Ana", "Pérez", "00012345", java.time.LocalDate.of(1990, 1, 2), 7574));

    /** The node's store, and what sessions hear back (new ones for each test). */
    private final TestProbe<BetStore.Command> store = kit.createTestProbe();
    private final TestProbe<SessionRegistry.ClaimReply> claims = kit.createTestProbe();
    private final TestProbe<BetStore.StoreReply> replies = kit.createTestProbe();

    @Test
    void onlyTheLiveSessionWritesAndAnswersKeepTheirOrder() {
        ActorRef<AgencyLedger.Command> ledger = kit.spawn(AgencyLedger.create(4, store.ref(), "test", new AtomicInteger()));
        TestProbe<AgencySession.Command> first = kit.createTestProbe();
        TestProbe<AgencySession.Command> second = kit.createTestProbe();

        // A ledger started anew has no live session: a batch is refused, not written.
        ledger.tell(new AgencyLedger.Append(4, Batches.of(BETS), first.ref(), replies.ref()));
        assertEquals(ErrorCode.STORAGE_FAILURE, ((BetStore.Refused) replies.receiveMessage()).code());
        store.expectNoMessage(java.time.Duration.ofMillis(100));

        ledger.tell(new AgencyLedger.Claim(4, first.ref(), claims.ref()));
        assertEquals(new SessionRegistry.Granted(4), claims.receiveMessage());
        ledger.tell(new AgencyLedger.Append(4, Batches.of(BETS), first.ref(), replies.ref()));
        BetStore.StoreBatch atStore = store.expectMessageClass(BetStore.StoreBatch.class);

        // A newer Hello takes it over: the old session hears it; its late batch is refused, and
        // that refusal waits behind the answer of its batch still at the store.
        ledger.tell(new AgencyLedger.Claim(4, second.ref(), claims.ref()));
        assertEquals(new SessionRegistry.Granted(4), claims.receiveMessage());
        assertEquals(new AgencySession.TakenOver(4), first.receiveMessage());
        ledger.tell(new AgencyLedger.Append(4, Batches.of(BETS), first.ref(), replies.ref()));
        replies.expectNoMessage(java.time.Duration.ofMillis(100));
        atStore.replyTo().tell(new BetStore.Stored(1, 1));
        assertEquals(new BetStore.Stored(1, 1), replies.receiveMessage());
        assertEquals(ErrorCode.STORAGE_FAILURE, ((BetStore.Refused) replies.receiveMessage()).code());

        // The new session's count comes after every batch already at the store; its batches are written.
        TestProbe<BetStore.StoredCount> counts = kit.createTestProbe();
        ledger.tell(new AgencyLedger.GetStoredCount(4, counts.ref()));
        store.expectMessageClass(BetStore.GetStoredCount.class).replyTo().tell(new BetStore.StoredCount(4, 1));
        assertEquals(new BetStore.StoredCount(4, 1), counts.receiveMessage());
        ledger.tell(new AgencyLedger.Append(4, Batches.of(BETS), second.ref(), replies.ref()));
        store.expectMessageClass(BetStore.StoreBatch.class).replyTo().tell(new BetStore.Stored(1, 2));
        assertEquals(new BetStore.Stored(1, 2), replies.receiveMessage());

        // The old session's release frees nothing: the agency is the new session's.
        ledger.tell(new AgencyLedger.Release(4, first.ref()));
        ledger.tell(new AgencyLedger.Append(4, Batches.of(BETS), second.ref(), replies.ref()));
        store.expectMessageClass(BetStore.StoreBatch.class);
    }

    @Test
    void aHandOffWaitsForTheAnswersStillAtTheStore() {
        ActorRef<AgencyLedger.Command> ledger = kit.spawn(AgencyLedger.create(5, store.ref(), "test", new AtomicInteger()));
        TestProbe<AgencySession.Command> session = kit.createTestProbe();
        ledger.tell(new AgencyLedger.Claim(5, session.ref(), claims.ref()));
        claims.receiveMessage();
        ledger.tell(new AgencyLedger.Append(5, Batches.of(BETS), session.ref(), replies.ref()));
        BetStore.StoreBatch atStore = store.expectMessageClass(BetStore.StoreBatch.class);

        ledger.tell(AgencyLedger.HandOff.INSTANCE);
        atStore.replyTo().tell(new BetStore.Stored(1, 1));
        assertEquals(new BetStore.Stored(1, 1), replies.receiveMessage());
        store.expectTerminated(ledger);

        // With nothing at the store it stops at once.
        ActorRef<AgencyLedger.Command> idle = kit.spawn(AgencyLedger.create(6, store.ref(), "test", new AtomicInteger()));
        idle.tell(AgencyLedger.HandOff.INSTANCE);
        store.expectTerminated(idle);
    }
}
