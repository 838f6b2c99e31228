package tp0.lottery.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.scaladsl.Framing.FramingException;
import org.apache.pekko.util.ByteString;
import tp0.lottery.session.Inbound;
import tp0.lottery.session.Outbound;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Frame;

/**
 * Pekko Streams stages between the TCP byte stream and protocol messages. The byte layout
 * itself lives in {@code protocol/}; this only wires it into a stream: length-field framing
 * with the 8 KiB cap (big-endian, header included, as {@link Frame} defines), then the codec.
 */
public final class WireFormat {
    private static final ByteString NEWLINE = ByteString.fromString("\n");
    private static final ByteString CR = ByteString.fromString("\r");

    /** The first byte of a TLS record of type handshake: a ClientHello. */
    static final byte TLS_HANDSHAKE = 0x16;

    private WireFormat() {}

    /**
     * What a connection's first byte says its peer speaks: the port-unification rule. A frame
     * starts with 0x00 (the high byte of a length far below 16 MiB), a text line with a printable
     * character, TLS with 0x16 (a handshake record). With TLS off, 0x16 is just another byte that
     * no frame starts with (refused as an oversized frame, as before TLS existed).
     */
    public enum FirstByte {
        FRAME, TEXT, TLS;

        public static FirstByte of(byte first) {
            return first == TLS_HANDSHAKE ? TLS : startsText(first) ? TEXT : FRAME;
        }
    }

    /**
     * Bytes → {@link Inbound} elements. One port serves two kinds of peer, told apart by the
     * first byte: a protocol frame always starts with 0x00 (its length is far below 16 MiB),
     * a text line starts with a printable character. Protocol peers get one element per frame
     * (a framing failure becomes a final {@link Inbound.Broken}); text peers get one
     * {@link Inbound.TextLine} per line, for the echo health check. Any other first byte is
     * treated as a (too long) frame header and refused as such.
     */
    public static Flow<ByteString, Inbound, NotUsed> inbound() {
        return inbound(true);
    }

    /**
     * As {@link #inbound()}; with {@code framesAllowed} false (a plaintext connection to a server
     * with TLS on) a peer that starts with a frame gets one final {@link Inbound.Broken}
     * TLS_REQUIRED and the rest of its bytes are dropped, while a text line is still echoed.
     */
    public static Flow<ByteString, Inbound, NotUsed> inbound(boolean framesAllowed) {
        return Flow.of(ByteString.class)
                .filter(chunk -> !chunk.isEmpty())
                .prefixAndTail(1)
                .flatMapConcat(firstAndRest -> {
                    if (firstAndRest.first().isEmpty()) {
                        return Source.<Inbound>empty(); // connected and left without a byte
                    }
                    ByteString first = firstAndRest.first().get(0);
                    Source<ByteString, NotUsed> all = Source.single(first).concat(firstAndRest.second());
                    if (startsText(first.head())) {
                        return all.via(textLines());
                    }
                    return framesAllowed ? all.via(frames()) : Source.<Inbound>single(TLS_REQUIRED);
                });
    }

    private static final Inbound TLS_REQUIRED = new Inbound.Broken(ErrorCode.TLS_REQUIRED,
            "this server takes frames only inside TLS (TLS_KEYSTORE is set): give the agency server.tls.ca");

    /** Printable ASCII or a UTF-8 lead byte: never the first byte of a valid frame. */
    static boolean startsText(byte first) {
        int b = first & 0xFF;
        return (b >= 0x20 && b <= 0x7E) || (b >= 0xC2 && b <= 0xF4);
    }

    /** Length-field frames → decoded messages. */
    public static Flow<ByteString, Inbound, NotUsed> frames() {
        return Framing.lengthField(Frame.LENGTH_FIELD_BYTES, 0, Frame.MAX_FRAME_BYTES, ByteOrder.BIG_ENDIAN)
                .map(WireFormat::decode)
                .recover(new PFBuilder<Throwable, Inbound>()
                        .match(FramingException.class, WireFormat::framingFailure)
                        .build());
    }

    /** Newline-terminated text (CR LF too; a last line without newline counts) → lines. */
    static Flow<ByteString, Inbound, NotUsed> textLines() {
        return Framing.delimiter(NEWLINE, Frame.MAX_FRAME_BYTES, FramingTruncation.ALLOW)
                .map(line -> (Inbound) new Inbound.TextLine(
                        line.endsWith(CR) ? line.dropRight(1) : line))
                .recover(new PFBuilder<Throwable, Inbound>()
                        .match(FramingException.class, e -> new Inbound.Broken(ErrorCode.FRAME_TOO_LARGE,
                                "text line longer than " + Frame.MAX_FRAME_BYTES + " bytes"))
                        .build());
    }

    /** Outgoing elements → bytes: frames for messages, the line plus its newline for echoes. */
    public static Flow<Outbound, ByteString, NotUsed> outbound() {
        return Flow.of(Outbound.class)
                .filter(out -> !(out instanceof Outbound.Close))
                .map(out -> out instanceof Outbound.Send send
                        ? ByteString.fromArrayUnsafe(Codec.encode(send.message()))
                        : ((Outbound.Echo) out).line().concat(NEWLINE));
    }

    static Inbound decode(ByteString frame) {
        try {
            // The framing stage hands over a compact ByteString: its array, without a copy. Nothing writes to it.
            return new Inbound.Decoded(Codec.decodeFrame(ByteBuffer.wrap(frame.toArrayUnsafe())));
        } catch (DecodeException e) {
            return new Inbound.Malformed(e);
        }
    }

    /**
     * Pekko's framing stage fails with one exception type for an oversized (or negative)
     * declared length, refused before any body is read, and for a stream that ends mid-frame.
     * A length within 3 of 2^31 overflows once the header is added: "Computed frame size ...
     * is less than minimum chunk size".
     */
    private static Inbound framingFailure(FramingException e) {
        String detail = String.valueOf(e.getMessage());
        boolean lengthRefused = detail.startsWith("Maximum allowed frame size") || detail.contains("negative size")
                || detail.contains("less than minimum chunk size");
        return new Inbound.Broken(lengthRefused ? ErrorCode.FRAME_TOO_LARGE : ErrorCode.TRUNCATED_PAYLOAD, detail);
    }
}
