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
    void peekShowsTheNextCharacterWithoutTakingIt() throws IOException {
        StrictUtf8Reader r = new StrictUtf8Reader(new ByteArrayInputStream("a😀".getBytes(StandardCharsets.UTF_8)));
        assertEquals('a', r.peek());
        assertEquals('a', r.peek());
        char[] buf = new char[10];
        assertEquals(1, r.read(buf, 0, 10));
        assertEquals('a', buf[0]);
        assertEquals(0xD83D, r.peek());
        assertEquals("😀", readAll(r, 10));
        assertEquals(-1, r.peek());
        StrictUtf8Reader bad = new StrictUtf8Reader(new ByteArrayInputStream(new byte[] {'a', (byte) 0xFF}));
        assertEquals(1, bad.read(buf, 0, 10));
        assertEquals(-2, bad.peek());
        assertThrows(StrictUtf8Reader.InvalidUtf8Exception.class, () -> bad.read(buf, 0, 10));
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
}
