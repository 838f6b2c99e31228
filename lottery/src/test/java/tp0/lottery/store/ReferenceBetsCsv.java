package tp0.lottery.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tp0.protocol.Bet;

/**
 * The course's {@code store_bets} and {@code load_bets} written the plain way — a String per
 * row, Commons CSV to read back — as the reference the store's byte-level writer
 * ({@link BetsCsv.RowBuffer}) and the draw's scanner ({@link BetsCsvScanner}) are checked
 * against. Test code only: the server never builds an object per bet.
 */
public final class ReferenceBetsCsv {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\r\n").get();

    private ReferenceBetsCsv() {}

    /** The rows {@code store_bets} would append for these bets, as UTF-8 bytes (Python's QUOTE_MINIMAL, CRLF). */
    public static byte[] rows(int agency, List<Bet> bets) {
        StringBuilder out = new StringBuilder();
        for (Bet b : bets) {
            out.append(agency).append(',').append(quoted(b.firstName())).append(',').append(quoted(b.lastName()))
                    .append(',').append(quoted(b.document())).append(',').append(b.birthdate()).append(',')
                    .append(b.number()).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Python's QUOTE_MINIMAL: only the delimiter, the quote char and line breaks make a field quoted. */
    private static String quoted(String v) {
        boolean quote = v.contains(",") || v.contains("\"") || v.contains("\r") || v.contains("\n");
        return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    /**
     * {@code load_bets}: streams every stored bet to {@code sink}. A missing file holds no bets.
     *
     * @throws IOException on read errors or a row that is not a stored bet
     */
    public static long load(Path file, Consumer<StoredBet> sink) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString(), sink);
        }
    }

    static long load(InputStream in, String name, Consumer<StoredBet> sink) throws IOException {
        long count = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
             CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
            for (CSVRecord record : parser) {
                sink.accept(parse(record, name));
                count++;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return count;
    }

    private static StoredBet parse(CSVRecord r, String name) throws IOException {
        if (r.size() != 6) {
            throw new IOException(name + " row " + r.getRecordNumber() + ": expected 6 fields, found " + r.size());
        }
        try {
            Bet bet = new Bet(r.get(1), r.get(2), r.get(3), LocalDate.parse(r.get(4)), Integer.parseInt(r.get(5)));
            return new StoredBet(Integer.parseInt(r.get(0)), bet);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IOException(name + " row " + r.getRecordNumber() + ": " + e.getMessage());
        }
    }
}
