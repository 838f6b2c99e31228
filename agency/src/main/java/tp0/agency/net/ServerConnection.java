package tp0.agency.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import tp0.agency.AgencyFailure;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.Frame;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;

/**
 * The agency's end of one connection: whole messages in and out, with every way it can
 * go wrong turned into an {@link AgencyFailure} for the step ({@code action}) that was
 * under way. An Error message from the server is always a failure, so it is raised here.
 */
public final class ServerConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final FrameReader frames;

    public ServerConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), Frame.MAX_FRAME_BYTES);
        this.frames = new FrameReader(new BufferedInputStream(socket.getInputStream(), Frame.MAX_FRAME_BYTES));
    }

    /** Writes and flushes: a frame is never left sitting in the buffer while we wait for a reply. */
    public void send(Message message, String action) throws AgencyFailure {
        try {
            out.write(Codec.encode(message));
            out.flush();
        } catch (IOException e) {
            throw AgencyFailure.connectionLost(action, e);
        }
    }

    /** The next message; blocks as long as it takes (the draw waits for every agency). */
    public Message receive(String action) throws AgencyFailure {
        Message message;
        try {
            message = frames.read();
        } catch (DecodeException e) {
            throw AgencyFailure.badFrame(action, e);
        } catch (IOException e) {
            throw AgencyFailure.connectionLost(action, e);
        }
        if (message == null) {
            throw AgencyFailure.connectionLost(action, "server closed the connection");
        }
        if (message instanceof Message.Error error) {
            throw AgencyFailure.serverError(action, error);
        }
        return message;
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
