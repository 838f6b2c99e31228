package tp0.lottery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;

/**
 * What the store promises whatever its backend: each backend's test extends this with how to open
 * its storage, break a commit and leave what a crash mid-write leaves. Every test drives the real
 * {@link BetStore} actor over the real backend, as a server runs it.
 */
public abstract class StoreContract {
    protected static final Duration WAIT = Duration.ofSeconds(30);
    /** One actor system per test class (each backend's class runs after the other's). */
    private static ActorTestKit testKit;
    private static int stores;

    @BeforeAll
    static void startTestKit() {
        testKit = ActorTestKit.create();
    }

    @AfterAll
    static void shutDownTestKit() {
        testKit.shutdownTestKit();
    }

    /** The storage as a (re)starting server opens it: repaired or migrated, with what it holds. */
    protected abstract OpenedStore open() throws Exception;

    /** Makes the next commit of the store opened last fail (a failed fsync, a lost connection). */
    protected abstract void failNextCommit() throws Exception;

    /**
     * What a crash in the middle of writing {@code bets} for {@code agency} leaves in the storage:
     * a file cut in the middle of a row, a transaction cut off mid-COPY.
     */
    protected abstract void leavePartialWrite(int agency, List<Bet> bets) throws Exception;

    /** Every stored row, agency by agency, each agency's in the order stored, as bets.csv rows. */
    protected abstract byte[] rowsPerAgency() throws Exception;

    /** A store over {@link #open()}, spawned on the store's dispatcher as the server does. */
    protected StoreClient start() throws Exception {
        return start(open());
    }

    protected StoreClient start(OpenedStore opened) {
        return new StoreClient(testKit, testKit.spawn(opened.behavior(true), "store-" + ++stores,
                DispatcherSelector.fromConfig("lottery.store-dispatcher")), WAIT);
    }

    protected static List<Bet> bets(int agency, int count, long seed) {
        Random random = new Random(seed);
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bets.add(new Bet("Nombre" + i, "Apellido, \"" + agency + "\"", String.valueOf(30_000_000 + i),
                    LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                    random.nextInt(20) == 0 ? BetsCsv.WINNING_NUMBER : random.nextInt(10_000)));
        }
        return bets;
    }

    /** The rows of {@code bets} of each agency, agency by agency. */
    protected static byte[] rows(Map<Integer, List<Bet>> byAgency) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new java.util.TreeMap<>(byAgency).forEach((agency, bets) -> {
            BetsCsv.RowBuffer rows = new BetsCsv.RowBuffer(1024);
            rows.append(agency, tp0.protocol.Batches.of(bets));
            out.writeBytes(rows.toByteArray());
        });
        return out.toByteArray();
    }

    /** Agency 1's and agency 2's bets, each test storing what it needs of them. */
    private final List<Bet> one = bets(1, 120, 1);
    private final List<Bet> two = bets(2, 60, 2);

    private static void assertRefused(ErrorCode code, BetStore.StoreReply reply) {
        assertEquals(code, assertInstanceOf(BetStore.Refused.class, reply).code(), String.valueOf(reply));
    }

    @Test
    void afterACrashTheAgencyResumesFromTheCountAndEveryBetIsStoredOnce() throws Exception {
        StoreClient store = start();
        assertEquals(new BetStore.Stored(40, 40), store.store(1, one.subList(0, 40)));
        assertEquals(new BetStore.Stored(40, 80), store.store(1, one.subList(40, 80)));
        assertEquals(new BetStore.Stored(60, 60), store.store(2, two));
        // The crash: no close. A restarted server reads what is stored and the agency resumes after it.
        OpenedStore reopened = open();
        assertEquals(Map.of(1, 80L, 2, 60L), reopened.storedByAgency());
        StoreClient restarted = start(reopened);
        long from = restarted.count(1);
        assertEquals(80, from);
        assertEquals(new BetStore.Stored(40, 120), restarted.store(1, one.subList((int) from, 120)));
        restarted.close();
        assertEquals(text(rows(Map.of(1, one, 2, two))), text(rowsPerAgency()), "each bet once, in order");
    }

    @Test
    void aWriteCutByACrashKeepsNoPartialRowAndTheAgencyResumesFromTheCount() throws Exception {
        List<Bet> all = bets(3, 90, 3);
        StoreClient store = start();
        assertEquals(new BetStore.Stored(30, 30), store.store(3, all.subList(0, 30)));
        store.close();
        leavePartialWrite(3, all.subList(30, 60));
        StoreClient restarted = start();
        // Whole rows of the cut batch may stay (a file keeps what reached the disk, a database
        // nothing of the transaction): the count says which, and the agency resumes after it.
        int from = (int) restarted.count(3);
        assertTrue(from >= 30 && from < 60, "the acknowledged rows, and none past the cut: " + from);
        assertEquals(new BetStore.Stored(90 - from, 90), restarted.store(3, all.subList(from, 90)));
        restarted.close();
        assertEquals(text(rows(Map.of(3, all))), text(rowsPerAgency()));
    }

    @Test
    void aFailedCommitRefusesItsBatchesRetryablyAndNothingIsStoredBehindThem() throws Exception {
        StoreClient store = start();
        assertInstanceOf(BetStore.Stored.class, store.store(1, one.subList(0, 10)));
        failNextCommit();
        assertRefused(ErrorCode.STORAGE_FAILURE, store.store(1, one.subList(10, 20)));
        // The storage is back, but the agency's pipelined next batch would land behind a hole.
        assertRefused(ErrorCode.STORAGE_FAILURE, store.store(1, one.subList(20, 30)));
        assertEquals(new BetStore.Stored(60, 60), store.store(2, two), "other agencies go on");
        assertEquals(10, store.count(1), "its Welcome: resume after the 10 stored");
        assertEquals(new BetStore.Stored(110, 120), store.storeAll(1, one.subList(10, 120), 110),
                "after the count it stores again");
        store.close();
        assertEquals(text(rows(Map.of(1, one, 2, two))), text(rowsPerAgency()));
    }

    @Test
    void theDrawSealsTheStoreAndCountsStillAnswer() throws Exception {
        List<Bet> one = bets(1, 40, 6);
        StoreClient store = start();
        assertEquals(new BetStore.Stored(40, 40), store.store(1, one));
        BetStore.Drawn drawn = assertInstanceOf(BetStore.Drawn.class, store.draw());
        assertEquals(40, drawn.betsRead());
        List<String> winners = one.stream().filter(b -> BetsCsv.hasWon(b.number())).map(Bet::document).toList();
        assertEquals(winners.isEmpty() ? Map.of() : Map.of(1, winners), drawn.winnersByAgency());
        assertRefused(ErrorCode.BETS_CLOSED, store.store(1, bets(1, 1, 7)));
        assertRefused(ErrorCode.BETS_CLOSED, store.store(2, bets(2, 1, 8)));
        assertEquals(40, store.count(1), "counts still answer after the draw");
        store.close();
        assertEquals(text(rows(Map.of(1, one))), text(rowsPerAgency()), "nothing stored after the draw");
    }

    @Test
    void afterCloseBatchesAreRefusedAsShuttingDownAndMarksFail() throws Exception {
        StoreClient store = start();
        assertEquals(new BetStore.Stored(5, 5), store.store(4, bets(4, 5, 9)));
        assertEquals(new BetStore.Marked(4), store.mark(4));
        store.close();
        assertRefused(ErrorCode.SHUTTING_DOWN, store.store(4, bets(4, 1, 10)));
        assertInstanceOf(BetStore.MarkFailed.class, store.mark(5));
        store.close(); // a second Close is answered too
        assertEquals(Set.of(4), open().finished(), "the mark made before closing is durable");
    }

    /** The rows as text, so a failed comparison shows which bets differ. */
    private static String text(byte[] rows) {
        return new String(rows, StandardCharsets.UTF_8);
    }
}
