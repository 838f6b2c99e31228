package tp0.lottery.cli;

/** What {@code --version} says: this build's version (from the jar's manifest) and the runtime's. */
public final class Version {
    private Version() {}

    /** e.g. {@code lottery 1.0.0 (Java 17.0.15, Pekko 1.7.0)}. */
    public static String describe() {
        String own = Version.class.getPackage().getImplementationVersion();
        return "lottery " + (own != null ? own : "(version unknown: not run from its jar)")
                + " (Java " + Runtime.version() + ", Pekko " + org.apache.pekko.Version.current() + ")";
    }
}
