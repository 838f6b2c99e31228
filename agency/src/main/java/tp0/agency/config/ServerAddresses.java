package tp0.agency.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The lottery nodes the agency may talk to, in the order it tries them: one or more distinct
 * {@code host:port}, written comma-separated ({@code server1:12345,server2:12345}). One address
 * is today's single server; several are the nodes of a cluster, any of which takes the agency.
 */
public record ServerAddresses(List<ServerAddress> all) {

    public ServerAddresses {
        all = List.copyOf(all);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no server address");
        }
    }

    public static ServerAddresses of(ServerAddress... addresses) {
        return new ServerAddresses(List.of(addresses));
    }

    /**
     * Whitespace around the commas is ignored; an empty entry, an entry that is not
     * {@code host:port} and a node listed twice are refused.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static ServerAddresses parse(String text) {
        if (text.indexOf(',') < 0) { // the usual single server: no list to build
            return new ServerAddresses(List.of(ServerAddress.parse(text)));
        }
        String[] entries = text.split(",", -1);
        List<ServerAddress> all = new ArrayList<>(entries.length);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("entry " + (i + 1) + " of the list is empty");
            }
            ServerAddress address;
            try {
                address = ServerAddress.parse(entry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("entry " + (i + 1) + ": " + e.getMessage());
            }
            // Host names are case-insensitive; "Server:1" and "server:1" are the same node.
            if (!seen.add(address.host().toLowerCase(Locale.ROOT) + " " + address.port())) {
                throw new IllegalArgumentException("'" + address + "' is listed twice");
            }
            all.add(address);
        }
        return new ServerAddresses(all);
    }

    public int size() {
        return all.size();
    }

    public ServerAddress get(int index) {
        return all.get(index);
    }

    /** As written in the config: comma-separated, no spaces (built without '+', see ServerAddress.toString). */
    @Override
    public String toString() {
        if (all.size() == 1) {
            return all.get(0).toString();
        }
        StringBuilder sb = new StringBuilder();
        for (ServerAddress address : all) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(address);
        }
        return sb.toString();
    }
}
