package tp0.agency.net;

import java.io.IOException;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import tp0.agency.AgencyFailure;
import tp0.agency.ExitCodes;
import tp0.agency.config.TlsSettings;
import tp0.logline.LogLine;

/**
 * TLS 1.3 over the connected socket, with the JDK's {@link SSLSocket}: the server's certificate
 * must chain to {@code server.tls.ca} and name the configured host (endpoint identification
 * "HTTPS": a DNS SAN for a name, an IP SAN for an address). The TCP options (keepalive,
 * NODELAY) set on the plain socket stay in force beneath it.
 *
 * <p>What a retry cannot cure is an {@link AgencyFailure} at once ({@link #verdict}): a
 * certificate that is expired, from another CA or for another host, a server that answers
 * the ClientHello in plaintext, or one that refuses the handshake with an alert (our own
 * certificate). A connection cut during the handshake is an IOException, retried as any loss.
 */
final class TlsLink implements Link {
    static final String ACTION = "tls";

    private final SSLContext context;

    TlsLink(SSLContext context) {
        this.context = context;
    }

    @Override
    public Socket open(Socket connected, String host, int port, int timeoutMillis) throws IOException, AgencyFailure {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(connected, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {TlsSettings.PROTOCOL});
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(timeoutMillis);
        try {
            socket.startHandshake();
        } catch (SSLException e) {
            AgencyFailure fatal = verdict(host + ":" + port, e);
            socket.close();
            if (fatal != null) {
                throw fatal;
            }
            throw e;
        }
        return socket;
    }

    /**
     * The failure no retry cures, named by its cause, or null for a transient one. Also for an
     * SSLException after the handshake: in TLS 1.3 a server that refuses our client certificate
     * says so with an alert only once the client has finished its side.
     */
    static AgencyFailure verdict(String server, SSLException e) {
        String why = cause(e);
        return why == null ? null : new AgencyFailure(LogLine.fail(ACTION, "server", server, "error", why),
                ExitCodes.FAILURE);
    }

    private static String cause(SSLException e) {
        // The most specific cause first: an expired certificate also fails the path validation.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "the server's certificate has expired: " + t.getMessage();
            }
            if (t instanceof CertificateNotYetValidException) {
                return "the server's certificate is not valid yet: " + t.getMessage();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
                return "the server's certificate is for another host (host name mismatch): " + message;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException || String.valueOf(t.getMessage()).contains("PKIX path")) {
                return "the server's certificate is not signed by the CA of server.tls.ca: " + t.getMessage();
            }
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unsupported or unrecognized SSL message")) {
            return "the server does not speak TLS (a plaintext server?): " + message;
        }
        if (message.startsWith("Received fatal alert")) {
            return "the server refused the TLS handshake (does it trust our certificate?): " + message;
        }
        return null;
    }
}
