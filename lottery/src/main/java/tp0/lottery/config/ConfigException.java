package tp0.lottery.config;

/** A missing or invalid setting; names the key so the one error line says what to fix. */
public final class ConfigException extends Exception {
    private final String key;

    public ConfigException(String key, String problem) {
        super(problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
