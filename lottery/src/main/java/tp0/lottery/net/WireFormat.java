package tp0.lottery.net;

import java.nio.ByteOrder;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.scaladsl.Framing.FramingException;
import org.apache.pekko.util.ByteString;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Frame;
import tp0.protocol.Message;

/**
 * Pekko Streams stages between the TCP byte stream and protocol messages. The byte layout
 * itself lives in {@code protocol/}; this only wires it into a stream: length-field framing
 * with the 8 KiB cap (big-endian, header included, as {@link Frame} defines), then the codec.
 */
public final class WireFormat {

    private WireFormat() {}

    /** Bytes → one {@link Inbound} per frame; a framing failure becomes a final {@link Inbound.Broken}. */
    public static Flow<ByteString, Inbound, NotUsed> inbound() {
        return Framing.lengthField(Frame.LENGTH_FIELD_BYTES, 0, Frame.MAX_FRAME_BYTES, ByteOrder.BIG_ENDIAN)
                .map(WireFormat::decode)
                .recover(new PFBuilder<Throwable, Inbound>()
                        .match(FramingException.class, WireFormat::framingFailure)
                        .build());
    }

    /** Messages → frames. */
    public static Flow<Message, ByteString, NotUsed> outbound() {
        return Flow.of(Message.class).map(message -> ByteString.fromArrayUnsafe(Codec.encode(message)));
    }

    static Inbound decode(ByteString frame) {
        try {
            return new Inbound.Decoded(Codec.decodeFrame(frame.asByteBuffer()));
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
