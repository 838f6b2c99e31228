package tp0.agency;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stop request shared by the signal handler and the main flow. The handler only asks
 * (and closes the watched socket, which unblocks a read or connect); the main thread
 * notices, cleans up, logs and exits. So only one thread ever decides the exit status.
 */
public final class StopSignal {
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch requested = new CountDownLatch(1);
    private Closeable watched; // guarded by this

    /**
     * Requests the stop. Only the first request counts: it runs {@code announce} (so the
     * reason is logged before the flow reacts) and returns true; later ones return false.
     */
    public boolean request(Runnable announce) {
        if (!claimed.compareAndSet(false, true)) {
            return false;
        }
        announce.run();
        requested.countDown();
        Closeable toClose;
        synchronized (this) {
            toClose = watched;
            watched = null;
        }
        closeQuietly(toClose);
        return true;
    }

    public boolean request() {
        return request(() -> { });
    }

    public boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** Unwinds the flow at this check if a stop was requested. */
    public void throwIfRequested() throws StopRequested {
        if (isRequested()) {
            throw new StopRequested();
        }
    }

    /** Closes {@code resource} when a stop is requested (now, if it already was). */
    public void closeOnStop(Closeable resource) {
        synchronized (this) {
            if (!isRequested()) {
                watched = resource;
                return;
            }
        }
        closeQuietly(resource);
    }

    /** Sleeps up to {@code millis}, waking early on a stop; true when stopped. */
    public boolean sleepUnlessStopped(long millis) {
        try {
            return requested.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true; // being interrupted is a request to stop too
        }
    }

    private static void closeQuietly(Closeable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (IOException ignored) {
            // We are stopping; the resource is being abandoned either way.
        }
    }
}
