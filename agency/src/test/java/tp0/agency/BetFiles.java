package tp0.agency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import tp0.protocol.Bet;

/** Bets and the agency files that hold them, for the client tests. */
final class BetFiles {
    private BetFiles() {}

    /** {@code count} bets of one accented name; row i has document {@code %08d} of i and number i. */
    static List<Bet> numbered(int count) {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bets.add(new Bet("Nicolás", "Saldaña", String.format("%08d", i), LocalDate.of(1990, 1, 1), i));
        }
        return bets;
    }

    /** The file row of {@code bet}, without its line end. */
    static String row(Bet bet) {
        return bet.firstName() + ',' + bet.lastName() + ',' + bet.document() + ',' + bet.birthdate() + ','
                + bet.number();
    }

    /** Writes {@code text} as the agency's file {@code dir/agency-1.csv} (UTF-8) and returns it. */
    static Path write(Path dir, CharSequence text) throws IOException {
        Path file = dir.resolve("agency-1.csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** {@code bets} as the agency's file, each row ending in {@code eol}, then {@code extraLines}. */
    static Path write(Path dir, List<Bet> bets, String eol, String extraLines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Bet bet : bets) {
            sb.append(row(bet)).append(eol);
        }
        return write(dir, sb.append(extraLines));
    }
}
