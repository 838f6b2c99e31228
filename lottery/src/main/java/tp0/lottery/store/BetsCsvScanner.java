package tp0.lottery.store;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import tp0.protocol.Bet;

/**
 * The fast reader of {@code bets.csv} behind the draw and the count at start: one streaming
 * pass over the bytes, in a buffer of fixed size, with no object per row. It parses only what
 * those need — agency, document, number — and checks the birthdate, so it accepts and refuses
 * the same files as {@link BetsCsv#load} (the readable reference, which tests compare it with):
 * Commons CSV's default format (',' and '"', doubled quotes, CR, LF or CRLF, empty lines
 * skipped; after a closing quote only whitespace may come before the delimiter or line end),
 * exactly 6 fields, the birthdate an ISO date, agency and number ints. A row that breaks
 * any of that is an {@link IOException} naming the file and the row number (empty lines not
 * counted, as {@code load} counts them). Fields of the canonical shapes are parsed on the
 * bytes; any other shape is handed to the JDK's parser, so odd but valid values ("+5", a
 * quoted number) get the same verdict and error text as in {@code load}.
 *
 * Names are never decoded; they may hold any bytes, as in {@code load}.
 */
public final class BetsCsvScanner {

    /** One row: the agency, the document as UTF-8 bytes {@code buf[docOff, docOff + docLen)} (valid only during the call), the number. */
    @FunctionalInterface
    public interface RowSink {
        void row(int agency, byte[] buf, int docOff, int docLen, int number) throws IOException;
    }

    private static final int FIELDS = 6;
    private static final int AGENCY = 0;
    private static final int DOCUMENT = 3;
    private static final int BIRTHDATE = 4;
    private static final int NUMBER = 5;
    /** Bytes read at a time; the buffer grows only for a row longer than this. */
    private static final int CHUNK = 256 * 1024;

    /** What parsing the bytes from the current position found. */
    private enum Step { ROW, NEED_MORE, END }

    private final InputStream in;
    private final String name;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    /** Rows handed over so far; the one being read is {@code rows + 1}. */
    private long rows;
    /** The current row: how many fields, and where the first {@link #FIELDS} are. */
    private int fields;
    private final int[] fieldStart = new int[FIELDS];
    private final int[] fieldEnd = new int[FIELDS];
    /** The field is quoted and holds doubled quotes, to be undone before use. */
    private final boolean[] fieldEscaped = new boolean[FIELDS];
    private byte[] scratch = new byte[64];

    private BetsCsvScanner(InputStream in, String name, int bufferSize) {
        this.in = in;
        this.name = name;
        this.buf = new byte[bufferSize];
    }

    /**
     * Streams every row of {@code file} to {@code sink}. A missing file holds no bets.
     *
     * @return how many rows
     * @throws IOException on read errors or a row that is not a stored bet
     */
    public static long scan(Path file, RowSink sink) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        // FileInputStream reads into the array directly, with no per-thread direct buffer kept behind.
        try (InputStream in = new FileInputStream(file.toFile())) {
            return scan(in, file.toString(), sink);
        }
    }

    static long scan(InputStream in, String name, RowSink sink) throws IOException {
        return scan(in, name, CHUNK, sink);
    }

    /** With a buffer of {@code bufferSize} bytes to start with (tests use tiny ones to cut rows everywhere). */
    static long scan(InputStream in, String name, int bufferSize, RowSink sink) throws IOException {
        return new BetsCsvScanner(in, name, Math.max(1, bufferSize)).run(sink);
    }

    private long run(RowSink sink) throws IOException {
        while (true) {
            Step step = parseRow();
            if (step == Step.END) {
                return rows;
            }
            if (step == Step.NEED_MORE) {
                fill();
                continue;
            }
            deliver(sink);
            rows++;
        }
    }

    /**
     * Keeps the unparsed bytes (the start of a row), then fills the buffer after them — full,
     * so a row cut by the buffer is parsed again at most once per buffer, however the stream
     * splits its reads.
     */
    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        } else if (limit == buf.length) {
            buf = java.util.Arrays.copyOf(buf, buf.length * 2); // a row longer than the buffer
        }
        while (limit < buf.length) {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
                return;
            }
            limit += n;
        }
    }

    /**
     * Parses one row from {@link #pos}: on {@link Step#ROW} its fields are set and {@code pos}
     * is past it; on {@link Step#NEED_MORE} (the row does not end within the bytes read, and
     * more may come) {@code pos} stays at its start.
     */
    private Step parseRow() throws IOException {
        byte[] b = buf;
        int p = pos;
        while (p < limit && (b[p] == '\r' || b[p] == '\n')) {
            p++; // empty lines, and the LF of a CRLF
        }
        pos = p;
        if (p == limit) {
            return eof ? Step.END : Step.NEED_MORE;
        }
        fields = 0;
        while (true) {
            int start;
            int end;
            boolean escaped = false;
            if (p < limit && b[p] == '"') {
                start = ++p;
                while (true) {
                    if (p >= limit) {
                        if (eof) {
                            throw malformed("end of file inside a quoted field");
                        }
                        return Step.NEED_MORE;
                    }
                    if (b[p] != '"') {
                        p++;
                    } else if (p + 1 >= limit && !eof) {
                        return Step.NEED_MORE; // a doubled quote or the closing one: the next byte tells
                    } else if (p + 1 < limit && b[p + 1] == '"') {
                        escaped = true;
                        p += 2;
                    } else {
                        break;
                    }
                }
                end = p++;
                // Only whitespace may follow a closing quote before the delimiter or line end.
                while (p < limit && b[p] != ',' && b[p] != '\r' && b[p] != '\n') {
                    int width = whitespaceWidth(b, p);
                    if (width < 0) {
                        if (eof) {
                            throw malformed("invalid character between a closing quote and the delimiter");
                        }
                        return Step.NEED_MORE;
                    }
                    if (width == 0) {
                        throw malformed("invalid character between a closing quote and the delimiter");
                    }
                    p += width;
                }
            } else {
                start = p;
                while (p < limit && b[p] != ',' && b[p] != '\r' && b[p] != '\n') {
                    p++;
                }
                end = p;
            }
            if (p == limit && !eof) {
                return Step.NEED_MORE; // the field may go on, or the row may
            }
            if (fields < FIELDS) {
                fieldStart[fields] = start;
                fieldEnd[fields] = end;
                fieldEscaped[fields] = escaped;
            }
            fields++;
            if (p == limit) { // end of file ends the row
                pos = p;
                return Step.ROW;
            }
            if (b[p] == ',') {
                p++;
                continue; // a delimiter just before the end of file leaves a last, empty field
            }
            pos = p + 1; // CR or LF; the LF of a CRLF is skipped as an empty line
            return Step.ROW;
        }
    }

    /**
     * Bytes of the whitespace char (as {@link Character#isWhitespace(char)} sees UTF-16 chars)
     * at {@code b[p]}: 0 if it is not whitespace, -1 if the bytes read end inside it.
     */
    private int whitespaceWidth(byte[] b, int p) {
        int b0 = b[p] & 0xFF;
        if (b0 < 0x80) {
            return Character.isWhitespace((char) b0) ? 1 : 0;
        }
        int width = b0 >= 0xE0 && b0 < 0xF0 ? 3 : b0 >= 0xC2 && b0 < 0xE0 ? 2 : 0;
        if (width == 0) {
            return 0; // a supplementary char (two surrogates) or an invalid byte (U+FFFD): not whitespace
        }
        if (p + width > limit) {
            return eof ? 0 : -1;
        }
        String c = new String(b, p, width, StandardCharsets.UTF_8); // rare: only after a closing quote
        return c.length() == 1 && Character.isWhitespace(c.charAt(0)) ? width : 0;
    }

    /** Checks the row as {@code load} does — field count, birthdate, number, agency — and hands it over. */
    private void deliver(RowSink sink) throws IOException {
        if (fields != FIELDS) {
            throw malformed("expected 6 fields, found " + fields);
        }
        checkBirthdate();
        int number = integer(NUMBER);
        int agency = integer(AGENCY);
        int docStart = fieldStart[DOCUMENT];
        int docLength = fieldEnd[DOCUMENT] - docStart;
        if (fieldEscaped[DOCUMENT]) {
            docLength = unescape(DOCUMENT);
            sink.row(agency, scratch, 0, docLength, number);
        } else {
            sink.row(agency, buf, docStart, docLength, number);
        }
    }

    /** The field as an int: plain ASCII digits here, anything else as {@link Integer#parseInt}. */
    private int integer(int field) throws IOException {
        int start = fieldStart[field];
        int end = fieldEnd[field];
        if (!fieldEscaped[field] && end > start && end - start <= 9) {
            int value = 0;
            int i = start;
            for (; i < end; i++) {
                int d = buf[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                value = value * 10 + d;
            }
            if (i == end) {
                return value;
            }
        }
        try {
            return Integer.parseInt(text(field));
        } catch (NumberFormatException e) {
            throw malformed(e.getMessage());
        }
    }

    /** The birthdate must be an ISO date: yyyy-MM-dd checked here, anything else by {@link LocalDate#parse}. */
    private void checkBirthdate() throws IOException {
        int s = fieldStart[BIRTHDATE];
        byte[] b = buf;
        if (!fieldEscaped[BIRTHDATE] && fieldEnd[BIRTHDATE] - s == 10 && b[s + 4] == '-' && b[s + 7] == '-') {
            int year = digits(b, s, 4);
            int month = digits(b, s + 5, 2);
            int day = digits(b, s + 8, 2);
            if (year >= 0 && Bet.isValidDate(year, month, day)) {
                return;
            }
        }
        try {
            LocalDate.parse(text(BIRTHDATE));
        } catch (DateTimeParseException e) {
            throw malformed(e.getMessage());
        }
    }

    /** {@code count} ASCII digits at {@code b[at]} as a number, or -1. */
    private static int digits(byte[] b, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /** The field as text, quotes undone: only on the rare paths (odd shapes, errors). */
    private String text(int field) {
        if (fieldEscaped[field]) {
            return new String(scratch, 0, unescape(field), StandardCharsets.UTF_8);
        }
        return new String(buf, fieldStart[field], fieldEnd[field] - fieldStart[field], StandardCharsets.UTF_8);
    }

    /** Copies the field into {@link #scratch} with each doubled quote made single; returns its length. */
    private int unescape(int field) {
        int start = fieldStart[field];
        int end = fieldEnd[field];
        if (scratch.length < end - start) {
            scratch = new byte[end - start];
        }
        int n = 0;
        for (int i = start; i < end; i++) {
            scratch[n++] = buf[i];
            if (buf[i] == '"') {
                i++; // the second of the pair
            }
        }
        return n;
    }

    private IOException malformed(String detail) {
        return new IOException(name + " row " + (rows + 1) + ": " + detail);
    }
}
