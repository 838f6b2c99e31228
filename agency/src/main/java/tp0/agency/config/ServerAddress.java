package tp0.agency.config;

/** Where the lottery server listens: {@code host:port}, or {@code [v6-literal]:port}. */
public record ServerAddress(String host, int port) {

    /**
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static ServerAddress parse(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("empty host in '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        return new ServerAddress(host, port);
    }

    /**
     * Built without '+': this runs for the config line, before the first batch, and a JVM's
     * first string concatenation bootstraps invokedynamic machinery (~25 ms of a ~300 ms
     * start). The same goes for the few other strings built before the first batch.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(host.length() + 8);
        if (host.indexOf(':') >= 0) {
            sb.append('[').append(host).append(']');
        } else {
            sb.append(host);
        }
        return sb.append(':').append(port).toString();
    }
}
