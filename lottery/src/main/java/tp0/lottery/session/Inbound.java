package tp0.lottery.session;

import org.apache.pekko.util.ByteString;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;

/**
 * What the wire format hands a session: one element per frame (or per text line on a
 * health-check connection), or a final framing failure.
 */
public sealed interface Inbound {

    /** A well-formed message. */
    record Decoded(Message message) implements Inbound {}

    /** A frame whose boundaries were fine but whose content breaks the protocol; the next frame can still be read. */
    record Malformed(DecodeException error) implements Inbound {}

    /** A line of plain text (without its line break): the connection is a health check, not an agency. */
    record TextLine(ByteString line) implements Inbound {}

    /**
     * The connection is TLS; the first element of such a connection, before any frame.
     *
     * @param clientCertificate the peer presented a client certificate the server verified (mutual TLS)
     * @param certificateNames  the names it carries (subject CN, then DNS SANs)
     */
    record Secured(boolean clientCertificate, java.util.List<String> certificateNames) implements Inbound {

        /** The name a client certificate must carry to speak for {@code agency}. */
        public static String certificateNameOf(int agency) {
            return "agency-" + agency;
        }
    }

    /** The byte stream itself is unusable (oversized or cut-off frame): the last element of the connection. */
    record Broken(ErrorCode code, String detail) implements Inbound {}
}
