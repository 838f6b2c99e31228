package tp0.agency.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tp0.agency.bets.BetFields;
import tp0.agency.bets.InvalidBetField;
import tp0.logline.LogLine;
import tp0.protocol.Bet;

/**
 * Single-bet mode, as in the course's first exercises: when NOMBRE, APELLIDO, DOCUMENTO,
 * NACIMIENTO and NUMERO are all set, the agency sends that one bet instead of its file.
 */
public final class SingleBetEnv {
    public static final String FIRST_NAME = "NOMBRE";
    public static final String LAST_NAME = "APELLIDO";
    public static final String DOCUMENT = "DOCUMENTO";
    public static final String BIRTHDATE = "NACIMIENTO";
    public static final String NUMBER = "NUMERO";

    /** In bet field order: first name, last name, document, birthdate, number. */
    private static final List<String> KEYS = List.of(FIRST_NAME, LAST_NAME, DOCUMENT, BIRTHDATE, NUMBER);

    private SingleBetEnv() {}

    /**
     * The bet when all five variables are set, empty when any is missing.
     *
     * @throws ConfigException naming the variable whose value is invalid
     */
    public static Optional<Bet> read(Map<String, String> env) throws ConfigException {
        if (!missing(env).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(BetFields.parse(env.get(FIRST_NAME).trim(), env.get(LAST_NAME).trim(),
                    env.get(DOCUMENT).trim(), env.get(BIRTHDATE).trim(), env.get(NUMBER).trim()));
        } catch (InvalidBetField e) {
            throw new ConfigException(keyOf(e.field()), e.reason());
        }
    }

    /**
     * A line for WARNING when only some of the variables are set: probably a typo, and the
     * agency would otherwise read its file without a word.
     */
    public static Optional<String> partialWarning(Map<String, String> env) {
        List<String> missing = missing(env);
        if (missing.isEmpty() || missing.size() == KEYS.size()) {
            return Optional.empty();
        }
        return Optional.of(LogLine.success("single_bet_mode", "enabled", false,
                "missing", String.join(",", missing), "note", "all of " + String.join(",", KEYS)
                        + " are needed; reading the data file instead"));
    }

    private static List<String> missing(Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        for (String key : KEYS) {
            String value = env.get(key);
            if (value == null || value.isBlank()) {
                missing.add(key);
            }
        }
        return missing;
    }

    private static String keyOf(String field) {
        return switch (field) {
            case BetFields.FIRST_NAME -> FIRST_NAME;
            case BetFields.LAST_NAME -> LAST_NAME;
            case BetFields.DOCUMENT -> DOCUMENT;
            case BetFields.BIRTHDATE -> BIRTHDATE;
            case BetFields.NUMBER -> NUMBER;
            default -> String.join("+", KEYS); // the bet as a whole (too large)
        };
    }
}
