package tp0.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The BetBatch decoder checks every rule on the wire bytes, never building a String. These
 * properties pin it to the String path it replaced: {@link Bet#check()} for the field rules,
 * the JDK's strict UTF-8 decoder, and the old decoder ({@link ReferenceBetBatchDecoder}) for
 * the whole outcome, error code and detail text included.
 */
class BetBatchValidationTest {

    private static final long SEED = 7_574L;
    private static final LocalDate DATE = LocalDate.of(1990, 5, 17);

    /** Code points where the rules' edges are: whitespace, controls, no-break spaces, BOM, pairs. */
    private static final int[] EDGES = {
        ' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x00, 0x01, 0x1B, 0x7F, 0x80, 0x85, 0x9F,
        0xA0, 0xAD, 0x1680, 0x180E, 0x2000, 0x2001, 0x2002, 0x2003, 0x2006, 0x2007, 0x2008, 0x200A, 0x200B,
        0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1F340, 0x10FFFF,
        'a', 'Z', '0', '9', ',', '"', '\'', 'ñ', 'é', 'ß', '€', '中', 0x0661, 0xFF11};

    static String randomText(Random r) {
        StringBuilder sb = new StringBuilder();
        int length = r.nextInt(r.nextBoolean() ? 7 : 20); // long ones reach the 8-bytes-at-a-time path
        for (int i = 0; i < length; i++) {
            int cp = switch (r.nextInt(10)) {
                case 0, 1, 2, 3 -> EDGES[r.nextInt(EDGES.length)];
                case 4, 5 -> r.nextInt(0x80); // ASCII, controls included
                case 6 -> 0x80 + r.nextInt(0x80); // Latin-1 supplement, C1 controls included
                case 7 -> {
                    int c = r.nextInt(0x10000);
                    yield Character.isSurrogate((char) c) ? 'x' : c; // any BMP char
                }
                case 8 -> 0x10000 + r.nextInt(0x100000); // supplementary: a surrogate pair
                default -> " \t\u3000\u2003\u00A0".charAt(r.nextInt(5)); // blank-looking
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static byte[] oneBetFrame(String first, String last, String document, int year, int month, int day,
                                      int number) {
        return WireBytes.body(MessageType.BET_BATCH).u16(1).bet(first, last, document, year, month, day, number).frame();
    }

    /** The decoder's verdict on one bet: null when it decodes, else the exception. */
    private static DecodeException verdict(byte[] frame) {
        try {
            Codec.decodeFrame(ByteBuffer.wrap(frame));
            return null;
        } catch (DecodeException e) {
            return e;
        }
    }

    // ------------------------------------------------------------------ field rules vs Bet.check

    @Test
    void nameVerdictOnTheBytesIsBetChecksVerdict() {
        Random r = new Random(SEED);
        int refused = 0;
        for (int i = 0; i < 200_000; i++) {
            String name = randomText(r);
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            Bet.Violation expected = new Bet(name, "Paz", "1", DATE, 1).check();
            ErrorCode bytes = WireText.nameRule(WireText.scan(utf8, 0, utf8.length));
            assertEquals(expected == null ? null : expected.code(), bytes, () -> "name " + describe(name));
            if (i % 10 != 0) {
                continue; // the whole decoder (which throws, so costs more) for one name in ten
            }

            // and the whole decoder, as a first and as a last name
            for (boolean asFirst : new boolean[] {true, false}) {
                byte[] frame = asFirst ? oneBetFrame(name, "Paz", "1", 1990, 5, 17, 1)
                        : oneBetFrame("Ana", name, "1", 1990, 5, 17, 1);
                Bet.Violation want = asFirst ? expected : new Bet("Ana", name, "1", DATE, 1).check();
                DecodeException got = verdict(frame);
                if (want == null) {
                    assertEquals(null, got, () -> "refused " + describe(name));
                } else {
                    refused++;
                    assertTrue(got != null, () -> "accepted " + describe(name));
                    assertEquals(want.code(), got.code(), () -> describe(name));
                    assertEquals("BET_BATCH: bet 1: " + want.describe(), got.getMessage());
                }
            }
        }
        assertTrue(refused > 4_000 && refused < 36_000, "both verdicts are exercised: " + refused);
    }

    @Test
    void documentVerdictOnTheBytesIsBetChecksVerdict() {
        Random r = new Random(SEED + 1);
        for (int i = 0; i < 50_000; i++) {
            String document = r.nextBoolean() ? randomText(r) : Integer.toString(r.nextInt(1_000_000));
            if (r.nextInt(10) == 0) {
                document = "00" + document;
            }
            byte[] utf8 = document.getBytes(StandardCharsets.UTF_8);
            Bet.Violation expected = new Bet("Ana", "Paz", document, DATE, 1).check();
            ErrorCode bytes = WireText.documentRule(utf8.length, WireText.scan(utf8, 0, utf8.length));
            String shown = describe(document);
            assertEquals(expected == null ? null : expected.code(), bytes, () -> "document " + shown);
        }
    }

    @Test
    void namesAtTheEdgesOfTheRules() {
        // blank: Character.isWhitespace over every code point, as String.isBlank
        for (String blank : List.of("", " ", "\t", " \t\n ", "\u3000", "\u2003\u2028", "\u001C\u001F", "\u1680")) {
            assertEquals(ErrorCode.EMPTY_FIELD, verdict(oneBetFrame(blank, "Paz", "1", 1990, 1, 1, 1)).code(), describe(blank));
        }
        // not blank, not control: no-break spaces, zero-width space, BOM, a pair
        for (String fine : List.of("\u00A0", "\u2007", "\u202F", "\u200B", "\uFEFF", Samples.EMOJI, " \u00A0 ", "\uFFFF")) {
            assertEquals(null, verdict(oneBetFrame(fine, "Paz", "1", 1990, 1, 1, 1)), describe(fine));
        }
        // controls: C0, DEL, C1 (two UTF-8 bytes); blank wins over control
        for (String control : List.of("a\u0000", "a\u007F", "a\u0080", "a\u0085", "a\u009F", "\u0001x")) {
            assertEquals(ErrorCode.BAD_TEXT, verdict(oneBetFrame("Ana", control, "1", 1990, 1, 1, 1)).code(), describe(control));
        }
        assertEquals(ErrorCode.EMPTY_FIELD, verdict(oneBetFrame("\t\n\r", "Paz", "1", 1990, 1, 1, 1)).code());
    }

    // ------------------------------------------------------------------ UTF-8 vs the JDK

    /** Bytes that make UTF-8's edge cases likely: leads, continuations, the boundaries of both. */
    private static final int[] UTF8_BYTES = {
        0x00, 0x20, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
        0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFE, 0xFF};

    @Test
    void utf8VerdictIsTheJdkStrictDecodersVerdict() {
        Random r = new Random(SEED + 2);
        CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int valid = 0;
        for (int i = 0; i < 150_000; i++) {
            byte[] b = new byte[r.nextInt(r.nextBoolean() ? 9 : 26)];
            boolean mostlyAscii = r.nextInt(3) == 0; // long ASCII runs, for the 8-bytes-at-a-time path
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) (mostlyAscii && r.nextInt(12) != 0 ? r.nextInt(128)
                        : r.nextInt(3) == 0 ? r.nextInt(256) : UTF8_BYTES[r.nextInt(UTF8_BYTES.length)]);
            }
            String decoded;
            try {
                decoded = jdk.decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                decoded = null;
            }
            int flags = WireText.scan(b, 0, b.length);
            byte[] shown = b;
            if (decoded == null) {
                assertEquals(WireText.INVALID, flags & WireText.INVALID, () -> "accepted " + WireBytes.hex(shown));
            } else {
                valid++;
                assertEquals(expectedFlags(decoded), flags, () -> "flags of " + WireBytes.hex(shown));
            }
        }
        assertTrue(valid > 5_000, "valid sequences are exercised too: " + valid);
    }

    /** The flags computed on the String, code point by code point. */
    private static int expectedFlags(String s) {
        int flags = 0;
        if (!s.isBlank()) {
            flags |= WireText.NOT_BLANK;
        }
        if (s.chars().anyMatch(c -> Character.isISOControl((char) c))) {
            flags |= WireText.CONTROL;
        }
        if (s.chars().anyMatch(c -> c < '0' || c > '9')) {
            flags |= WireText.NOT_DIGITS;
        }
        return flags;
    }

    // ------------------------------------------------------------------ whole batches vs the old decoder

    private static byte[] randomBatchBody(Random r) {
        int count = r.nextInt(5);
        WireBytes w = WireBytes.body(MessageType.BET_BATCH).u16(count);
        for (int i = 0; i < count; i++) {
            String first = r.nextInt(4) == 0 ? randomText(r) : "Nicolás";
            String last = r.nextInt(4) == 0 ? randomText(r) : "Saldaña";
            String doc = r.nextInt(4) == 0 ? randomText(r) : "00" + r.nextInt(100_000);
            int year = r.nextInt(6) == 0 ? r.nextInt(0x10000) : 1 + r.nextInt(9999);
            int month = r.nextInt(8) == 0 ? r.nextInt(256) : 1 + r.nextInt(12);
            int day = r.nextInt(8) == 0 ? r.nextInt(256) : 1 + r.nextInt(r.nextBoolean() ? 31 : 28);
            int number = r.nextInt(8) == 0 ? r.nextInt() : r.nextInt(10_000);
            w.bet(first, last, doc, year, month, day, number);
        }
        byte[] body = w.bodyBytes();
        // mutate some: flip, truncate, extend, invalid UTF-8 bytes
        switch (r.nextInt(6)) {
            case 0 -> {
                if (body.length > 3) body[3 + r.nextInt(body.length - 3)] = (byte) UTF8_BYTES[r.nextInt(UTF8_BYTES.length)];
            }
            case 1 -> body = Arrays.copyOf(body, 1 + r.nextInt(body.length));
            case 2 -> body = Arrays.copyOf(body, body.length + 1 + r.nextInt(3));
            case 3 -> {
                if (body.length > 3) body[3 + r.nextInt(body.length - 3)] ^= (byte) (1 << r.nextInt(8));
            }
            default -> { }
        }
        return body;
    }

    @Test
    void decoderAgreesWithTheStringDecoderItReplaced() {
        Random r = new Random(SEED + 3);
        int accepted = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] body = randomBatchBody(r);
            ReferenceBetBatchDecoder.Outcome want = ReferenceBetBatchDecoder.decodeBody(body);
            int caseNo = i;
            try {
                Message.BetBatch got = (Message.BetBatch) Codec.decodeBody(ByteBuffer.wrap(body));
                if (want.bets() == null) {
                    fail("case " + caseNo + ": accepted, the old decoder said " + want.code() + " " + want.detail()
                            + " for " + WireBytes.hex(body));
                }
                accepted++;
                assertEquals(want.bets(), got.bets(), () -> "case " + caseNo);
                assertEquals(want.bets().size(), got.count());
                assertArrayEquals(body, WireBytes.bodyOf(Codec.encode(got)), () -> "case " + caseNo + " re-encodes");
            } catch (DecodeException e) {
                if (want.bets() != null) {
                    fail("case " + caseNo + ": refused " + e.code() + " " + e.getMessage() + ", the old decoder accepted "
                            + WireBytes.hex(body));
                }
                assertEquals(want.code(), e.code(), () -> "case " + caseNo + ": " + e.getMessage() + " for " + WireBytes.hex(body));
                assertEquals(want.detail(), e.getMessage(), () -> "case " + caseNo);
                assertEquals(MessageType.BET_BATCH, e.type());
            }
        }
        assertTrue(accepted > 2_500 && accepted < 47_500, "both outcomes are exercised: " + accepted);
    }

    // ------------------------------------------------------------------ the BetBatch API

    private static Message.BetBatch decoded(List<Bet> bets) throws DecodeException {
        return (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(Codec.encode(Batches.of(bets))));
    }

    /** What forEach hands over, turned back into bets. */
    private static List<Bet> visited(Message.BetBatch batch) {
        List<Bet> out = new ArrayList<>();
        batch.forEach((buf, fo, fl, lo, ll, dof, dl, year, month, day, number) -> out.add(new Bet(
                new String(buf, fo, fl, StandardCharsets.UTF_8), new String(buf, lo, ll, StandardCharsets.UTF_8),
                new String(buf, dof, dl, StandardCharsets.UTF_8), LocalDate.of(year, month, day), number)));
        return out;
    }

    @Test
    void forEachHandsOverEveryBetInOrder() throws Exception {
        for (List<Bet> bets : List.of(Samples.trickyBets(), Samples.bets(150), List.<Bet>of())) {
            Message.BetBatch fromWire = decoded(bets);
            assertEquals(bets.size(), fromWire.count());
            assertEquals(bets, visited(fromWire));
            assertEquals(bets, fromWire.bets());
            Message.BetBatch built = Batches.of(bets);
            assertEquals(bets.size(), built.count());
            assertEquals(bets, visited(built), "a test batch built from bets is visited the same way");
        }
    }

    @Test
    void decodedAndBuiltBatchesAreEqualAndEncodeIdentically() throws Exception {
        List<Bet> bets = Samples.trickyBets();
        Message.BetBatch built = Batches.of(bets);
        Message.BetBatch fromWire = decoded(bets);
        assertEquals(built, fromWire);
        assertEquals(fromWire, built);
        assertEquals(fromWire, decoded(bets));
        assertEquals(built.hashCode(), fromWire.hashCode());
        assertEquals(built.toString(), fromWire.toString());
        assertArrayEquals(Codec.encode(built), Codec.encode(fromWire));
        assertNotEquals(fromWire, decoded(Samples.bets(5)));
        assertNotEquals(fromWire, decoded(bets.subList(0, 4)));
    }

    // ------------------------------------------------------------------ allocation

    /** Sums every field, so the visit cannot be optimized away; allocates nothing itself. */
    private static final class Summer implements BetVisitor {
        long sum;

        @Override
        public void bet(byte[] buf, int firstOff, int firstLen, int lastOff, int lastLen, int docOff, int docLen,
                        int year, int month, int day, int number) {
            sum += buf[firstOff] + firstLen + lastLen + docLen + buf[docOff + docLen - 1] + year + month + day + number;
        }
    }

    @Test
    void decodingAllocatesThePayloadCopyAndNothingPerBetAndVisitingAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        byte[] frame = Codec.encode(Batches.of(Samples.bets(200)));
        Summer summer = new Summer();
        Message.BetBatch batch = null;
        for (int i = 0; i < 3_000; i++) { // warm up, so the JIT has compiled both paths
            batch = (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(frame));
            batch.forEach(summer);
        }
        int rounds = 2_000;
        long before = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < rounds; i++) {
            batch = (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(frame));
        }
        long decode = (threads.getThreadAllocatedBytes(self) - before) / rounds;
        before = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < rounds; i++) {
            batch.forEach(summer);
        }
        long visit = threads.getThreadAllocatedBytes(self) - before;
        int payload = frame.length - Frame.LENGTH_FIELD_BYTES - 3;
        System.out.printf("decode of a 200-bet frame (%d bytes) allocates %d bytes (payload copy %d); "
                + "%d visits allocated %d bytes in all%n", frame.length, decode, payload, rounds, visit);
        assertTrue(decode <= payload + 512, "decode allocates the payload copy and a few small objects: " + decode);
        assertTrue(visit < 4096, "visiting allocates nothing: " + visit + " bytes over " + rounds + " visits");
        assertTrue(summer.sum != 0);
    }

    private static String describe(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(String.format("\\u{%X}", cp));
            }
        });
        return sb.append('"').toString();
    }
}
