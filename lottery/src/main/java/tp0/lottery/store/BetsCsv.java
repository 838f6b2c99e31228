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
import org.apache.commons.csv.CSVPrinter;
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
        try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
            for (Bet bet : bets) {
                printer.printRecord(agency, bet.firstName(), bet.lastName(), bet.document(),
                        bet.birthdate().toString(), bet.number());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
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
