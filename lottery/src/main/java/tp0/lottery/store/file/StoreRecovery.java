package tp0.lottery.store.file;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.OpenedStore;

/**
 * What the server does with its files at start, before the actor system exists: cut off a
 * row torn by a crash mid-write, count what each agency has stored, read the "all bets sent"
 * marks, and open both files for appending.
 *
 * A torn tail can only belong to a batch (or mark) that was never acknowledged, since an
 * acknowledgement waits for the fsync of the whole write. Rows before it that did reach the
 * disk stay and are counted: the agency's Welcome tells it to resume after them, so nothing
 * is stored twice.
 */
public final class StoreRecovery {
    private static final Logger log = LoggerFactory.getLogger(StoreRecovery.class);

    /** The store's files, open, and what they held at start. */
    public record Recovered(BetsFile bets, BetsFile finishMarks, Map<Integer, Long> storedByAgency,
                            Set<Integer> finished) implements OpenedStore {
        @Override
        public Behavior<BetStore.Command> behavior(boolean groupCommit, LotteryMetrics metrics) {
            return BetStore.create(new FileBackend(bets, finishMarks), storedByAgency, groupCommit, metrics);
        }

        /** The files stay open for appending; a read-only or removed file is what can go wrong. */
        @Override
        public Optional<String> cannotWrite() {
            for (BetsFile file : new BetsFile[] {bets, finishMarks}) {
                if (!Files.isWritable(file.path())) {
                    return Optional.of(file.path().getFileName() + " is not writable");
                }
            }
            return Optional.empty();
        }

        @Override
        public long storedBets() {
            return storedByAgency.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private StoreRecovery() {}

    /**
     * @throws IOException when a file cannot be repaired, opened or read (the server must not start)
     */
    public static Recovered recover(Path betsPath, Path marksPath, int numAgencies) throws IOException {
        long torn = cutTornTail(betsPath);
        if (torn > 0) {
            log.info(LogLine.success("bets_file", "recovered_bytes", torn, "path", betsPath));
        }
        torn = cutTornTail(marksPath);
        if (torn > 0) {
            log.info(LogLine.success("all_bets_sent_file", "recovered_bytes", torn, "path", marksPath));
        }
        FinishMarks.Loaded marks = FinishMarks.read(marksPath, numAgencies);
        for (String ignored : marks.ignored()) {
            log.warn(LogLine.fail("all_bets_sent_file", "path", marksPath, "error", ignored + " (ignored)"));
        }

        BetsFile bets = BetsFile.open(betsPath);
        try {
            Map<Integer, Long> counts = FileBackend.countByAgency(bets);
            warnOfUnknownAgencies(counts, numAgencies, betsPath);
            Set<Integer> finished = checkMarks(marks, counts, marksPath);
            if (!finished.isEmpty()) {
                log.info(LogLine.success("all_bets_sent_file", "path", marksPath, "agencias_finalizadas",
                        finished.stream().sorted().map(String::valueOf).collect(Collectors.joining(","))));
            }
            return new Recovered(bets, BetsFile.open(marksPath), counts, finished);
        } catch (IOException e) {
            bets.close();
            throw e;
        }
    }

    /**
     * An agency marked finished must still have in bets.csv every bet it had when it was marked:
     * those were all acknowledged. If some are gone (a cut tail that was a whole acknowledged
     * row missing its line end, a file restored from an older copy), keeping the mark would
     * shut that agency out for good (its batches refused, the draw held without them). So the
     * mark is removed, loudly: the agency resends what is missing on its next run (its Welcome
     * says where to resume) and declares again, and the draw waits for it.
     *
     * @return the agencies still finished
     */
    private static Set<Integer> checkMarks(FinishMarks.Loaded marks, Map<Integer, Long> counts, Path marksPath)
            throws IOException {
        Set<Integer> finished = new TreeSet<>(marks.agencies());
        for (Map.Entry<Integer, Long> mark : new TreeMap<>(marks.counts()).entrySet()) {
            long stored = counts.getOrDefault(mark.getKey(), 0L);
            if (stored < mark.getValue()) {
                log.error(LogLine.fail("all_bets_sent_file", "agencia", mark.getKey(), "marked_bets", mark.getValue(),
                        "stored_bets", stored, "path", marksPath, "error", "acknowledged bets of this agency are "
                                + "missing from bets.csv; its mark is removed: run the agency again to resend them"));
                finished.remove(mark.getKey());
            }
        }
        if (finished.size() < marks.agencies().size()) {
            Map<Integer, Long> keptCounts = new HashMap<>(marks.counts());
            keptCounts.keySet().retainAll(finished);
            FinishMarks.rewrite(marksPath, finished, keptCounts);
        }
        return finished;
    }

    /** Rows of agencies outside 1..N are kept, but no agency can ever ask for their winners. */
    private static void warnOfUnknownAgencies(Map<Integer, Long> counts, int numAgencies, Path betsPath) {
        List<Integer> unknown = counts.keySet().stream().filter(a -> a < 1 || a > numAgencies).sorted().toList();
        if (!unknown.isEmpty()) {
            long rows = unknown.stream().mapToLong(counts::get).sum();
            log.warn(LogLine.fail("bets_file", "path", betsPath, "agencias_desconocidas",
                    unknown.stream().map(String::valueOf).collect(Collectors.joining(",")), "apuestas", rows,
                    "error", "rows of agencies outside 1.." + numAgencies + " are kept but never drawn for anyone"));
        }
    }

    /**
     * Cuts off any bytes after the file's last {@code '\n'} (all of it if it has none) and
     * makes the new length durable. Every row and mark is written ending in {@code '\n'}, so
     * such bytes are what a crash mid-write leaves. A missing file is left missing.
     *
     * @return how many bytes were cut off (0: the file was clean)
     */
    public static long cutTornTail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long keep = endOfLastLine(channel, size);
            if (keep == size) {
                return 0;
            }
            channel.truncate(keep);
            channel.force(true); // the length is metadata: force(true) makes the cut itself durable
            return size - keep;
        }
    }

    /** Position just after the last '\n', or 0. Reads backwards, so a clean file costs one block. */
    private static long endOfLastLine(FileChannel channel, long size) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(8192);
        long start = size;
        while (start > 0) {
            int length = (int) Math.min(block.capacity(), start);
            start -= length;
            block.clear().limit(length);
            while (block.hasRemaining()) {
                if (channel.read(block, start + block.position()) < 0) {
                    throw new EOFException("file shrank while being read");
                }
            }
            for (int i = length - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return start + i + 1;
                }
            }
        }
        return 0;
    }
}
