package tp0.agency.cli;

/** What {@code --version} says: this build's version (from the jar's manifest) and the runtime's. */
public final class Version {
    private Version() {}

    /** e.g. {@code agency 1.0.0 (Java 17.0.15)}. */
    public static String describe() {
        String own = Version.class.getPackage().getImplementationVersion();
        return "agency " + (own != null ? own : "(version unknown: not run from its jar)")
                + " (Java " + Runtime.version() + ")";
    }
}
