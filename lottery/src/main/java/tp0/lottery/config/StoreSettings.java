package tp0.lottery.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the bets live ({@code STORE}): the embedded {@code bets.csv} (the default, the course's
 * format, nothing to install) or a PostgreSQL database that several servers can share.
 */
public sealed interface StoreSettings {

    /** What the {@code config} line says about the store; never a password. */
    String describe();

    /** {@code bets.csv} and {@code all-bets-sent.txt} in the working directory. */
    record FileStore() implements StoreSettings {
        @Override
        public String describe() {
            return "file";
        }
    }

    StoreSettings FILE = new FileStore();

    /**
     * @param url            {@code jdbc:postgresql://host:5432/db}
     * @param connectTimeout how long the server keeps trying to reach the database at start
     */
    record Postgres(String url, String user, String password, Duration connectTimeout) implements StoreSettings {
        private static final Pattern ADDRESS = Pattern.compile("jdbc:postgresql://([^/?]*)(/[^?]*)?.*");

        /** {@code host:port/db} of {@link #url}, without its parameters (which may hold secrets). */
        public String address() {
            Matcher m = ADDRESS.matcher(url);
            if (!m.matches()) {
                return "?";
            }
            return m.group(1) + (m.group(2) == null ? "" : m.group(2));
        }

        @Override
        public String describe() {
            return "postgres";
        }

        /** Never the password: records print every component. */
        @Override
        public String toString() {
            return "Postgres[db=" + address() + ", user=" + user + ", connectTimeout=" + connectTimeout + "]";
        }
    }
}
