package tp0.e2e;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Connections a test holds open on purpose (idle peers, a full cap), closed together when it ends. */
final class HeldSockets implements AutoCloseable {
    private final List<Socket> sockets = new ArrayList<>();

    void add(Socket socket) {
        sockets.add(socket);
    }

    List<Socket> all() {
        return List.copyOf(sockets);
    }

    @Override
    public void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
