package tp0.lottery.store.pg;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tp0.logline.LogLine;
import tp0.lottery.config.ServerKey;
import tp0.lottery.config.ServerSettings;
import tp0.lottery.config.StoreSettings;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.store.BetStore;
import tp0.lottery.store.OpenedStore;

/** What the server does with its database at start: wait for it, migrate it, read what it holds. */
public final class PgStore {
    private static final Logger log = LoggerFactory.getLogger(PgStore.class);

    private PgStore() {}

    /** The migrated database and what it held at start. */
    public record Opened(PgDatabase db, PgDatabase.Contents contents, StoreSettings.Postgres settings)
            implements OpenedStore {
        /** Group commit is how this store writes; STORE_GROUP_COMMIT only switches the file store's. */
        @Override
        public Behavior<BetStore.Command> behavior(boolean groupCommit, LotteryMetrics metrics) {
            return BetStore.create(new PostgresBackend(db, settings.connectTimeout()), contents.storedByAgency(),
                    true, metrics);
        }

        @Override
        public Map<Integer, Long> storedByAgency() {
            return contents.storedByAgency();
        }

        /** The database answers on a connection of its own (the store's is busy with its work). */
        @Override
        public Optional<String> cannotWrite() {
            try (java.sql.Connection c = db.connect()) {
                return c.isValid(2) ? Optional.empty() : Optional.of("the database did not answer within 2 s");
            } catch (SQLException e) {
                return Optional.of("database: " + PostgresBackend.oneLine(e));
            }
        }

        @Override
        public Set<Integer> finished() {
            return contents.finished();
        }

        @Override
        public long storedBets() {
            return contents.storedByAgency().values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static Opened open(StoreSettings.Postgres settings, int numAgencies) throws PgDatabase.Unusable {
        PgDatabase db = new PgDatabase(settings);
        db.awaitAndMigrate();
        try {
            PgDatabase.Contents contents = db.read(numAgencies);
            if (!contents.finished().isEmpty()) {
                log.info(LogLine.success("all_bets_sent_db", "db", db.address(), "agencias_finalizadas",
                        contents.finished().stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("")));
            }
            return new Opened(db, contents, settings);
        } catch (SQLException e) {
            throw new PgDatabase.Unusable(ServerKey.DB_URL.name(), "cannot read " + db.address() + ": "
                    + PostgresBackend.oneLine(e), e);
        }
    }
}
