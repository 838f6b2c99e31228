package tp0.lottery.net;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.TLSClosing$;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.Broadcast;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;
import tp0.lottery.config.TlsSettings;
import tp0.lottery.session.Inbound;

/**
 * One connection of a server with TLS on: the first byte picks its conversation
 * ({@link WireFormat.FirstByte}). 0x16 (a ClientHello) runs Pekko Streams' TLS stage on a JDK
 * {@code SSLEngine} from {@link TlsSettings.On} and hands the session the plaintext, led by one
 * {@link Inbound.Secured} with the client certificate's names; any other first byte is a
 * plaintext peer, whose frames the caller refuses (an echo line is still answered).
 */
final class TlsLink {
    private static final Logger LOG = LoggerFactory.getLogger(TlsLink.class);

    private TlsLink() {}

    /**
     * @param firstByteTimeout a peer that sends no byte for this long is closed: until its first
     *                         byte the server cannot know in which language to say why
     */
    static Flow<ByteString, ByteString, NotUsed> unified(Duration firstByteTimeout,
                                                         Flow<ByteString, ByteString, NotUsed> plain,
                                                         Flow<ByteString, ByteString, NotUsed> secured) {
        return Flow.of(ByteString.class)
                .filter(chunk -> !chunk.isEmpty())
                .initialTimeout(firstByteTimeout)
                .recoverWithRetries(1, TimeoutException.class, Source::empty)
                .prefixAndTail(1)
                .flatMapConcat(firstAndRest -> {
                    if (firstAndRest.first().isEmpty()) {
                        return Source.<ByteString>empty(); // left (or stayed silent) without a byte
                    }
                    ByteString first = firstAndRest.first().get(0);
                    Source<ByteString, NotUsed> all = Source.single(first).concat(firstAndRest.second());
                    return all.via(WireFormat.FirstByte.of(first.head()) == WireFormat.FirstByte.TLS ? secured : plain);
                });
    }

    /**
     * The TLS conversation: ciphertext in and out, {@code toSession} gets the plaintext as
     * {@link Inbound} elements (led by {@link Inbound.Secured}), {@code fromSession}'s bytes are
     * encrypted. When {@code fromSession} completes the session is closed (close_notify); the
     * peer closing first does not cut what the server still owes. A failed handshake is a
     * {@code tls} fail line (a wrong client certificate, or a peer that refused ours).
     */
    static Flow<ByteString, ByteString, NotUsed> secured(TlsSettings.On tls, String peer, Sink<Inbound, NotUsed> toSession,
                                                         Source<ByteString, NotUsed> fromSession) {
        Flow<TLSProtocol.SslTlsInbound, Inbound, NotUsed> plaintext = Flow.of(TLSProtocol.SslTlsInbound.class)
                // A failed handshake (or a broken record) fails the plaintext side.
                .watchTermination((notUsed, done) -> {
                    done.whenComplete((ok, failure) -> {
                        if (failure != null) {
                            LOG.warn(LogLine.fail("tls", "ip", peer, "error", describe(failure)));
                        }
                    });
                    return NotUsed.getInstance();
                })
                .collectType(TLSProtocol.SessionBytes.class)
                .prefixAndTail(1)
                .flatMapConcat(firstAndRest -> {
                    if (firstAndRest.first().isEmpty()) {
                        return Source.<Inbound>empty();
                    }
                    TLSProtocol.SessionBytes first = firstAndRest.first().get(0);
                    Inbound secured = PeerCertificate.of(first.session());
                    return Source.single(secured).concat(Source.single(first).concat(firstAndRest.second())
                            .map(TLSProtocol.SessionBytes::bytes)
                            .via(WireFormat.inbound(true)));
                });
        Flow<TLSProtocol.SslTlsInbound, TLSProtocol.SslTlsOutbound, NotUsed> app = Flow.fromSinkAndSource(
                keepReading(plaintext.to(toSession)),
                fromSession.map(bytes -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(bytes)));
        return TLS.create(tls::newEngine, TLSClosing$.MODULE$.ignoreCancel())
                .reversed()
                .join(app);
    }

    /**
     * A sink that never cancels its upstream: a broken frame ends {@code sink}, and cancelling
     * would cut the socket before the last reply is written; the other branch drops what follows.
     */
    static <T> Sink<T, NotUsed> keepReading(Sink<T, NotUsed> sink) {
        return Sink.combine(sink, Sink.<T>ignore(), List.of(), branches -> Broadcast.create(branches, false));
    }

    /** The JDK's message, with the cause's when it says more (e.g. why a certificate path failed). */
    private static String describe(Throwable failure) {
        String text = String.valueOf(failure.getMessage());
        Throwable cause = failure.getCause();
        if (cause != null && cause.getMessage() != null && !text.contains(cause.getMessage())) {
            text += ": " + cause.getMessage();
        }
        return text;
    }
}
