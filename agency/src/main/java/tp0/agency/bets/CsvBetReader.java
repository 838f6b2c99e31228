package tp0.agency.bets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackReader;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tp0.protocol.Bet;

/**
 * Streams bets from the agency's CSV file (no header; first name, last name, document,
 * birthdate, number; LF or CRLF; UTF-8), one row at a time — never the whole file in
 * memory. Every row is validated when read, so a bad row surfaces before the batch that
 * would hold it is sent.
 */
public final class CsvBetReader implements BetSource {

    // Empty lines are kept (not ignored) so each record starts right after the previous
    // one and the line count stays exact; blank records are skipped below instead.
    // Trimmed because hand-edited files often have "Juan, Perez"; inner text stays verbatim.
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setIgnoreEmptyLines(false)
            .setTrim(true)
            .get();

    private static final int BYTE_ORDER_MARK = '\uFEFF';

    private final Path file;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;

    private CsvBetReader(Path file, CSVParser parser) {
        this.file = file;
        this.parser = parser;
        this.records = parser.iterator();
    }

    /** Opens {@code file}; a missing or unreadable file is a {@link BetFileException} naming it. */
    public static CsvBetReader open(Path file) throws BetFileException {
        if (Files.isDirectory(file)) {
            throw new BetFileException(file, "is a directory, not a bets file");
        }
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        } catch (NoSuchFileException e) {
            throw new BetFileException(file, "file not found");
        } catch (AccessDeniedException e) {
            throw new BetFileException(file, "permission denied");
        } catch (IOException e) {
            throw new BetFileException(file, "cannot open: " + e.getMessage());
        }
        try {
            PushbackReader reader = new PushbackReader(new StrictUtf8Reader(in), 1);
            skipByteOrderMark(reader);
            return new CsvBetReader(file, FORMAT.parse(reader));
        } catch (StrictUtf8Reader.InvalidUtf8Exception e) {
            closeQuietly(in);
            throw new BetFileException(file, e.line(), BetFields.ROW, invalidUtf8(e));
        } catch (IOException e) {
            closeQuietly(in);
            throw new BetFileException(file, "cannot read: " + e.getMessage());
        }
    }

    /** Spreadsheet exports often start with a BOM; it is not part of the first name. */
    private static void skipByteOrderMark(PushbackReader reader) throws IOException {
        int first = reader.read();
        if (first != -1 && first != BYTE_ORDER_MARK) {
            reader.unread(first);
        }
    }

    @Override
    public Bet next() throws BetFileException {
        while (true) {
            // Lines consumed so far: the next record starts on the line after them.
            long line = parser.getCurrentLineNumber() + 1;
            CSVRecord record;
            try {
                if (!records.hasNext()) {
                    return null;
                }
                record = records.next();
            } catch (UncheckedIOException e) {
                throw readFailure(e.getCause(), line);
            }
            if (record.size() == 1 && record.get(0).isEmpty()) {
                continue; // a blank line, e.g. a trailing one: not a bet, not an error
            }
            if (record.size() != BetFields.COUNT) {
                throw new BetFileException(file, line, BetFields.ROW,
                        "expected " + BetFields.COUNT + " fields, found " + record.size());
            }
            try {
                return BetFields.parse(record.get(0), record.get(1), record.get(2), record.get(3), record.get(4));
            } catch (InvalidBetField e) {
                throw new BetFileException(file, line, e.field(), e.reason());
            }
        }
    }

    private BetFileException readFailure(IOException cause, long line) {
        if (cause instanceof StrictUtf8Reader.InvalidUtf8Exception bad) {
            return new BetFileException(file, bad.line(), BetFields.ROW, invalidUtf8(bad));
        }
        // commons-csv reports broken quoting as an IOException too.
        return new BetFileException(file, line, BetFields.ROW, "unreadable: " + cause.getMessage());
    }

    private static String invalidUtf8(StrictUtf8Reader.InvalidUtf8Exception e) {
        return "invalid UTF-8 at byte offset " + e.byteOffset();
    }

    @Override
    public boolean isDataFile() {
        return true;
    }

    @Override
    public void close() {
        try {
            parser.close();
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
