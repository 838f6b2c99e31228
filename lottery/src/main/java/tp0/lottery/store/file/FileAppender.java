package tp0.lottery.store.file;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import tp0.logline.LogLine;

/**
 * One append-only file: whole-or-nothing appends, fsyncs that cut back what they could not
 * make durable, and the memory of a failure that left it with a partial write (after which
 * nothing more may be appended to it).
 */
final class FileAppender {
    private final BetsFile file;
    private final String resource;
    private final Logger log;
    /** Set when a failed append could not be cut back out: the file's end is no longer trusted. */
    private String broken;
    /** Something was appended since the last fsync. */
    private boolean dirty;
    /** The length the last fsync made durable; meaningful while {@link #dirty}. */
    private long durableSize;
    /**
     * The file's length as this appender left it, or -1 when unknown (at first): kept, so
     * an append needs no call to the OS to learn where it starts.
     */
    private long size = -1;

    /** @param resource the file's name in log lines ({@code bets_file}, {@code all_bets_sent_file}) */
    FileAppender(BetsFile file, String resource, Logger log) {
        this.file = file;
        this.resource = resource;
        this.log = log;
    }

    Path path() {
        return file.path();
    }

    /** Write, then fsync; on any failure cut the file back so no partial write remains. */
    void appendDurably(byte[] bytes) throws IOException {
        append(bytes, bytes.length);
        sync();
    }

    /**
     * Writes {@code bytes[0, length)}, not yet durable (see {@link #sync}). On failure cuts
     * the file back to before this append, so earlier unsynced appends stay intact.
     */
    void append(byte[] bytes, int length) throws IOException {
        if (broken != null) {
            throw new IOException(broken);
        }
        long before = size >= 0 ? size : file.size();
        if (!dirty) {
            durableSize = before;
        }
        try {
            size = -1; // unknown until the append is whole or cut back
            file.append(bytes, 0, length);
            size = before + length;
            dirty = true;
        } catch (IOException e) {
            cutBack(before, e);
            throw e;
        }
    }

    /** Makes every append so far durable; on failure cuts them all back out. */
    void sync() throws IOException {
        if (!dirty) {
            return;
        }
        try {
            file.sync();
            dirty = false;
        } catch (IOException e) {
            // The kernel may have dropped the unsynced pages: trust nothing after the last good fsync.
            cutBack(durableSize, e);
            dirty = false;
            throw e;
        }
    }

    private void cutBack(long size, IOException cause) {
        try {
            file.truncate(size);
            this.size = size;
            file.sync();
        } catch (IOException undo) {
            this.size = -1;
            cause.addSuppressed(undo);
            // Appending after a partial row would corrupt every later row: refuse all from now on.
            broken = resource + " left with a partial write: " + undo.getMessage();
            log.error(LogLine.fail(resource, "path", file.path(), "error", broken));
        }
    }

    void close() {
        try {
            file.close();
            log.info(LogLine.success("shutdown", "resource", resource, "path", file.path()));
        } catch (IOException e) {
            log.error(LogLine.fail("shutdown", "resource", resource, "error", e.getMessage()));
        }
    }
}
