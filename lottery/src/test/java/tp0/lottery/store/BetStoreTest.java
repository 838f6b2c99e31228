package tp0.lottery.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.store.file.BetsFile;
import tp0.lottery.store.file.FileBackend;
import tp0.lottery.store.file.FinishMarks;
import tp0.lottery.store.file.ScriptedBetsFile;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/** The store actor over the file backend: order, group commit, refusals, and what reaches the disk. */
class BetStoreTest {

    static final ActorTestKit testKit = ActorTestKit.create();
    private static final AtomicInteger stores = new AtomicInteger();
    private static final Duration QUIET = Duration.ofMillis(300);

    @AfterAll
    static void cleanup() {
        testKit.shutdownTestKit();
    }

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ helpers

    private static Bet bet(String document, int number) {
        return new Bet("Ana", "Pérez", document, LocalDate.of(1990, 5, 17), number);
    }

    private static List<Bet> bets(String prefix, int n) {
        List<Bet> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(bet(prefix + i, i));
        }
        return list;
    }

    private static Message.BetBatch decoded(List<Bet> bets) {
        return StoreClient.decoded(bets);
    }

    /** The store runs on its own blocking dispatcher, as LotteryGuardian spawns it. */
    private ActorRef<BetStore.Command> spawnStore(BetsFile file, Map<Integer, Long> stored) throws IOException {
        return spawnStore(file, BetsFile.open(dir.resolve("all-bets-sent.txt")), stored);
    }

    private static ActorRef<BetStore.Command> spawnStore(BetsFile file, BetsFile marks, Map<Integer, Long> stored) {
        return spawnStore(file, marks, stored, true);
    }

    private static ActorRef<BetStore.Command> spawnStore(BetsFile file, BetsFile marks, Map<Integer, Long> stored,
                                                         boolean groupCommit) {
        return testKit.spawn(BetStore.create(new FileBackend(file, marks), stored, groupCommit, LotteryMetrics.NONE),
                "bet-store-" + stores.incrementAndGet(), DispatcherSelector.fromConfig("lottery.store-dispatcher"));
    }

    private static StoreClient client(ActorRef<BetStore.Command> store) {
        return new StoreClient(testKit, store, Duration.ofSeconds(3));
    }

    private static BetStore.MarkReply mark(ActorRef<BetStore.Command> store, int agency) {
        return client(store).mark(agency);
    }

    private static BetStore.StoreReply store(ActorRef<BetStore.Command> store, int agency, List<Bet> bets) {
        return client(store).store(agency, bets);
    }

    private static long storedCount(ActorRef<BetStore.Command> store, int agency) {
        return client(store).count(agency);
    }

    private static void assertRefused(ErrorCode code, BetStore.StoreReply reply) {
        BetStore.Refused refused = assertInstanceOf(BetStore.Refused.class, reply);
        assertEquals(code, refused.code());
    }

    private static void close(ActorRef<BetStore.Command> store) {
        client(store).close();
    }

    /** Sends {@code first} and returns once the store is inside its fsync. */
    private static void blockInFirstSync(ActorRef<BetStore.Command> store, ScriptedBetsFile file,
                                         BetStore.StoreBatch first) throws InterruptedException {
        store.tell(first);
        assertTrue(file.syncEntered.await(5, TimeUnit.SECONDS), "the store reaches fsync");
    }

    // ------------------------------------------------------------------ (a) fsync before ack

    @Test
    void batchIsAcknowledgedOnlyAfterItsRowsAreWrittenAndSynced() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.gated(dir.resolve("bets.csv"));
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        TestProbe<BetStore.StoreReply> probe = testKit.createTestProbe();
        List<Bet> batch = bets("1", 3);
        try {
            blockInFirstSync(store, file, new BetStore.StoreBatch(4, decoded(batch), probe.getRef()));

            probe.expectNoMessage(QUIET);
            assertEquals(List.of("append", "sync"), List.copyOf(file.calls), "written, then fsync under way");
            assertEquals(0, file.completedSyncs.get());
        } finally {
            file.openGate();
        }
        probe.expectMessage(new BetStore.Stored(3, 3));
        assertEquals(1, file.completedSyncs.get(), "fsync finished before the ack");
        assertArrayEquals(ReferenceBetsCsv.rows(4, batch), Files.readAllBytes(file.path()));
        assertTrue(file.appendThread().contains("store-dispatcher"),
                "the store blocks on its own dispatcher, not the default one: " + file.appendThread());
        close(store);
    }

    @Test
    void aDecodedBatchIsWrittenStraightFromItsBytesAsTheCourseWritesBets() throws Exception {
        List<Bet> tricky = List.of(
                new Bet("Smith, Jr", "O\"Neil", "00012345", LocalDate.of(999, 3, 7), 7574),
                new Bet("Zoë 😀", "Ñandú", "0", LocalDate.of(9999, 12, 31), Integer.MAX_VALUE),
                new Bet("#Ana", " Juan ", "7", LocalDate.of(2000, 2, 29), 0));
        BetsFile file = BetsFile.open(dir.resolve("bets.csv"));
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        TestProbe<BetStore.StoreReply> probe = testKit.createTestProbe();
        Message.BetBatch batch = decoded(tricky);
        store.tell(new BetStore.StoreBatch(12, batch, probe.getRef()));
        probe.expectMessage(new BetStore.Stored(3, 3));
        store.tell(new BetStore.StoreBatch(12, Batches.of(tricky), probe.getRef())); // built from bets: same rows
        probe.expectMessage(new BetStore.Stored(3, 6));

        byte[] expected = ReferenceBetsCsv.rows(12, tricky);
        byte[] twice = Arrays.copyOf(expected, expected.length * 2);
        System.arraycopy(expected, 0, twice, expected.length, expected.length);
        assertArrayEquals(twice, Files.readAllBytes(file.path()));

        TestProbe<BetStore.DrawOutcome> draw = testKit.createTestProbe();
        store.tell(new BetStore.Draw(draw.getRef()));
        assertEquals(new BetStore.Drawn(Map.of(12, List.of("00012345", "00012345")), 6), draw.receiveMessage());
        close(store);
    }

    @Test
    void atDebugEveryStoredBetIsLogged() throws Exception {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(BetStore.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        logger.addAppender(lines);
        try {
            ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(dir.resolve("bets.csv")), Map.of());
            assertEquals(new BetStore.Stored(2, 2), store(store, 3, List.of(bet("00123", 7574), bet("456", 0))));
            close(store);
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
        }
        List<String> stored = lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("action: apuesta_almacenada")).toList();
        assertEquals(List.of("action: apuesta_almacenada | result: success | dni: 00123 | numero: 7574",
                "action: apuesta_almacenada | result: success | dni: 456 | numero: 0"), stored);
    }

    // ------------------------------------------------------------------ (b) whole batch or nothing

    @Test
    void appendFailingHalfwayLeavesTheFileAsItWasAndLaterBatchesWork() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.open(dir.resolve("bets.csv"));
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        assertEquals(new BetStore.Stored(2, 2), store(store, 1, bets("10", 2)));
        byte[] before = Files.readAllBytes(file.path());

        file.failNextAppends.set(1);
        assertRefused(ErrorCode.STORAGE_FAILURE, store(store, 1, bets("20", 5)));

        assertArrayEquals(before, Files.readAllBytes(file.path()), "no partial row remains");
        assertTrue(file.calls.contains("truncate"));
        assertEquals(2, storedCount(store, 1), "the refused batch does not count");

        List<Bet> good = bets("30", 4);
        assertEquals(new BetStore.Stored(4, 6), store(store, 1, good));
        byte[] expected = concat(before, ReferenceBetsCsv.rows(1, good));
        assertArrayEquals(expected, Files.readAllBytes(file.path()));
        assertEquals(6, storedCount(store, 1));
        close(store);
    }

    @Test
    void afterARefusedBatchTheAgencysNextBatchesWaitForItsCountSoNoneIsStoredBehindAGap() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.open(dir.resolve("bets.csv"));
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        assertEquals(new BetStore.Stored(2, 2), store(store, 1, bets("10", 2)));

        file.failNextAppends.set(1);
        assertRefused(ErrorCode.STORAGE_FAILURE, store(store, 1, bets("20", 3)));
        // The disk is back, but the agency's pipelined next batch would land after a hole.
        assertRefused(ErrorCode.STORAGE_FAILURE, store(store, 1, bets("30", 4)));
        assertEquals(new BetStore.Stored(1, 1), store(store, 2, bets("40", 1)), "other agencies go on");

        assertEquals(2, storedCount(store, 1), "its Welcome: resume after the 2 stored");
        List<Bet> resent = bets("20", 3);
        assertEquals(new BetStore.Stored(3, 5), store(store, 1, resent), "after the count it stores again");
        assertEquals(5, storedCount(store, 1));
        close(store);
    }

    // ------------------------------------------------------------------ (c) sync fails

    @Test
    void syncFailingCutsTheBatchBackOut() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.open(dir.resolve("bets.csv"));
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        assertEquals(new BetStore.Stored(1, 1), store(store, 2, bets("5", 1)));
        byte[] before = Files.readAllBytes(file.path());

        file.failNextSyncs.set(1);
        assertRefused(ErrorCode.STORAGE_FAILURE, store(store, 2, bets("6", 3)));

        assertArrayEquals(before, Files.readAllBytes(file.path()), "file cut back to before the batch");
        assertEquals(1, storedCount(store, 2));
        List<Bet> good = bets("7", 2);
        assertEquals(new BetStore.Stored(2, 3), store(store, 2, good));
        assertArrayEquals(concat(before, ReferenceBetsCsv.rows(2, good)), Files.readAllBytes(file.path()));
        close(store);
    }

    // ------------------------------------------------------------------ (d) counts

    @Test
    void totalsArePerAgencyAndSurviveARestart() throws Exception {
        Path path = dir.resolve("bets.csv");
        ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(path), Map.of());

        assertEquals(new BetStore.Stored(2, 2), store(store, 1, bets("1", 2)));
        assertEquals(new BetStore.Stored(3, 3), store(store, 2, bets("2", 3)));
        assertEquals(new BetStore.Stored(1, 3), store(store, 1, bets("3", 1)));
        assertEquals(new BetStore.Stored(5, 8), store(store, 1, bets("4", 5)));
        assertEquals(8, storedCount(store, 1));
        assertEquals(3, storedCount(store, 2));
        assertEquals(0, storedCount(store, 3));
        close(store);

        BetsFile reopened = BetsFile.open(path);
        Map<Integer, Long> counts = FileBackend.countByAgency(reopened);
        assertEquals(Map.of(1, 8L, 2, 3L), counts);

        ActorRef<BetStore.Command> restarted = spawnStore(reopened, counts);
        assertEquals(8, storedCount(restarted, 1));
        assertEquals(new BetStore.Stored(1, 4), store(restarted, 2, bets("5", 1)));
        close(restarted);
        assertEquals(Map.of(1, 8L, 2, 4L), FileBackend.countByAgency(BetsFile.open(path)));
    }

    @Test
    void startsFromTheCountsItIsGiven() throws Exception {
        ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(dir.resolve("bets.csv")), Map.of(3, 10L));
        assertEquals(10, storedCount(store, 3));
        assertEquals(new BetStore.Stored(2, 12), store(store, 3, bets("1", 2)));
        close(store);
    }

    @Test
    void countByAgencyOfAMissingOrEmptyFileIsEmpty() throws Exception {
        BetsFile file = BetsFile.open(dir.resolve("new.csv"));
        assertEquals(Map.of(), FileBackend.countByAgency(file));
        file.close();
    }

    // ------------------------------------------------------------------ (e) draw

    @Test
    void drawFindsEachAgencysWinnersAndClosesBets() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.open(dir.resolve("bets.csv"));
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        store(store, 1, List.of(bet("111", 7574), bet("112", 1), bet("00113", 7574)));
        store(store, 2, List.of(bet("221", 7573), bet("222", 0)));
        store(store, 3, List.of(bet("331", 1234)));
        store(store, 1, List.of(bet("114", 7574)));
        store(store, 3, List.of(bet("0332", 7574)));

        TestProbe<BetStore.DrawOutcome> probe = testKit.createTestProbe();
        store.tell(new BetStore.Draw(probe.getRef()));
        BetStore.Drawn drawn = assertInstanceOf(BetStore.Drawn.class, probe.receiveMessage());

        assertEquals(Map.of(1, List.of("111", "00113", "114"), 3, List.of("0332")), drawn.winnersByAgency());
        assertEquals(8, drawn.betsRead());

        byte[] before = Files.readAllBytes(file.path());
        assertRefused(ErrorCode.BETS_CLOSED, store(store, 2, List.of(bet("223", 7574))));
        assertArrayEquals(before, Files.readAllBytes(file.path()), "nothing is written after the draw");
        assertEquals(5, file.count("append"), "five batches before the draw, none after");
        assertEquals(2, storedCount(store, 2), "counts still answer after the draw");
        close(store);
    }

    @Test
    void drawWithoutAnyBetHasNoWinners() throws Exception {
        ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(dir.resolve("bets.csv")), Map.of());
        TestProbe<BetStore.DrawOutcome> probe = testKit.createTestProbe();
        store.tell(new BetStore.Draw(probe.getRef()));
        assertEquals(new BetStore.Drawn(Map.of(), 0), probe.receiveMessage());
        close(store);
    }

    @Test
    void drawOverAnUnreadableFileFailsAndStillClosesBets() throws Exception {
        Path path = dir.resolve("bets.csv");
        Files.writeString(path, "1,A,B,1,2000-01-01,7574\r\nnot,a,bet\r\n", StandardCharsets.UTF_8);
        ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(path), Map.of());

        TestProbe<BetStore.DrawOutcome> probe = testKit.createTestProbe();
        store.tell(new BetStore.Draw(probe.getRef()));
        assertInstanceOf(BetStore.DrawFailed.class, probe.receiveMessage());
        assertRefused(ErrorCode.BETS_CLOSED, store(store, 1, bets("9", 1)));
        close(store);
    }

    // ------------------------------------------------------------------ (f) close

    @Test
    void closeAnswersDoneAndLaterBatchesAreRefused() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.open(dir.resolve("bets.csv"));
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        List<Bet> batch = bets("1", 2);
        assertEquals(new BetStore.Stored(2, 2), store(store, 1, batch));

        close(store);
        assertTrue(file.calls.contains("close"), "the file is closed");

        assertRefused(ErrorCode.SHUTTING_DOWN, store(store, 1, bets("2", 1)));
        assertArrayEquals(ReferenceBetsCsv.rows(1, batch), Files.readAllBytes(file.path()), "what was acked is on disk");
        close(store); // a second Close is answered too
        assertEquals(1, file.count("close"), "closed once");
    }

    // ------------------------------------------------------------------ (g) "all bets sent" marks

    @Test
    void aMarkIsAppendedAndSyncedBeforeItIsAnswered() throws Exception {
        Path marksPath = dir.resolve("all-bets-sent.txt");
        ScriptedBetsFile marks = ScriptedBetsFile.gated(marksPath);
        ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(dir.resolve("bets.csv")), marks, Map.of());
        TestProbe<BetStore.MarkReply> probe = testKit.createTestProbe();
        try {
            store.tell(new BetStore.MarkFinished(2, probe.getRef()));
            assertTrue(marks.syncEntered.await(5, TimeUnit.SECONDS), "the store reaches fsync");
            probe.expectNoMessage(QUIET);
        } finally {
            marks.openGate();
        }
        probe.expectMessage(new BetStore.Marked(2));
        assertEquals(List.of("append", "sync"), List.copyOf(marks.calls));
        assertEquals("2 0\n", Files.readString(marksPath), "on disk when answered, with the agency's stored count");

        assertEquals(new BetStore.Marked(1), mark(store, 1));
        assertEquals("2 0\n1 0\n", Files.readString(marksPath));
        assertEquals(Set.of(1, 2), FinishMarks.read(marksPath, 2).agencies());
        close(store);
        assertTrue(marks.calls.contains("close"), "the marks file is closed with the store");
    }

    @Test
    void aMarkFileCreatedOnDemandSurvivesARestart() throws Exception {
        Path marksPath = dir.resolve("all-bets-sent.txt");
        assertFalse(Files.exists(marksPath));
        ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(dir.resolve("bets.csv")), Map.of());
        assertEquals(new BetStore.Marked(3), mark(store, 3));
        close(store);

        assertEquals(Set.of(3), FinishMarks.read(marksPath, 5).agencies());
    }

    @Test
    void aMarkThatCannotBeWrittenIsAFailureAndLeavesNoPartialLine() throws Exception {
        Path marksPath = dir.resolve("all-bets-sent.txt");
        ScriptedBetsFile marks = ScriptedBetsFile.open(marksPath);
        ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(dir.resolve("bets.csv")), marks, Map.of());
        assertEquals(new BetStore.Marked(1), mark(store, 1));

        marks.failNextSyncs.set(1);
        BetStore.MarkFailed failed = assertInstanceOf(BetStore.MarkFailed.class, mark(store, 2));
        assertEquals(2, failed.agency());
        assertEquals("1 0\n", Files.readString(marksPath), "cut back to before the failed mark");

        assertEquals(new BetStore.Marked(2), mark(store, 2), "a later attempt works");
        assertEquals("1 0\n2 0\n", Files.readString(marksPath));
        assertEquals(new BetStore.Stored(1, 1), store(store, 1, bets("1", 1)), "bets are unaffected");
        close(store);
    }

    @Test
    void aMarkAfterCloseFails() throws Exception {
        ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(dir.resolve("bets.csv")), Map.of());
        close(store);
        assertInstanceOf(BetStore.MarkFailed.class, mark(store, 1));
    }

    @Test
    void aCountAnswersAfterEveryBatchThatReachedTheStoreBeforeIt() throws Exception {
        // The resume offset a Welcome carries: batches and the count query share one mailbox.
        ActorRef<BetStore.Command> store = spawnStore(BetsFile.open(dir.resolve("bets.csv")), Map.of());
        TestProbe<BetStore.StoreReply> acks = testKit.createTestProbe();
        TestProbe<BetStore.StoredCount> count = testKit.createTestProbe();
        for (int i = 0; i < 20; i++) {
            store.tell(new BetStore.StoreBatch(1, decoded(bets("9" + i, 3)), acks.getRef()));
        }
        store.tell(new BetStore.GetStoredCount(1, count.getRef()));
        assertEquals(new BetStore.StoredCount(1, 60), count.receiveMessage());
        close(store);
    }

    // ------------------------------------------------------------------ (h) group commit

    @Test
    void batchesArrivingDuringAnFsyncAreMadeDurableTogetherByOneMore() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.gated(dir.resolve("bets.csv"));
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        // One probe for every reply: a probe keeps the order the store sent them in.
        TestProbe<Object> replies = testKit.createTestProbe();
        List<Bet> first = bets("1", 2);
        List<Bet> second = bets("2", 3);
        List<Bet> third = bets("3", 1);
        try {
            blockInFirstSync(store, file, new BetStore.StoreBatch(1, decoded(first), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(2, decoded(second), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(1, decoded(third), replies.getRef().narrow()));
            replies.expectNoMessage(QUIET);
        } finally {
            file.openGate();
        }
        replies.expectMessage(new BetStore.Stored(2, 2));
        replies.expectMessage(new BetStore.Stored(3, 3));
        replies.expectMessage(new BetStore.Stored(1, 3));
        assertEquals(List.of("append", "sync", "append", "append", "sync"), List.copyOf(file.calls),
                "the two batches that queued during the first fsync share the second");
        assertEquals(2, file.syncs.get());
        assertArrayEquals(concat(concat(ReferenceBetsCsv.rows(1, first), ReferenceBetsCsv.rows(2, second)), ReferenceBetsCsv.rows(1, third)),
                Files.readAllBytes(file.path()), "rows in arrival order");
        assertEquals(3, storedCount(store, 1));
        assertEquals(2, file.syncs.get(), "a count with nothing pending costs no fsync");
        close(store);
    }

    @Test
    void withoutGroupCommitEveryBatchHasItsOwnFsync() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.gated(dir.resolve("bets.csv"));
        ActorRef<BetStore.Command> store = spawnStore(file, BetsFile.open(dir.resolve("all-bets-sent.txt")), Map.of(), false);
        TestProbe<Object> replies = testKit.createTestProbe();
        try {
            blockInFirstSync(store, file, new BetStore.StoreBatch(1, decoded(bets("1", 2)), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(1, decoded(bets("2", 3)), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(1, decoded(bets("3", 1)), replies.getRef().narrow()));
        } finally {
            file.openGate();
        }
        replies.expectMessage(new BetStore.Stored(2, 2));
        replies.expectMessage(new BetStore.Stored(3, 5));
        replies.expectMessage(new BetStore.Stored(1, 6));
        assertEquals(List.of("append", "sync", "append", "sync", "append", "sync"), List.copyOf(file.calls));
        close(store);
    }

    @Test
    void aFailedGroupFsyncRefusesTheWholeGroupAndLeavesTheFileAsBeforeIt() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.gated(dir.resolve("bets.csv"));
        file.failingSync = 2; // the group's fsync
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        TestProbe<Object> replies = testKit.createTestProbe();
        List<Bet> first = bets("1", 2);
        try {
            blockInFirstSync(store, file, new BetStore.StoreBatch(1, decoded(first), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(1, decoded(bets("2", 3)), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(2, decoded(bets("3", 4)), replies.getRef().narrow()));
        } finally {
            file.openGate();
        }
        replies.expectMessage(new BetStore.Stored(2, 2));
        assertRefused(ErrorCode.STORAGE_FAILURE, (BetStore.StoreReply) replies.receiveMessage());
        assertRefused(ErrorCode.STORAGE_FAILURE, (BetStore.StoreReply) replies.receiveMessage());
        assertArrayEquals(ReferenceBetsCsv.rows(1, first), Files.readAllBytes(file.path()), "cut back to before the group");
        assertEquals(List.of("append", "sync", "append", "append", "sync", "sync-failed", "truncate", "sync"),
                List.copyOf(file.calls),
                "one fsync for the group, then the cut made durable");
        assertEquals(2, storedCount(store, 1), "nothing of the group counts");
        assertEquals(0, storedCount(store, 2));

        List<Bet> later = bets("4", 1);
        assertEquals(new BetStore.Stored(1, 3), store(store, 1, later), "the store goes on");
        assertArrayEquals(concat(ReferenceBetsCsv.rows(1, first), ReferenceBetsCsv.rows(1, later)), Files.readAllBytes(file.path()));
        close(store);
    }

    @Test
    void aBatchThatCannotBeWrittenIsRefusedInItsPlaceWithItsAgencysLaterOnesAndTheRestOfItsGroupIsStored() throws Exception {
        ScriptedBetsFile file = ScriptedBetsFile.gated(dir.resolve("bets.csv"));
        file.failingAppend = 3;
        ActorRef<BetStore.Command> store = spawnStore(file, Map.of());
        TestProbe<Object> replies = testKit.createTestProbe();
        List<Bet> b1 = bets("1", 1);
        List<Bet> b2 = bets("2", 2);
        List<Bet> b4 = bets("4", 4);
        try {
            blockInFirstSync(store, file, new BetStore.StoreBatch(1, decoded(b1), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(1, decoded(b2), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(1, decoded(bets("3", 3)), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(1, decoded(bets("5", 5)), replies.getRef().narrow()));
            store.tell(new BetStore.StoreBatch(2, decoded(b4), replies.getRef().narrow()));
        } finally {
            file.openGate();
        }
        // One sender's replies stay in the order of its batches, the refusals included.
        replies.expectMessage(new BetStore.Stored(1, 1));
        replies.expectMessage(new BetStore.Stored(2, 3));
        assertRefused(ErrorCode.STORAGE_FAILURE, (BetStore.StoreReply) replies.receiveMessage());
        // Agency 1's next batch would be stored behind the hole: refused until its next count.
        assertRefused(ErrorCode.STORAGE_FAILURE, (BetStore.StoreReply) replies.receiveMessage());
        replies.expectMessage(new BetStore.Stored(4, 4));
        assertArrayEquals(concat(concat(ReferenceBetsCsv.rows(1, b1), ReferenceBetsCsv.rows(1, b2)), ReferenceBetsCsv.rows(2, b4)),
                Files.readAllBytes(file.path()), "the refused batch's partial rows are cut out, its neighbours kept");
        assertEquals(3, storedCount(store, 1));
        assertEquals(4, storedCount(store, 2));
        close(store);
    }

    /** What a request that must see the pending group answers, and how to check that answer. */
    private record Flushing(String name, java.util.function.Function<ActorRef<Object>, BetStore.Command> request,
                            java.util.function.Consumer<Object> check) {}

    @Test
    void countsMarksTheDrawAndCloseFlushAPendingGroupFirst() throws Exception {
        List<Bet> first = bets("1", 1);
        List<Bet> second = bets("2", 2);
        List<Flushing> requests = List.of(
                new Flushing("count", ref -> new BetStore.GetStoredCount(1, ref.narrow()),
                        answer -> assertEquals(new BetStore.StoredCount(1, 3), answer)),
                new Flushing("mark", ref -> new BetStore.MarkFinished(1, ref.narrow()),
                        answer -> assertEquals(new BetStore.Marked(1), answer)),
                new Flushing("draw", ref -> new BetStore.Draw(ref.narrow()),
                        answer -> assertEquals(3, assertInstanceOf(BetStore.Drawn.class, answer).betsRead())),
                new Flushing("close", ref -> new BetStore.Close(ref.narrow()),
                        answer -> assertEquals(Done.getInstance(), answer)));
        for (Flushing flushing : requests) {
            Path sub = Files.createDirectory(dir.resolve(flushing.name()));
            ScriptedBetsFile file = ScriptedBetsFile.gated(sub.resolve("bets.csv"));
            ActorRef<BetStore.Command> store = spawnStore(file, BetsFile.open(sub.resolve("all-bets-sent.txt")), Map.of());
            TestProbe<Object> replies = testKit.createTestProbe();
            try {
                blockInFirstSync(store, file, new BetStore.StoreBatch(1, decoded(first), replies.getRef().narrow()));
                store.tell(new BetStore.StoreBatch(1, decoded(second), replies.getRef().narrow()));
                store.tell(flushing.request().apply(replies.getRef()));
            } finally {
                file.openGate();
            }
            replies.expectMessage(new BetStore.Stored(1, 1));
            assertEquals(new BetStore.Stored(2, 3), replies.receiveMessage(), flushing.name());
            flushing.check().accept(replies.receiveMessage());
            assertArrayEquals(concat(ReferenceBetsCsv.rows(1, first), ReferenceBetsCsv.rows(1, second)), Files.readAllBytes(file.path()),
                    flushing.name());
            close(store); // after the CommitPending still queued, which finds nothing to do
            assertEquals(2, file.syncs.get(), flushing.name() + ": the group had one fsync, its own");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
