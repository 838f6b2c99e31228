package tp0.agency.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import tp0.agency.AgencyFailure;
import tp0.agency.config.DurationText;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Frame;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * The agency's end of one connection: whole messages in and out, for the step
 * ({@code action}) under way. A broken connection — and an Error that only means "come back
 * later" — is a {@link ConnectionLost}, to reconnect from; any other Error, or a frame that
 * breaks the protocol, is an {@link AgencyFailure}.
 *
 * <p>Liveness. No wait for the server is unbounded: while it waits for a frame, the agency
 * sends a Ping whenever it has written nothing for the ping interval (a third of the read
 * timeout, at most {@link Protocol#MAX_PING_INTERVAL_MILLIS}), so the server, which answers
 * each with a Pong, hears from it and it from the server; a server silent for the whole read
 * timeout — a dead link that closes nothing, a frozen host — makes the connection lost. A
 * write the server does not take for the read timeout (it stopped reading, or the link went
 * dark with our send buffer full) is cut by a watchdog thread, which closes the socket. The
 * hot path pays nothing per batch: an ack already here is read without a timer, and the
 * write clock is read once per socket write (up to 64 KiB), not per frame.
 */
public final class ServerConnection implements AutoCloseable {
    /**
     * Refusals about the moment, not about us: a previous connection of ours the server has
     * not yet noticed is gone, its connection limit, a restart under way, a frame of ours
     * a stall cut short, or a newer connection of this agency taking our session over (our
     * own after a loss, which we have left already; or a peer posing as us, which must not
     * keep us out), or its store (a database restarting) unable to answer. Reconnecting later
     * fixes each of them; with several nodes, to the next one unless the refusal is about our
     * session ({@link ConnectionLost#triesAnotherNode}).
     */
    static final Set<ErrorCode> RETRY_LATER = EnumSet.of(ErrorCode.SESSION_ACTIVE, ErrorCode.TOO_MANY_CONNECTIONS,
            ErrorCode.SHUTTING_DOWN, ErrorCode.FRAME_TIMEOUT, ErrorCode.TAKEN_OVER,
            ErrorCode.STORAGE_FAILURE);

    /**
     * Frames written before a flush: batches are coalesced into writes of up to this many
     * bytes (a syscall per 8 KiB frame cost the agency more CPU than reading its file), and
     * everything buffered is flushed before any wait for the server.
     */
    static final int WRITE_BUFFER_BYTES = 8 * Frame.MAX_FRAME_BYTES;

    private static final byte[] PING = Codec.encode(Message.Ping.INSTANCE);

    private final Socket socket;
    private final WatchedOutput watched;
    private final OutputStream out;
    private final BufferedInputStream in;
    private final FrameReader frames;
    private final Duration readTimeout;
    private final long readTimeoutNanos;
    private final long pingIntervalNanos;
    private final Thread watchdog;
    private volatile boolean closed;
    /** The watchdog closed the socket under a write the server did not take. */
    private volatile boolean stalled;

    public ServerConnection(Socket socket, Duration readTimeout) throws IOException {
        this.socket = socket;
        this.readTimeout = readTimeout;
        this.readTimeoutNanos = readTimeout.toNanos();
        this.pingIntervalNanos = pingInterval(readTimeout).toNanos();
        this.watched = new WatchedOutput(socket.getOutputStream());
        this.out = new BufferedOutputStream(watched, WRITE_BUFFER_BYTES);
        this.in = new BufferedInputStream(socket.getInputStream(), Frame.MAX_FRAME_BYTES);
        this.frames = new FrameReader(in);
        socket.setSoTimeout(timeoutMillis(readTimeoutNanos)); // the rest of a frame once its first byte is here
        this.watchdog = new Thread(this::watchWrites, "agency-write-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** How long the agency may go without writing while it waits: a third of the read timeout, at most 5 s. */
    static Duration pingInterval(Duration readTimeout) {
        Duration third = readTimeout.dividedBy(3);
        Duration max = Duration.ofMillis(Protocol.MAX_PING_INTERVAL_MILLIS);
        return third.isZero() ? Duration.ofMillis(1) : third.compareTo(max) < 0 ? third : max;
    }

    /** Writes and flushes: a frame is never left sitting in the buffer while we wait for a reply. */
    public void send(Message message, String action) throws ConnectionLost {
        try {
            out.write(Codec.encode(message));
            out.flush();
        } catch (IOException e) {
            throw lost(action, e);
        }
    }

    /**
     * Queues the BetBatch frame built in {@code batch}: it goes out with the next frames that
     * fill the write buffer, or at the latest before the next {@link #receive} (or an explicit
     * {@link #flush}). Once this returns, {@code batch} may be reused.
     */
    public void sendBatch(BetBatchWriter batch, String action) throws ConnectionLost {
        try {
            out.write(batch.frame(), 0, batch.size());
        } catch (IOException e) {
            throw lost(action, e);
        }
    }

    /** Puts every queued frame on the wire. */
    public void flush(String action) throws ConnectionLost {
        try {
            out.flush();
        } catch (IOException e) {
            throw lost(action, e);
        }
    }

    /**
     * Whether bytes from the server are already here, so {@link #receive} would not wait
     * for the server (at most for the rest of a frame it is sending). An error says false:
     * the next receive reports it.
     */
    public boolean hasInput() {
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The next message (Pongs are taken in passing). Waits as long as the server keeps
     * answering our Pings — the draw waits for every agency — but no longer than the read
     * timeout of silence.
     */
    public Message receive(String action) throws AgencyFailure, ConnectionLost {
        return receive(action, readTimeoutNanos);
    }

    /** As {@link #receive(String)}, with the server silent at most {@code millis} (a handshake's attempt). */
    public Message receiveWithin(String action, long millis) throws AgencyFailure, ConnectionLost {
        return receive(action, TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /**
     * As {@link #receiveWithin(String, long)}, but also no longer than {@code totalMillis} in all,
     * Pongs or not: a handshake the server bounds (it answers a Hello within
     * {@link tp0.protocol.Protocol#SERVER_HELLO_BOUND}) is not waited for forever.
     */
    public Message receiveWithin(String action, long silenceMillis, long totalMillis) throws AgencyFailure, ConnectionLost {
        return receive(action, TimeUnit.MILLISECONDS.toNanos(silenceMillis), TimeUnit.MILLISECONDS.toNanos(totalMillis));
    }

    private Message receive(String action, long silenceNanos) throws AgencyFailure, ConnectionLost {
        return receive(action, silenceNanos, Long.MAX_VALUE);
    }

    private Message receive(String action, long silenceNanos, long totalNanos) throws AgencyFailure, ConnectionLost {
        flush(action); // never wait for a reply to a frame still in our buffer
        long start = System.nanoTime();
        while (true) {
            Message message;
            try {
                long left = totalNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    throw new ConnectionLost(action, "no answer in "
                            + DurationText.format(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(totalNanos)))
                            + " though the server answered our Pings");
                }
                // A short wait (a handshake at the end of the window) pings sooner: a live server's
                // Pong must be able to arrive within it.
                long pingEvery = Math.min(pingIntervalNanos, Math.max(1, silenceNanos / 3));
                if (!awaitInput(action, Math.min(silenceNanos, left), pingEvery)) {
                    throw new ConnectionLost(action, "server closed the connection");
                }
                message = frames.read();
            } catch (DecodeException e) {
                throw AgencyFailure.badFrame(action, e);
            } catch (SocketTimeoutException e) {
                throw new ConnectionLost(action, "the server stopped in the middle of a frame for "
                        + DurationText.format(readTimeout));
            } catch (SSLException e) {
                AgencyFailure refused = TlsLink.verdict(socket.getInetAddress().getHostAddress() + ":" + socket.getPort(), e);
                if (refused != null) {
                    throw refused; // e.g. the server did not accept our certificate (told after our handshake)
                }
                throw lost(action, e);
            } catch (IOException e) {
                throw lost(action, e);
            }
            if (message == null) {
                throw new ConnectionLost(action, "server closed the connection");
            }
            if (message == Message.Pong.INSTANCE) {
                continue; // the server is there; what we wait for is still to come
            }
            if (message instanceof Message.Error error) {
                if (RETRY_LATER.contains(error.code())) {
                    throw new ConnectionLost(action, error.code() + ": " + error.text(), error.code());
                }
                throw AgencyFailure.serverError(action, error);
            }
            return message;
        }
    }

    /**
     * Returns once a byte from the server is here (false: it closed the connection), sending a
     * Ping whenever we have written nothing for the ping interval meanwhile.
     *
     * @throws ConnectionLost when the server stays silent for {@code silenceNanos}
     */
    private boolean awaitInput(String action, long silenceNanos, long pingEveryNanos) throws IOException, ConnectionLost {
        if (in.available() > 0) {
            return true; // the usual case while batches stream: no timer, no syscall for it
        }
        long start = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long silent = now - start;
            if (silent >= silenceNanos) {
                throw new ConnectionLost(action, "no frame from the server in "
                        + DurationText.format(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(silenceNanos))));
            }
            long untilPing = watched.lastWriteNanos + pingEveryNanos - now;
            if (untilPing <= 0) {
                out.write(PING);
                out.flush();
                untilPing = pingEveryNanos;
            }
            socket.setSoTimeout(timeoutMillis(Math.min(untilPing, silenceNanos - silent)));
            try {
                in.mark(1);
                if (in.read() < 0) {
                    return false;
                }
                in.reset();
                return true;
            } catch (SocketTimeoutException quiet) {
                // Nothing consumed: ping, or give up, and wait again.
            } finally {
                if (!socket.isClosed()) { // a TLS alert closes it: what the read threw says why
                    socket.setSoTimeout(timeoutMillis(readTimeoutNanos));
                }
            }
        }
    }

    private static int timeoutMillis(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
    }

    private ConnectionLost lost(String action, IOException e) {
        if (stalled) {
            return new ConnectionLost(action, "the server took none of our data for " + DurationText.format(readTimeout));
        }
        return new ConnectionLost(action, IoErrors.describe(e));
    }

    /**
     * The watchdog: a socket write that has not returned after the read timeout will not; the
     * socket is closed, which makes the write fail (and the connection count as lost).
     */
    private void watchWrites() {
        long tick = Math.max(1, TimeUnit.NANOSECONDS.toMillis(pingIntervalNanos));
        while (!closed) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return; // closed
            }
            long since = watched.writingSince;
            if (since != 0 && System.nanoTime() - since > readTimeoutNanos && !closed) {
                stalled = true;
                closeSocket();
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        closeSocket();
    }

    private void closeSocket() {
        try {
            if (socket instanceof javax.net.ssl.SSLSocket && !socket.isClosed()) {
                // Closing TLS sends close_notify and then waits, up to the read timeout, for the
                // server's: on a dead link that would delay the reconnection by a whole timeout.
                socket.setSoTimeout(1);
            }
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to tell the server.
        }
    }

    /** The socket's output, noting when a write started (for the watchdog) and when the last one did. */
    private static final class WatchedOutput extends FilterOutputStream {
        /** {@code System.nanoTime()} when the write under way began; 0 when none is. */
        volatile long writingSince;
        /** When the last write began; read and written by the agency's thread only. */
        long lastWriteNanos = System.nanoTime();

        WatchedOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            long now = System.nanoTime() | 1; // never 0, which means "not writing"
            lastWriteNanos = now;
            writingSince = now;
            try {
                out.write(b, off, len);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }
}
