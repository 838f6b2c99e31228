package tp0.agency.net;

import java.io.IOException;
import java.net.Socket;
import tp0.agency.AgencyFailure;
import tp0.agency.config.TlsSettings;

/**
 * What a connected TCP socket becomes before the first frame: used as it is (plaintext, the
 * exercise), or wrapped in TLS ({@link TlsLink}).
 */
public interface Link {

    /**
     * @param host          the server's name or address as configured: the certificate must name it
     * @param timeoutMillis the longest the server may take to answer a step of the set-up
     * @throws IOException   a failure a retry may cure (the server restarting, a reset)
     * @throws AgencyFailure a failure no retry cures (the server's certificate is not acceptable)
     */
    Socket open(Socket connected, String host, int port, int timeoutMillis) throws IOException, AgencyFailure;

    Link PLAIN = (connected, host, port, timeoutMillis) -> connected;

    static Link of(TlsSettings tls) {
        return tls instanceof TlsSettings.On on ? new TlsLink(on.context()) : PLAIN;
    }
}
