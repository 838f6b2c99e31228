package tp0.lottery.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;

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
        public Behavior<BetStore.Command> behavior(boolean groupCommit) {
            return BetStore.create(bets, finishMarks, storedByAgency, groupCommit);
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
        if (!marks.agencies().isEmpty()) {
            log.info(LogLine.success("all_bets_sent_file", "path", marksPath, "agencias_finalizadas",
                    marks.agencies().stream().sorted().map(String::valueOf).collect(Collectors.joining(","))));
        }

        BetsFile bets = BetsFile.open(betsPath);
        try {
            Map<Integer, Long> counts = BetStore.countByAgency(bets);
            return new Recovered(bets, BetsFile.open(marksPath), counts, marks.agencies());
        } catch (IOException e) {
            bets.close();
            throw e;
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
