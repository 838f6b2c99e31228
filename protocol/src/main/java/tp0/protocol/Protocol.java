package tp0.protocol;

import java.time.Duration;

/** Protocol-wide constants. */
public final class Protocol {
    /**
     * Sent in Hello; Welcome answers with the version the session speaks. Version 2 adds the
     * heartbeat (Ping/Pong): a version-2 agency sends Ping whenever it has waited
     * {@link #MAX_PING_INTERVAL_MILLIS} without sending anything, and the server answers each
     * with Pong; the server closes a version-2 session that sends nothing for its heartbeat
     * timeout. A version-1 session is served as before (no heartbeat expected or sent).
     */
    public static final int VERSION = 2;

    /** The oldest version a server still serves. */
    public static final int MIN_VERSION = 1;

    /** The first version with Ping/Pong. */
    public static final int HEARTBEAT_VERSION = 2;

    /**
     * The longest a version-2 agency waits without sending a frame: a server's heartbeat
     * timeout must be well above it (the default 15 s is three of these).
     */
    public static final long MAX_PING_INTERVAL_MILLIS = 5_000;

    /**
     * The longest a server takes to answer a Hello while its own parts (the session registry, the
     * store counting the agency's bets) do not answer: by then it has sent Welcome, or a refusal to
     * retry later (SESSION_ACTIVE, STORAGE_FAILURE). It answers Pings meanwhile.
     */
    public static final Duration SERVER_HELLO_BOUND = Duration.ofSeconds(30);

    /**
     * What an agency adds to {@link #SERVER_HELLO_BOUND} when it waits for Welcome (the network,
     * a pause of either JVM): it waits at least their sum, so a refusal sent just before the
     * server's bound still reaches it, and it retries it (docs/reliability.md, "No budget that
     * ends when the answer comes").
     */
    public static final Duration HELLO_ANSWER_MARGIN = Duration.ofSeconds(5);

    private Protocol() {}
}
