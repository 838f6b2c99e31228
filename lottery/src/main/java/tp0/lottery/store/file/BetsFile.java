package tp0.lottery.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * An append-only file behind the store: {@code bets.csv}, and {@code all-bets-sent.txt} (same
 * needs: append, fsync, cut back a failed append). An interface so tests can watch (or break)
 * the write → sync order the store promises; {@link #open} is the real one.
 */
public interface BetsFile extends AutoCloseable {

    /** Where the lines live, for reading them back (bets at draw time). */
    Path path();

    /** Current length in bytes. */
    long size() throws IOException;

    /** Appends all of {@code bytes} at the end. May leave a prefix written if it throws. */
    void append(byte[] bytes) throws IOException;

    /**
     * Appends {@code bytes[offset, offset + length)}, so a reused buffer needs no copy. The real
     * file writes straight from the array; this default (for test doubles) copies the slice.
     */
    default void append(byte[] bytes, int offset, int length) throws IOException {
        append(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Makes everything appended so far durable (fsync). */
    void sync() throws IOException;

    /** Cuts the file back to {@code size} bytes: how a failed append is undone. */
    void truncate(long size) throws IOException;

    @Override
    void close() throws IOException;

    static BetsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        channel.position(channel.size());
        return new BetsFile() {
            @Override
            public Path path() {
                return path;
            }

            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void append(byte[] bytes) throws IOException {
                append(bytes, 0, bytes.length);
            }

            @Override
            public void append(byte[] bytes, int offset, int length) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(bytes, offset, length);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }

            @Override
            public void sync() throws IOException {
                channel.force(false);
            }

            @Override
            public void truncate(long size) throws IOException {
                channel.truncate(size);
                channel.position(size);
            }

            @Override
            public void close() throws IOException {
                if (channel.isOpen()) {
                    channel.force(false);
                    channel.close();
                }
            }
        };
    }
}
