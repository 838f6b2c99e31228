package tp0.lottery.net;

import java.io.IOException;
import java.net.Socket;
import jdk.net.ExtendedSocketOptions;
import org.apache.pekko.io.Inet;

/**
 * TCP keepalive on every accepted connection, with short probe times where the OS lets a
 * socket set them (Linux, macOS): a peer whose host vanished without a FIN or RST (power
 * cut, dead NAT entry) is noticed by the kernel within {@link #IDLE_SECONDS} +
 * {@link #PROBES} × {@link #INTERVAL_SECONDS} of silence instead of the system default of
 * over two hours. The protocol's heartbeat notices it sooner for a version-2 agency; this is
 * what bounds a version-1 agency's parked winners query, which never pings.
 */
final class KeepAlive extends Inet.AbstractSocketOptionV2 {
    static final int IDLE_SECONDS = 30;
    static final int INTERVAL_SECONDS = 10;
    static final int PROBES = 3;

    @Override
    public void afterConnect(Socket socket) {
        try {
            socket.setKeepAlive(true);
            if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
                socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, IDLE_SECONDS);
                socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, INTERVAL_SECONDS);
                socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, PROBES);
            }
        } catch (IOException | UnsupportedOperationException | NoClassDefFoundError e) {
            // Keepalive is a backstop: a socket that refuses it still works, and the heartbeat still runs.
            // NoClassDefFoundError: a runtime linked without the jdk.net module (a jlink'd JRE image).
        }
    }
}
