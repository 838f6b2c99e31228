package tp0.lottery.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real file with a script around every call, for the store's tests: records the call order
 * and the thread that appended, can make the next appends or syncs fail (an append that fails
 * may leave half its bytes, as a full disk does), and can hold every fsync until the test opens
 * its gate, so that whatever is sent meanwhile piles up in the store's mailbox.
 */
public final class ScriptedBetsFile implements BetsFile {
    private final BetsFile real;
    /** "append", "append-partial", "sync" (entered), "sync-failed", "truncate", "close", in order. */
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** Syncs entered, and syncs that reached the disk. */
    public final AtomicInteger syncs = new AtomicInteger();
    public final AtomicInteger completedSyncs = new AtomicInteger();
    /** How many of the next appends fail, each leaving half its bytes written. */
    public final AtomicInteger failNextAppends = new AtomicInteger();
    /** How many of the next syncs fail. */
    public final AtomicInteger failNextSyncs = new AtomicInteger();
    /** The (1-based) append that fails, leaving half its bytes written; 0: none. */
    public volatile int failingAppend;
    /** The (1-based) sync that fails; 0: none. */
    public volatile int failingSync;
    /** Counted down when the first sync starts. */
    public final CountDownLatch syncEntered = new CountDownLatch(1);
    private final CountDownLatch gate;
    private final AtomicInteger appends = new AtomicInteger();
    private volatile String appendThread;

    private ScriptedBetsFile(BetsFile real, boolean gated) {
        this.real = real;
        this.gate = new CountDownLatch(gated ? 1 : 0);
    }

    /** The file at {@code path}, every call passing straight through (until a test scripts a failure). */
    public static ScriptedBetsFile open(Path path) throws IOException {
        return new ScriptedBetsFile(BetsFile.open(path), false);
    }

    /** The same, with every fsync held until {@link #openGate()}. */
    public static ScriptedBetsFile gated(Path path) throws IOException {
        return gated(BetsFile.open(path));
    }

    /** {@code real} with every fsync held until {@link #openGate()}. */
    public static ScriptedBetsFile gated(BetsFile real) {
        return new ScriptedBetsFile(real, true);
    }

    public void openGate() {
        gate.countDown();
    }

    /** The name of the thread that last appended (the store must block on its own dispatcher). */
    public String appendThread() {
        return appendThread;
    }

    public long count(String call) {
        synchronized (calls) {
            return calls.stream().filter(call::equals).count();
        }
    }

    @Override
    public Path path() {
        return real.path();
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public void append(byte[] bytes) throws IOException {
        appendThread = Thread.currentThread().getName();
        int n = appends.incrementAndGet();
        if (n == failingAppend || failNextAppends.getAndUpdate(k -> Math.max(0, k - 1)) > 0) {
            calls.add("append-partial");
            real.append(Arrays.copyOf(bytes, bytes.length / 2));
            throw new IOException("disk full (simulated)");
        }
        calls.add("append");
        real.append(bytes);
    }

    @Override
    public void sync() throws IOException {
        calls.add("sync");
        int n = syncs.incrementAndGet();
        syncEntered.countDown();
        try {
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IOException("test never opened the gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (n == failingSync || failNextSyncs.getAndUpdate(k -> Math.max(0, k - 1)) > 0) {
            calls.add("sync-failed");
            throw new IOException("fsync failed (simulated)");
        }
        real.sync();
        completedSyncs.incrementAndGet();
    }

    @Override
    public void truncate(long size) throws IOException {
        calls.add("truncate");
        real.truncate(size);
    }

    @Override
    public void close() throws IOException {
        calls.add("close");
        real.close();
    }
}
