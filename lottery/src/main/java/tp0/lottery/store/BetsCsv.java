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
 * The course's storage semantics in one place: {@code store_bets} rows of
 * agency, first name, last name, document, birthdate, number — written like Python's
 * {@code csv.writer} (minimal quoting, CRLF) — {@code load_bets} streaming them back, and
 * {@code has_won}.
 */
public final class BetsCsv {
    /** The winning number of the course's {@code has_won}. */
    public static final int WINNING_NUMBER = 7574;

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\r\n").get();

    private BetsCsv() {}

    public static boolean hasWon(Bet bet) {
        return bet.number() == WINNING_NUMBER;
    }

    /** The rows {@code store_bets} would append for these bets, as UTF-8 bytes. */
    public static byte[] rows(int agency, List<Bet> bets) {
        StringBuilder out = new StringBuilder(bets.size() * 48);
        for (Bet bet : bets) {
            out.append(agency).append(',');
            field(out, bet.firstName());
            out.append(',');
            field(out, bet.lastName());
            out.append(',');
            field(out, bet.document());
            out.append(',').append(bet.birthdate()).append(',').append(bet.number()).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Python's QUOTE_MINIMAL: quote only a field holding the delimiter, the quote char or a line
     * break, doubling quotes. (Commons CSV's MINIMAL also quotes a leading space, '!', '"' or '#'
     * and a trailing space, which Python does not.)
     */
    private static void field(StringBuilder out, String value) {
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!quote) {
            out.append(value);
            return;
        }
        out.append('"').append(value.replace("\"", "\"\"")).append('"');
    }

    /**
     * {@code load_bets}: streams every stored bet to {@code sink}, one row at a time, never
     * holding the file in memory. A missing file holds no bets.
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
