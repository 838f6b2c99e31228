package tp0.agency.bets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictUtf8ReaderTest {
    private static final String TEXT = "😀Nicolás,Saldaña\n\uD83C\uDDE6\uD83C\uDDF7 Ñandú 𝄞\r\nend";

    private static Reader reader(byte[] bytes) {
        return new StrictUtf8Reader(new ByteArrayInputStream(bytes));
    }

    private static String readAll(Reader reader, int chunk) throws IOException {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[chunk];
        for (int n; (n = reader.read(buf, 0, chunk)) != -1; ) {
            assertTrue(n > 0, "a read never returns 0 chars");
            sb.append(buf, 0, n);
        }
        return sb.toString();
    }

    @Test
    void decodesValidUtf8WhateverTheReadSize() throws IOException {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 2, 3, 7, 8192}) {
            assertEquals(TEXT, readAll(reader(bytes), chunk), "chunk " + chunk);
        }
        StringBuilder big = new StringBuilder();
        while (big.length() < 40_000) {
            big.append(TEXT);
        }
        assertEquals(big.toString(), readAll(reader(big.toString().getBytes(StandardCharsets.UTF_8)), 5000));
    }

    @Test
    void handsOverTheGoodTextBeforeReportingTheBadBytesWithLineAndOffset() throws IOException {
        byte[] good = "línea uno\nlínea dos\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[good.length + 3];
        System.arraycopy(good, 0, bytes, 0, good.length);
        bytes[good.length] = 'x';
        bytes[good.length + 1] = (byte) 0xC0; // never valid in UTF-8
        bytes[good.length + 2] = 'y';
        Reader r = reader(bytes);
        char[] buf = new char[100];
        int n = r.read(buf, 0, 100);
        assertEquals("línea uno\nlínea dos\nx", new String(buf, 0, n));
        StrictUtf8Reader.InvalidUtf8Exception e =
                assertThrows(StrictUtf8Reader.InvalidUtf8Exception.class, () -> r.read(buf, 0, 100));
        assertEquals(3, StrictUtf8Reader.lineAt(new ByteArrayInputStream(bytes), e.byteOffset()));
        assertEquals(good.length + 1, e.byteOffset());
    }

    @Test
    void aSequenceCutShortByTheEndOfTheFileIsInvalid() throws IOException {
        byte[] bytes = {'a', '\n', (byte) 0xE2, (byte) 0x82}; // first two bytes of "€"
        StrictUtf8Reader.InvalidUtf8Exception e =
                assertThrows(StrictUtf8Reader.InvalidUtf8Exception.class, () -> readAll(reader(bytes), 10));
        assertEquals(2, StrictUtf8Reader.lineAt(new ByteArrayInputStream(bytes), e.byteOffset()));
        assertEquals(2, e.byteOffset());
    }

    /** Bytes arriving a few at a time, as from a pipe: sequences and the BOM get split across reads. */
    private static InputStream trickle(byte[] bytes, int most) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, most));
            }
        };
    }

    @Test
    void decodesWhateverTheBytesPerReadOfTheStream() throws IOException {
        byte[] bytes = ("\uFEFF" + TEXT).getBytes(StandardCharsets.UTF_8);
        for (int most : new int[] {1, 2, 3, 5}) {
            for (int chunk : new int[] {1, 2, 8192}) {
                assertEquals(TEXT, readAll(new StrictUtf8Reader(trickle(bytes, most)), chunk), most + "/" + chunk);
            }
        }
    }

    @Test
    void skipsAByteOrderMarkOnlyAtTheStart() throws IOException {
        assertEquals("a", readAll(reader("\uFEFFa".getBytes(StandardCharsets.UTF_8)), 10));
        assertEquals("", readAll(reader("\uFEFF".getBytes(StandardCharsets.UTF_8)), 10));
        assertEquals("a\uFEFFb", readAll(reader("\uFEFFa\uFEFFb".getBytes(StandardCharsets.UTF_8)), 10));
        assertEquals("\uFEFFx", readAll(reader("\uFEFF\uFEFFx".getBytes(StandardCharsets.UTF_8)), 10), "only one");
        StrictUtf8Reader.InvalidUtf8Exception e = assertThrows(StrictUtf8Reader.InvalidUtf8Exception.class,
                () -> readAll(reader(new byte[] {(byte) 0xEF, (byte) 0xBB}), 10));
        assertEquals(0, e.byteOffset(), "half a BOM is just invalid");
    }

    @Test
    void offsetsCountTheByteOrderMarkAndSpanBuffers() {
        byte[] good = ("\uFEFF" + "ñ".repeat(StrictUtf8Reader.BYTE_BUFFER_SIZE)).getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(good, good.length + 1);
        bytes[good.length] = (byte) 0x80; // a continuation byte with nothing to continue
        StrictUtf8Reader.InvalidUtf8Exception e = assertThrows(StrictUtf8Reader.InvalidUtf8Exception.class,
                () -> readAll(reader(bytes), 8192));
        assertEquals(good.length, e.byteOffset());
    }

    @Test
    void primeRefusesABadFirstCharacterAndOtherwiseLosesNothing() throws IOException {
        StrictUtf8Reader bad = new StrictUtf8Reader(new ByteArrayInputStream(new byte[] {(byte) 0xFF, 'a'}));
        assertEquals(0, assertThrows(StrictUtf8Reader.InvalidUtf8Exception.class, bad::prime).byteOffset());
        StrictUtf8Reader good = new StrictUtf8Reader(new ByteArrayInputStream(("\uFEFF" + TEXT).getBytes(StandardCharsets.UTF_8)));
        good.prime();
        assertEquals(TEXT, readAll(good, 3));
        StrictUtf8Reader empty = new StrictUtf8Reader(new ByteArrayInputStream(new byte[0]));
        empty.prime();
        assertEquals(-1, empty.read(new char[4], 0, 4));
    }

    @Test
    void loneCarriageReturnsCanBeHandedOutAsLineFeeds() throws IOException {
        String text = "a\r\nb\rc\r\r\nd" + "x".repeat(20) + "\r" + "é\r😀\r";
        String expected = "a\r\nb\nc\n\r\nd" + "x".repeat(20) + "\n" + "é\n😀\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int most : new int[] {1, 2, 3, 7, 100}) {
            for (int chunk : new int[] {1, 2, 5, 8192}) {
                assertEquals(expected, readAll(new StrictUtf8Reader(trickle(bytes, most), true), chunk), most + "/" + chunk);
                assertEquals(text, readAll(new StrictUtf8Reader(trickle(bytes, most)), chunk), "unchanged by default");
            }
        }
        byte[] crThenBad = {'a', '\r', (byte) 0xFF};
        Reader r = new StrictUtf8Reader(new ByteArrayInputStream(crThenBad), true);
        char[] buf = new char[10];
        assertEquals(2, r.read(buf, 0, 10));
        assertEquals("a\n", new String(buf, 0, 2));
        assertEquals(2, assertThrows(StrictUtf8Reader.InvalidUtf8Exception.class, () -> r.read(buf, 0, 10)).byteOffset());
    }

    @Test
    void lineAtCountsLineFeedsBeforeTheOffset() throws IOException {
        byte[] bytes = "a\nb\r\nc\rd\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, StrictUtf8Reader.lineAt(new ByteArrayInputStream(bytes), 0));
        assertEquals(1, StrictUtf8Reader.lineAt(new ByteArrayInputStream(bytes), 1));
        assertEquals(2, StrictUtf8Reader.lineAt(new ByteArrayInputStream(bytes), 2));
        assertEquals(3, StrictUtf8Reader.lineAt(new ByteArrayInputStream(bytes), 8), "a lone CR is not counted, as before");
        assertEquals(4, StrictUtf8Reader.lineAt(new ByteArrayInputStream(bytes), 100));
    }

    /**
     * The reader's own decoding loop against the JDK's strict decoder, on random bytes full of
     * every kind of (in)valid sequence: the same characters before the first invalid byte,
     * and the same offset for it — whatever the stream's and the caller's chunk sizes.
     */
    @Test
    void decodesExactlyAsTheJdksStrictDecoderAndFailsAtTheSameOffset() throws IOException {
        java.util.Random random = new java.util.Random(1234);
        int[][] pieces = {{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'}, {'\r'}, {'a'}, {'\n'}, {0x7F}, {0xC3, 0xA9}, {0xC2, 0x80}, {0xDF, 0xBF}, {0xE2, 0x82, 0xAC}, {0xE0, 0xA0, 0x80},
            {0xED, 0x9F, 0xBF}, {0xEE, 0x80, 0x80}, {0xEF, 0xBF, 0xBF}, {0xF0, 0x90, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF},
            {0xF0, 0x9F, 0x98, 0x80}, // valid above, invalid or partial below
            {0x80}, {0xBF}, {0xC0, 0x80}, {0xC1, 0xBF}, {0xC3}, {0xE2, 0x82}, {0xE0, 0x9F, 0xBF}, {0xED, 0xA0, 0x80},
            {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xF8}, {0xFF}, {0xF0, 0x9F, 0x98}};
        int failures = 0;
        for (int round = 0; round < 3000; round++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write('x'); // never a byte order mark first: the JDK's decoder would keep it
            int n = random.nextInt(round % 10 == 0 ? 3000 : 40);
            boolean mostlyValid = random.nextBoolean();
            for (int i = 0; i < n; i++) {
                int[] piece = pieces[random.nextInt(mostlyValid && random.nextInt(50) != 0 ? 16 : pieces.length)];
                for (int b : piece) {
                    out.write(b);
                }
            }
            byte[] bytes = out.toByteArray();

            java.nio.charset.CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
            java.nio.CharBuffer expected = java.nio.CharBuffer.allocate(bytes.length + 1);
            java.nio.charset.CoderResult result = jdk.decode(in, expected, true);
            long expectedOffset = result.isError() ? in.position() : -1;
            expected.flip();

            StringBuilder got = new StringBuilder();
            long gotOffset = -1;
            int chunk = 1 + random.nextInt(random.nextBoolean() ? 3 : 9000);
            Reader r = new StrictUtf8Reader(trickle(bytes, 1 + random.nextInt(random.nextBoolean() ? 4 : 70_000)), false);
            char[] buf = new char[chunk];
            try {
                for (int k; (k = r.read(buf, 0, chunk)) != -1; ) {
                    got.append(buf, 0, k);
                }
            } catch (StrictUtf8Reader.InvalidUtf8Exception e) {
                gotOffset = e.byteOffset();
                failures++;
            }
            assertEquals(expected.toString(), got.toString(), "round " + round);
            assertEquals(expectedOffset, gotOffset, "round " + round);
        }
        assertTrue(failures > 1000 && failures < 2900, failures + " of the inputs were invalid");
    }
}
