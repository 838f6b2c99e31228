package tp0.lottery.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The optional per-agency secrets of {@code AGENCY_SECRETS_FILE}: lines {@code <agency id>=<secret>},
 * {@code #} comments and blank lines ignored. With no file authentication is off and every
 * Hello is accepted, as in the exercise; with one, a Hello must carry its agency's secret, and
 * an agency missing from the file is refused.
 */
public final class AgencySecrets {

    /** Authentication off. */
    public static final AgencySecrets NONE = new AgencySecrets(null);

    /** Null when authentication is off. Secrets as UTF-8 bytes, compared in constant time. */
    private final Map<Integer, byte[]> secrets;

    private AgencySecrets(Map<Integer, byte[]> secrets) {
        this.secrets = secrets;
    }

    /** @throws ConfigException naming {@code key} when the file is unreadable or a line is invalid */
    public static AgencySecrets load(Path file, String key) throws ConfigException {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString(), key);
        } catch (IOException e) {
            // NoSuchFileException's message is only the path: name the exception too.
            throw new ConfigException(key, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    static AgencySecrets parse(List<String> lines, String source, String key) throws ConfigException {
        Map<Integer, byte[]> secrets = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            // Never quote the line in an error: it may hold a secret.
            String where = source + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(key, where + " is not '<agency id>=<secret>'");
            }
            int agency;
            try {
                agency = Integer.parseInt(line.substring(0, eq).strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(key, where + ": the agency id is not an integer");
            }
            String secret = line.substring(eq + 1).strip();
            if (agency < 1) {
                throw new ConfigException(key, where + ": agency ids start at 1");
            }
            if (secret.isEmpty()) {
                throw new ConfigException(key, where + ": empty secret for agency " + agency);
            }
            if (secrets.put(agency, secret.getBytes(StandardCharsets.UTF_8)) != null) {
                throw new ConfigException(key, where + ": agency " + agency + " appears twice");
            }
        }
        return new AgencySecrets(Map.copyOf(secrets));
    }

    public boolean enabled() {
        return secrets != null;
    }

    /** Whether {@code secret} lets a connection act as {@code agency}. */
    public boolean accepts(int agency, String secret) {
        if (secrets == null) {
            return true;
        }
        byte[] expected = secrets.get(agency);
        // Constant-time comparison: the answer's timing must not reveal how much of a guess was right.
        return expected != null && MessageDigest.isEqual(expected, secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Never the secrets themselves: settings may end up in a log or an assertion message. */
    @Override
    public String toString() {
        return secrets == null ? "AgencySecrets[off]" : "AgencySecrets[agencies=" + secrets.size() + "]";
    }
}
