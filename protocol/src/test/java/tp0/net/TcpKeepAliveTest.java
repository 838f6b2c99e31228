package tp0.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketOption;
import org.junit.jupiter.api.Test;

class TcpKeepAliveTest {

    @Test
    void keepaliveIsOnWithTheShortProbeTimesWhereTheOsHasThem() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            TcpKeepAlive.enable(socket);
            assertTrue(socket.getKeepAlive());
            int found = 0;
            for (SocketOption<?> option : socket.supportedOptions()) {
                Object value = socket.getOption(option);
                switch (option.name()) {
                    case "TCP_KEEPIDLE" -> { assertEquals(TcpKeepAlive.IDLE_SECONDS, value); found++; }
                    case "TCP_KEEPINTERVAL" -> { assertEquals(TcpKeepAlive.INTERVAL_SECONDS, value); found++; }
                    case "TCP_KEEPCOUNT" -> { assertEquals(TcpKeepAlive.PROBES, value); found++; }
                    default -> { }
                }
            }
            if (System.getProperty("os.name").startsWith("Linux")) {
                assertEquals(3, found, "Linux has all three probe options");
            }
        }
    }

    @Test
    void aClosedSocketIsLeftAsItIs() throws Exception {
        Socket socket = new Socket();
        socket.close();
        TcpKeepAlive.enable(socket); // no exception: keepalive is a backstop
    }
}
