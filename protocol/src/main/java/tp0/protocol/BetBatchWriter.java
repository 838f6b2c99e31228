package tp0.protocol;

/**
 * Builds one BetBatch frame at a time in a reused 8 KiB array, a bet at a time, from the
 * bet's fields as any {@link CharSequence} (a String, or a reused view over a char buffer):
 * no object per bet or per frame. The bytes are exactly those
 * {@code Codec.encode} writes for the same bets once decoded.
 *
 * <p>{@link #add} refuses (returns false, and leaves the frame as it was) a bet that would
 * take the frame past {@link Frame#MAX_FRAME_BYTES} or its count past the u16 limit, so a
 * batcher sends the frame and starts the next one with that bet.
 *
 * <p>It encodes; it does not validate. Callers check the bet's rules ({@link Bet#textRule}
 * and the others) first, as the server's decoder checks them again. Like
 * {@code String.getBytes(UTF_8)}, a lone surrogate is written as '?'.
 *
 * <pre>
 * frame = u32 length | u8 type 0x03 | u16 count | count x bet
 * bet   = string first name | string last name | string document
 *         | u16 birth year | u8 birth month | u8 birth day | i32 number
 * </pre>
 */
public final class BetBatchWriter {
    /** Frame bytes besides the bets: length field, type, count. */
    public static final int OVERHEAD = Frame.LENGTH_FIELD_BYTES + 1 + 2;
    /** Most bets one frame can count. */
    public static final int MAX_COUNT = 0xFFFF;
    /** Bytes of a bet besides its three strings' UTF-8 bytes: three u16 lengths, the date, the number. */
    public static final int BET_BYTES_BESIDES_TEXT = 3 * 2 + 4 + 4;

    private static final int MAX_U16 = 0xFFFF;

    private final byte[] frame = new byte[Frame.MAX_FRAME_BYTES];
    private int size = OVERHEAD;
    private int count;

    /** Empties the frame for the next batch. */
    public void clear() {
        size = OVERHEAD;
        count = 0;
    }

    /** Bets in the frame. */
    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** The frame's length in bytes, header included. */
    public int size() {
        return size;
    }

    /**
     * The frame, header filled in: bytes {@code [0, size())} of the returned array. The array
     * is this writer's own; it changes with the next {@link #add} or {@link #clear}.
     */
    public byte[] frame() {
        int length = size - Frame.LENGTH_FIELD_BYTES;
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        frame[4] = (byte) MessageType.BET_BATCH.code;
        frame[5] = (byte) (count >>> 8);
        frame[6] = (byte) count;
        return frame;
    }

    /** {@link #add(CharSequence, CharSequence, CharSequence, int, int, int, int) Adds} {@code bet}. */
    public boolean add(Bet bet) {
        return add(bet.firstName(), bet.lastName(), bet.document(), bet.birthdate().getYear(),
                bet.birthdate().getMonthValue(), bet.birthdate().getDayOfMonth(), bet.number());
    }

    /**
     * Appends one bet, or returns false and changes nothing when it does not fit: the frame
     * would exceed {@link Frame#MAX_FRAME_BYTES}, or already counts {@link #MAX_COUNT} bets.
     * The fields are read only during the call.
     *
     * @throws IllegalArgumentException if year is outside the wire's u16, or month or day
     *                                  outside its u8 (the frame is left unchanged)
     */
    public boolean add(CharSequence firstName, CharSequence lastName, CharSequence document,
            int year, int month, int day, int number) {
        if (year < 0 || year > MAX_U16) {
            throw new IllegalArgumentException("birth year out of range 0.." + MAX_U16 + ": " + year);
        }
        if ((month | day) >>> 8 != 0) {
            throw new IllegalArgumentException("birth month or day out of range 0..255: " + month + ", " + day);
        }
        if (count == MAX_COUNT) {
            return false;
        }
        // A UTF-16 char never takes more than 3 UTF-8 bytes, so a bet that fits by its length
        // alone (nearly all) is written without first counting its bytes.
        long worst = (long) BET_BYTES_BESIDES_TEXT
                + 3L * ((long) firstName.length() + lastName.length() + document.length());
        if (size + worst > Frame.MAX_FRAME_BYTES
                && size + encodedSize(firstName, lastName, document) > Frame.MAX_FRAME_BYTES) {
            return false;
        }
        int at = size;
        at = string(firstName, at);
        at = string(lastName, at);
        at = string(document, at);
        byte[] f = frame;
        f[at] = (byte) (year >>> 8);
        f[at + 1] = (byte) year;
        f[at + 2] = (byte) month;
        f[at + 3] = (byte) day;
        f[at + 4] = (byte) (number >>> 24);
        f[at + 5] = (byte) (number >>> 16);
        f[at + 6] = (byte) (number >>> 8);
        f[at + 7] = (byte) number;
        size = at + 8;
        count++;
        return true;
    }

    /** A u16 byte count, then the UTF-8 bytes; returns where the next field starts. Room is checked. */
    private int string(CharSequence s, int start) {
        byte[] f = frame;
        int at = start + 2;
        int n = s.length();
        int i = 0;
        // ASCII, the common case, a byte per char.
        while (i < n) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            f[at++] = (byte) c;
            i++;
        }
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                f[at++] = (byte) c;
            } else if (c < 0x800) {
                f[at++] = (byte) (0xC0 | c >> 6);
                f[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(i + 1));
                    f[at++] = (byte) (0xF0 | cp >> 18);
                    f[at++] = (byte) (0x80 | (cp >> 12 & 0x3F));
                    f[at++] = (byte) (0x80 | (cp >> 6 & 0x3F));
                    f[at++] = (byte) (0x80 | (cp & 0x3F));
                    i++;
                } else {
                    f[at++] = '?'; // a lone surrogate, as getBytes(UTF_8) writes it
                }
            } else {
                f[at++] = (byte) (0xE0 | c >> 12);
                f[at++] = (byte) (0x80 | (c >> 6 & 0x3F));
                f[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        int bytes = at - start - 2;
        f[start] = (byte) (bytes >>> 8);
        f[start + 1] = (byte) bytes;
        return at;
    }

    /** Bytes a bet with these texts takes inside a BetBatch frame (what {@code Codec.encodedSize} says of it). */
    public static int encodedSize(CharSequence firstName, CharSequence lastName, CharSequence document) {
        return BET_BYTES_BESIDES_TEXT + utf8Length(firstName) + utf8Length(lastName) + utf8Length(document);
    }

    /** UTF-8 byte length of {@code s} as {@code getBytes(UTF_8)} encodes it (a lone surrogate: one '?'). */
    public static int utf8Length(CharSequence s) {
        int bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
