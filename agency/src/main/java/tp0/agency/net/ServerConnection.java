package tp0.agency.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.EnumSet;
import java.util.Set;
import tp0.agency.AgencyFailure;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Frame;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;

/**
 * The agency's end of one connection: whole messages in and out, for the step
 * ({@code action}) under way. A broken connection — and an Error that only means "come back
 * later" — is a {@link ConnectionLost}, to reconnect from; any other Error, or a frame that
 * breaks the protocol, is an {@link AgencyFailure}.
 */
public final class ServerConnection implements AutoCloseable {
    /**
     * Refusals about the moment, not about us: a previous connection of ours the server has
     * not yet noticed is gone, its connection limit, a restart under way, or a frame of ours
     * a stall cut short, its store (a database restarting) unable to answer. Reconnecting
     * later fixes each of them.
     */
    static final Set<ErrorCode> RETRY_LATER = EnumSet.of(ErrorCode.SESSION_ACTIVE, ErrorCode.TOO_MANY_CONNECTIONS,
            ErrorCode.SHUTTING_DOWN, ErrorCode.FRAME_TIMEOUT, ErrorCode.STORAGE_FAILURE);

    /**
     * Frames written before a flush: batches are coalesced into writes of up to this many
     * bytes (a syscall per 8 KiB frame cost the agency more CPU than reading its file), and
     * everything buffered is flushed before any wait for the server.
     */
    static final int WRITE_BUFFER_BYTES = 8 * Frame.MAX_FRAME_BYTES;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final FrameReader frames;

    public ServerConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), WRITE_BUFFER_BYTES);
        this.in = new BufferedInputStream(socket.getInputStream(), Frame.MAX_FRAME_BYTES);
        this.frames = new FrameReader(in);
    }

    /** Writes and flushes: a frame is never left sitting in the buffer while we wait for a reply. */
    public void send(Message message, String action) throws ConnectionLost {
        try {
            out.write(Codec.encode(message));
            out.flush();
        } catch (IOException e) {
            throw new ConnectionLost(action, IoErrors.describe(e));
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
            throw new ConnectionLost(action, IoErrors.describe(e));
        }
    }

    /** Puts every queued frame on the wire. */
    public void flush(String action) throws ConnectionLost {
        try {
            out.flush();
        } catch (IOException e) {
            throw new ConnectionLost(action, IoErrors.describe(e));
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
     * The next message. Blocks as long as it takes (the draw waits for every agency) unless
     * a read timeout is set.
     */
    public Message receive(String action) throws AgencyFailure, ConnectionLost {
        flush(action); // never wait for a reply to a frame still in our buffer
        Message message;
        try {
            message = frames.read();
        } catch (DecodeException e) {
            throw AgencyFailure.badFrame(action, e);
        } catch (IOException e) {
            throw new ConnectionLost(action, IoErrors.describe(e));
        }
        if (message == null) {
            throw new ConnectionLost(action, "server closed the connection");
        }
        if (message instanceof Message.Error error) {
            if (RETRY_LATER.contains(error.code())) {
                throw new ConnectionLost(action, error.code() + ": " + error.text());
            }
            throw AgencyFailure.serverError(action, error);
        }
        return message;
    }

    /** Bounds each later {@link #receive} to {@code millis}; 0 waits forever. */
    public void setReadTimeout(long millis, String action) throws ConnectionLost {
        try {
            socket.setSoTimeout((int) Math.min(millis, Integer.MAX_VALUE));
        } catch (IOException e) {
            throw new ConnectionLost(action, IoErrors.describe(e));
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to tell the server.
        }
    }
}
