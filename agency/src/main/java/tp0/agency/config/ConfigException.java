package tp0.agency.config;

import tp0.logline.LogLine;

/** A missing or invalid setting; {@code key} is the env var or YAML key it came from. */
public final class ConfigException extends Exception {
    private final String key;
    private final String reason;

    public ConfigException(String key, String reason) {
        super(key + ": " + reason, null, false, false);
        this.key = key;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    public String reason() {
        return reason;
    }

    public String logLine() {
        return LogLine.fail("config", "key", key, "error", reason);
    }
}
