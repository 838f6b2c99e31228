package tp0.agency.bets;

/** One field of a bet breaks a rule; the caller adds where the bet came from (file line, env var). */
public final class InvalidBetField extends Exception {
    private final String field;
    private final String reason;

    public InvalidBetField(String field, String reason) {
        super(field + ": " + reason, null, false, false);
        this.field = field;
        this.reason = reason;
    }

    /** One of the {@code BetFields} field names. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
