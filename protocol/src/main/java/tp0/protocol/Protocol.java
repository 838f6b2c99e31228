package tp0.protocol;

/** Protocol-wide constants. */
public final class Protocol {
    /** Sent in Hello and Welcome; a server refuses versions it does not speak. */
    public static final int VERSION = 1;

    private Protocol() {}
}
