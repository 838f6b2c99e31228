package tp0.lottery.store.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.BetsCsv;
import tp0.lottery.store.BetsCsvScanner;
import tp0.lottery.store.StoreBackend;
import tp0.protocol.Message;

/**
 * The bets in {@code bets.csv} and the marks in {@code all-bets-sent.txt}, both append-only. A
 * group is the rows written since the last fsync; its commit is one fsync, and a failed fsync
 * cuts the file back to before the group. This server is the files' only writer, so the counts
 * are the ones the store keeps.
 */
public final class FileBackend implements StoreBackend {
    private static final Logger log = LoggerFactory.getLogger(FileBackend.class);

    private final FileAppender bets;
    private final FileAppender marks;
    /** Reused for every batch's rows. */
    private final BetsCsv.RowBuffer rows = new BetsCsv.RowBuffer(16 * 1024);
    private boolean closed;

    /**
     * @param bets  bets.csv, open for appending
     * @param marks all-bets-sent.txt, open for appending
     */
    public FileBackend(BetsFile bets, BetsFile marks) {
        this.bets = new FileAppender(bets, "bets_file", log);
        this.marks = new FileAppender(marks, "all_bets_sent_file", log);
    }

    /** Writes the batch's rows now; they are durable once {@link #commit} fsyncs them. */
    @Override
    public void append(int agency, long storedBefore, Message.BetBatch batch) throws StoreFailure {
        rows.clear();
        rows.append(agency, batch);
        try {
            bets.append(rows.array(), rows.length());
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public Map<Integer, BetStore.Refused> commit() throws StoreFailure {
        try {
            bets.sync();
            return Map.of();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * What the store has committed: a crash before a group's fsync loses its rows and, since a
     * restarted server counts from the file, the count with them.
     */
    @Override
    public long storedCount(int agency, long known) {
        return known;
    }

    @Override
    public void markFinished(int agency, long stored) throws StoreFailure {
        try {
            marks.appendDurably(FinishMarks.line(agency, stored));
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public BetStore.Drawn draw() throws StoreFailure {
        try {
            return draw(bets.path());
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** A file that failed now fails again: the draw is not retried. */
    @Override
    public Duration drawRetry() {
        return Duration.ZERO;
    }

    @Override
    public Object[] location(String error) {
        return new Object[] {"path", bets.path(), "error", error};
    }

    @Override
    public String afterGap(int agency) {
        return "an earlier batch of this agency was not stored; resume from the stored count";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        bets.close();
        marks.close();
    }

    private static StoreFailure failure(IOException e) {
        return new StoreFailure(String.valueOf(e.getMessage()), e);
    }

    /**
     * The draw over {@code file}: every agency's winners, in file order. One streaming pass with
     * no object per row (only a winner's document becomes a String), so memory stays flat
     * however many bets the file holds.
     */
    public static BetStore.Drawn draw(Path file) throws IOException {
        Map<Integer, List<String>> winners = new HashMap<>();
        long read = BetsCsvScanner.scan(file, (agency, buf, docOff, docLen, number) -> {
            if (BetsCsv.hasWon(number)) {
                winners.computeIfAbsent(agency, a -> new ArrayList<>())
                        .add(new String(buf, docOff, docLen, StandardCharsets.UTF_8));
            }
        });
        return new BetStore.Drawn(winners, read);
    }

    /**
     * Per-agency counts of what is already in the file: where a restarted server resumes. One
     * streaming pass ({@link BetsCsvScanner}) with no object per row.
     */
    public static Map<Integer, Long> countByAgency(BetsFile file) throws IOException {
        Map<Integer, long[]> counts = new HashMap<>();
        BetsCsvScanner.scan(file.path(), new BetsCsvScanner.RowSink() {
            // Rows come in runs of one agency (a batch, often many): look its counter up once per run.
            private int runAgency;
            private long[] run;

            @Override
            public void row(int agency, byte[] buf, int docOff, int docLen, int number) {
                if (run == null || agency != runAgency) {
                    run = counts.computeIfAbsent(agency, a -> new long[1]);
                    runAgency = agency;
                }
                run[0]++;
            }
        });
        Map<Integer, Long> result = new HashMap<>();
        counts.forEach((agency, count) -> result.put(agency, count[0]));
        return result;
    }
}
