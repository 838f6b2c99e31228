package tp0.lottery;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;
import tp0.lottery.config.ServerKey;
import tp0.lottery.config.ServerSettings;
import tp0.lottery.config.StoreSettings;
import tp0.lottery.store.pg.PgDatabase;
import tp0.lottery.store.pg.PgExport;

/**
 * {@code java -jar lottery.jar export-bets <file>}: the PostgreSQL store's bets as the
 * course's {@code bets.csv}, read with the server's own config.ini and environment. It only
 * reads; the file appears whole (written aside, then renamed) or not at all.
 */
final class ExportBets {
    static final String COMMAND = "export-bets";
    /** Its log lines' action (the contract allows [a-z_]). */
    private static final String ACTION = "export_bets";
    private static final Logger log = LoggerFactory.getLogger(ExportBets.class);

    private ExportBets() {}

    /** @return the exit status: 0 written, 1 failed, 2 usage */
    static int run(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java -jar lottery.jar " + COMMAND + " <file>");
            return 2;
        }
        ServerSettings settings = Main.loadSettings(log);
        if (settings == null) {
            return 1;
        }
        if (!(settings.store() instanceof StoreSettings.Postgres pg)) {
            log.error(LogLine.fail(ACTION, "key", ServerKey.STORE.name(), "error",
                    "STORE is file: " + settings.betsFile() + " already is bets.csv; export-bets reads STORE=postgres"));
            return 1;
        }
        Path target = Path.of(args[1]).toAbsolutePath();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            long bets;
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
                bets = PgExport.export(new PgDatabase(pg), out);
                out.flush();
                channel.force(true);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.info(LogLine.success(ACTION, "db", pg.address(), "file", target, "apuestas", bets));
            return 0;
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the failure below is what matters
            }
            log.error(LogLine.fail(ACTION, "key", ServerKey.DB_URL.name(), "db", pg.address(), "error",
                    String.valueOf(e.getMessage())));
            return 1;
        }
    }
}
