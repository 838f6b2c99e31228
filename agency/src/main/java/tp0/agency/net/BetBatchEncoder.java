package tp0.agency.net;

import java.util.List;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.Frame;
import tp0.protocol.MessageType;

/**
 * Writes BetBatch frames into one reused 8 KiB array, byte for byte what
 * {@link Codec#encode} writes for them.
 *
 * <p>Why not {@code Codec.encode}: it is the general encoder, so per batch it grows a
 * buffer from 256 bytes to 8 KiB (five copies), makes a byte array per string
 * ({@code getBytes}) and a final copy — about 30 KiB of garbage per frame, on the path every
 * bet takes. Here strings are written char by char straight into the frame.
 */
final class BetBatchEncoder {
    private static final int MAX_U16 = 0xFFFF;

    private final byte[] frame = new byte[Frame.MAX_FRAME_BYTES];
    private int size;

    /** The frame's bytes; valid up to {@link #encode}'s result until the next call. */
    byte[] frame() {
        return frame;
    }

    /**
     * Encodes {@code bets} as one BetBatch frame, header included; returns its length.
     *
     * @throws IllegalArgumentException if the frame would exceed {@link Frame#MAX_FRAME_BYTES}
     *                                  or a field its wire range
     */
    int encode(List<Bet> bets) {
        if (bets.size() > MAX_U16) {
            throw new IllegalArgumentException("count out of range 0.." + MAX_U16 + ": " + bets.size());
        }
        size = Frame.LENGTH_FIELD_BYTES; // the length is patched in at the end
        frame[size++] = (byte) MessageType.BET_BATCH.code;
        u16(bets.size());
        for (int i = 0, n = bets.size(); i < n; i++) { // indexed: no iterator per batch
            Bet bet = bets.get(i);
            string(bet.firstName());
            string(bet.lastName());
            string(bet.document());
            int year = bet.birthdate().getYear();
            if (year < 0 || year > MAX_U16) {
                throw new IllegalArgumentException("birth year out of range 0.." + MAX_U16 + ": " + year);
            }
            room(8);
            u16(year);
            frame[size++] = (byte) bet.birthdate().getMonthValue();
            frame[size++] = (byte) bet.birthdate().getDayOfMonth();
            u32(bet.number());
        }
        int length = size - Frame.LENGTH_FIELD_BYTES;
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        return size;
    }

    /** A u16 byte count, then the UTF-8 bytes, encoded in place (lone surrogates as '?', like getBytes). */
    private void string(String s) {
        int chars = s.length();
        if (size + 2 + 3 * chars > frame.length) {
            room(2 + Codec.utf8Length(s)); // the quick bound failed; the exact size may still fit
        }
        int start = size;
        size += 2;
        for (int i = 0; i < chars; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                frame[size++] = (byte) c;
            } else if (c < 0x800) {
                frame[size++] = (byte) (0xC0 | c >> 6);
                frame[size++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                frame[size++] = (byte) (0xF0 | cp >> 18);
                frame[size++] = (byte) (0x80 | cp >> 12 & 0x3F);
                frame[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
                frame[size++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                frame[size++] = '?';
            } else {
                frame[size++] = (byte) (0xE0 | c >> 12);
                frame[size++] = (byte) (0x80 | c >> 6 & 0x3F);
                frame[size++] = (byte) (0x80 | c & 0x3F);
            }
        }
        int bytes = size - start - 2;
        frame[start] = (byte) (bytes >>> 8);
        frame[start + 1] = (byte) bytes;
    }

    private void u16(int v) {
        frame[size++] = (byte) (v >>> 8);
        frame[size++] = (byte) v;
    }

    private void u32(int v) {
        frame[size++] = (byte) (v >>> 24);
        frame[size++] = (byte) (v >>> 16);
        frame[size++] = (byte) (v >>> 8);
        frame[size++] = (byte) v;
    }

    private void room(int bytes) {
        if (size + bytes > frame.length) {
            throw new IllegalArgumentException("BET_BATCH frame exceeds " + Frame.MAX_FRAME_BYTES + " bytes");
        }
    }
}
