package tp0.net;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;

/**
 * TCP keepalive for both ends of the agency link, with short probe times where the OS lets a
 * socket set them (Linux, macOS): a peer whose host vanished without a FIN or RST (power cut,
 * dead NAT entry) is noticed by the kernel after {@link #IDLE_SECONDS} +
 * {@link #PROBES} × {@link #INTERVAL_SECONDS} of silence instead of the system's two hours. A
 * backstop under the protocol's heartbeat, which notices a silent peer sooner.
 *
 * The probe options are {@code jdk.net.ExtendedSocketOptions}, found here by name among the
 * socket's supported options: a slim runtime without the {@code jdk.net} module (a jlinked
 * image) then simply keeps the system's probe times instead of failing to load the class.
 */
public final class TcpKeepAlive {
    public static final int IDLE_SECONDS = 30;
    public static final int INTERVAL_SECONDS = 10;
    public static final int PROBES = 3;

    private TcpKeepAlive() {}

    /** Turns keepalive on; a socket that refuses any of it still works. */
    public static void enable(Socket socket) {
        try {
            socket.setKeepAlive(true);
            for (SocketOption<?> option : socket.supportedOptions()) {
                switch (option.name()) {
                    case "TCP_KEEPIDLE" -> setInt(socket, option, IDLE_SECONDS);
                    case "TCP_KEEPINTERVAL" -> setInt(socket, option, INTERVAL_SECONDS);
                    case "TCP_KEEPCOUNT" -> setInt(socket, option, PROBES);
                    default -> { }
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // A backstop only: the connection works without it, and the heartbeat still runs.
        }
    }

    @SuppressWarnings("unchecked")
    private static void setInt(Socket socket, SocketOption<?> option, int value) throws IOException {
        if (option.type() == Integer.class) {
            socket.setOption((SocketOption<Integer>) option, value);
        }
    }
}
