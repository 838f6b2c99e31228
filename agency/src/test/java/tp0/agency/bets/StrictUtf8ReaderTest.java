package tp0.agency.bets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
        assertEquals(3, e.line());
        assertEquals(good.length + 1, e.byteOffset());
    }

    @Test
    void aSequenceCutShortByTheEndOfTheFileIsInvalid() {
        byte[] bytes = {'a', '\n', (byte) 0xE2, (byte) 0x82}; // first two bytes of "€"
        StrictUtf8Reader.InvalidUtf8Exception e =
                assertThrows(StrictUtf8Reader.InvalidUtf8Exception.class, () -> readAll(reader(bytes), 10));
        assertEquals(2, e.line());
        assertEquals(2, e.byteOffset());
    }
}
