package tp0.lottery.ops;

/**
 * The lottery as the HTTP port serves it ({@code /status}, {@code /events}, the page): on one
 * server its own {@link LotteryStatus}; in a cluster the whole lottery, this node's status merged
 * with the other nodes' (package {@code tp0.lottery.cluster}). The HTTP port only serves it.
 */
@FunctionalInterface
public interface StatusView {

    /** The status page's JSON object, now. */
    String json();
}
