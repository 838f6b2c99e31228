package tp0.agency.bets;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Streams bets from the agency's CSV file (no header; first name, last name, document,
 * birthdate, number; LF, CRLF or CR; UTF-8), one row at a time — never the whole file in
 * memory. Every row is validated when read, so a bad row surfaces before the batch that
 * would hold it is sent.
 *
 * <p>Parsed by FastCSV's strict parser through its callback API: each field's chars are
 * copied, trimmed, straight from the parser's buffer into the caller's reused
 * {@link BetFields}, so a row makes no object (no record, no array, no strings).
 *
 * <p>Rules kept from the start: fields are trimmed ("Juan, Perez" is common in hand-edited
 * files; inner text stays verbatim); blank lines (and lines of only spaces) are not bets
 * and not errors, and line numbers stay exact across them; broken quoting is a row error.
 * What the parser reads is the decoded file with two adjustments ({@link Input}) so that
 * FastCSV 4.0.0's strict parser reads it as commons-csv did before.
 */
public final class CsvBetReader implements BetSource {

    /** Appended after the input; see {@link Input}. */
    static final String END_MARK = "\n\"!";

    /**
     * The decoded file as the parser reads it, with two adjustments for FastCSV 4.0.0:
     *
     * <ul>
     * <li>{@link #END_MARK} after the last character, in a read of its own. 4.0.0 takes a
     *     quoted field left open at the end of the input as if it were closed there; with the
     *     mark, after a complete last row it is a blank line and then a lone quoted field (the
     *     end marker, recognised because the input has been drained), while inside an open quote
     *     its closing quote is followed by a character, which the strict parser refuses.
     * <li>A CR not followed by LF reaches the parser as LF (the decoder does it:
     *     {@link StrictUtf8Reader} with {@code loneCarriageReturnsAsLineFeeds}). 4.0.0 keeps a
     *     "last char was CR" flag through the rest of a quoted field, so {@code "x\r"} then LF
     *     lost that field and merged the next line into the record. Either way such a CR is a
     *     line end (as for commons-csv) or, inside quotes, a control character, which a
     *     field's trim removes at its ends and the rules refuse elsewhere; only a refused
     *     text's echo in a message shows LF for it.
     * </ul>
     */
    static final class Input extends Reader {
        private final StrictUtf8Reader utf8;
        private int markSent = -1; // chars of END_MARK handed out; -1 before the input's end
        private boolean drained;   // a read has returned -1

        Input(StrictUtf8Reader utf8) {
            this.utf8 = utf8;
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (markSent < 0) {
                int n = utf8.read(cbuf, off, len);
                if (n > 0) {
                    return n;
                }
                markSent = 0;
            }
            if (markSent == END_MARK.length()) {
                drained = true;
                return -1;
            }
            int n = Math.min(len, END_MARK.length() - markSent);
            END_MARK.getChars(markSent, markSent + n, cbuf, off);
            markSent += n;
            return n;
        }

        /** Whether a read has returned -1: the file and the mark after it have been handed out. */
        boolean isDrained() {
            return drained;
        }

        /** Whether the end of the file has been reached and the mark handed out, or part of it. */
        boolean markStarted() {
            return markSent > 0;
        }

        @Override
        public void close() throws IOException {
            utf8.close();
        }
    }

    /** Copies the fields of each record, trimmed, into {@link #target}; the record object is the handler itself. */
    private static final class RowHandler extends AbstractBaseCsvCallbackHandler<RowHandler> {
        BetFields target;
        long line;

        @Override
        protected void handleBegin(long startingLineNumber) {
            line = startingLineNumber;
        }

        @Override
        protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
            if (fieldIdx < BetFields.COUNT) { // beyond that only the count matters
                target.field(fieldIdx).setTrimmed(buf, offset, offset + len);
            }
        }

        @Override
        protected RowHandler buildRecord() {
            return this;
        }

        int fields() {
            return getFieldCount();
        }
    }

    private final Path file;
    private final Input input;
    private final CsvReader<RowHandler> csv;
    private final Iterator<RowHandler> records;
    private final RowHandler handler;
    private boolean ended;

    private CsvBetReader(Path file, Input input, RowHandler handler) {
        this.file = file;
        this.input = input;
        this.handler = handler;
        // Extra and missing fields allowed: the count is checked here, with a better message.
        // Empty lines are skipped by the parser, which still counts them.
        this.csv = CsvReader.builder()
                .allowExtraFields(true)
                .allowMissingFields(true)
                .build(handler, input);
        this.records = csv.iterator();
    }

    /** Opens {@code file}; a missing or unreadable file is a {@link BetFileException} naming it. */
    public static CsvBetReader open(Path file) throws BetFileException {
        if (Files.isDirectory(file)) {
            throw new BetFileException(file, "is a directory, not a bets file");
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new BetFileException(file, "file not found");
        } catch (AccessDeniedException e) {
            throw new BetFileException(file, "permission denied");
        } catch (IOException e) {
            throw new BetFileException(file, "cannot open: " + e.getMessage());
        }
        StrictUtf8Reader utf8 = new StrictUtf8Reader(in, true);
        try {
            utf8.prime(); // a file that is not UTF-8 from its first byte is refused now
        } catch (StrictUtf8Reader.InvalidUtf8Exception e) {
            closeQuietly(in);
            throw invalidUtf8(file, e, 1);
        } catch (IOException e) {
            closeQuietly(in);
            throw new BetFileException(file, "cannot read: " + e.getMessage());
        }
        return new CsvBetReader(file, new Input(utf8), new RowHandler());
    }

    @Override
    public boolean next(BetFields into) throws BetFileException {
        if (ended) {
            return false;
        }
        handler.target = into;
        while (true) {
            try {
                if (!records.hasNext()) {
                    ended = true; // not reached: the end mark always ends the input
                    return false;
                }
                records.next();
            } catch (UncheckedIOException e) {
                throw readFailure(e.getCause());
            } catch (CsvParseException e) {
                throw parseFailure(e);
            }
            if (input.isDrained()) {
                ended = true; // the end mark's own record: everything before it has been read
                return false;
            }
            int fields = handler.fields();
            if (fields == 1 && into.firstName.length() == 0) {
                continue; // a blank line (only spaces, or ""): not a bet, not an error
            }
            if (fields != BetFields.COUNT) {
                throw new BetFileException(file, handler.line, BetFields.ROW,
                        "expected " + BetFields.COUNT + " fields, found " + fields);
            }
            try {
                into.check();
                return true;
            } catch (InvalidBetField e) {
                throw new BetFileException(file, handler.line, e.field(), e.reason());
            }
        }
    }

    private BetFileException readFailure(IOException cause) {
        if (cause instanceof StrictUtf8Reader.InvalidUtf8Exception bad) {
            return invalidUtf8(file, bad, handler.line);
        }
        return new BetFileException(file, handler.line, BetFields.ROW, "unreadable: " + cause.getMessage());
    }

    /** Broken quoting (FastCSV wraps the parser's own exception, which says what is wrong). */
    private BetFileException parseFailure(CsvParseException e) {
        String reason;
        if (input.markStarted()) {
            reason = "unreadable: a quoted field is not closed before the end of the file";
        } else {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            reason = "unreadable: " + cause.getMessage();
        }
        return new BetFileException(file, handler.line, BetFields.ROW, reason);
    }

    /**
     * Invalid UTF-8: its line is counted only now, reading the file again up to the bad
     * byte, so that reading good files never counts lines; {@code fallbackLine} if that fails.
     */
    private static BetFileException invalidUtf8(Path file, StrictUtf8Reader.InvalidUtf8Exception e, long fallbackLine) {
        long line;
        try (InputStream again = Files.newInputStream(file)) {
            line = StrictUtf8Reader.lineAt(again, e.byteOffset());
        } catch (IOException ignored) {
            line = fallbackLine;
        }
        return new BetFileException(file, line, BetFields.ROW, "invalid UTF-8 at byte offset " + e.byteOffset());
    }

    @Override
    public boolean isDataFile() {
        return true;
    }

    @Override
    public void close() {
        try {
            csv.close();
        } catch (IOException ignored) {
            // Read-only file: nothing is lost if closing fails.
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Already failing with a clearer error.
        }
    }
}
