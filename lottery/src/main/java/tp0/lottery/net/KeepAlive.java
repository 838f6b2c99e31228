package tp0.lottery.net;

import java.net.Socket;
import org.apache.pekko.io.Inet;
import tp0.net.TcpKeepAlive;

/**
 * TCP keepalive on every accepted connection ({@link TcpKeepAlive}): what bounds a version-1
 * agency's parked winners query, which never pings, when its host vanishes without a FIN.
 */
final class KeepAlive extends Inet.AbstractSocketOptionV2 {
    @Override
    public void afterConnect(Socket socket) {
        TcpKeepAlive.enable(socket);
    }
}
