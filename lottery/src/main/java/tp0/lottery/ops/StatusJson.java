package tp0.lottery.ops;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The status page's JSON, one writer for one server's own status and for the cluster's merged
 * view: the same fields in the same order, so a page (or a script) reads both alike. The
 * cluster's additions — which node holds each agency's session, this node, the members — are
 * written only when given, so a single server's answer stays what it always was.
 */
public final class StatusJson {

    /** One agency's row; {@code node} null on a single server (no field), or when no node holds a session. */
    public record Row(int id, boolean connected, long stored, boolean finished, String node) {}

    /** A cluster member as the page lists it: its address, its state, whether it is this node, its ledgers. */
    public record Member(String node, String status, boolean self, int ledgers) {}

    /** The cluster's part: this node's address, the members. */
    public record Cluster(String self, List<Member> members) {}

    private StatusJson() {}

    /**
     * @param rows    agency id (1..) to its row; asked for the first {@link LotteryStatus#ROW_LIMIT} only
     * @param cluster null on a single server
     */
    public static String write(int numAgencies, boolean listening, long total, int connected, int finished,
                               IntFunction<Row> rows, LotteryStatus.Draw draw, Cluster cluster) {
        int shown = Math.min(numAgencies, LotteryStatus.ROW_LIMIT);
        StringBuilder out = new StringBuilder(192 + 80 * shown);
        out.append("{\"time\":").append(System.currentTimeMillis())
                .append(",\"agencies\":").append(numAgencies)
                .append(",\"listening\":").append(listening)
                .append(",\"total\":").append(total)
                .append(",\"connected\":").append(connected)
                .append(",\"finished\":").append(finished)
                .append(",\"hiddenRows\":").append(numAgencies - shown)
                .append(",\"rows\":[");
        for (int agency = 1; agency <= shown; agency++) {
            Row row = rows.apply(agency);
            out.append(agency > 1 ? "," : "").append("{\"id\":").append(agency)
                    .append(",\"connected\":").append(row.connected())
                    .append(",\"stored\":").append(row.stored())
                    .append(",\"finished\":").append(row.finished());
            if (cluster != null) {
                out.append(",\"node\":").append(row.node() == null ? "null" : Json.quote(row.node()));
            }
            out.append('}');
        }
        out.append("],\"draw\":");
        writeDraw(out, draw);
        if (cluster != null) {
            out.append(",\"node\":").append(Json.quote(cluster.self())).append(",\"members\":[");
            boolean first = true;
            for (Member member : cluster.members()) {
                out.append(first ? "" : ",").append("{\"node\":").append(Json.quote(member.node()))
                        .append(",\"status\":").append(Json.quote(member.status()))
                        .append(",\"self\":").append(member.self())
                        .append(",\"ledgers\":").append(member.ledgers()).append('}');
                first = false;
            }
            out.append(']');
        }
        return out.append('}').toString();
    }

    private static void writeDraw(StringBuilder out, LotteryStatus.Draw draw) {
        if (draw.heldAt() == null) {
            out.append("{\"state\":\"waiting\"}");
        } else if (draw.failure() != null) {
            out.append("{\"state\":\"failed\",\"at\":").append(Json.quote(draw.heldAt().toString()))
                    .append(",\"error\":").append(Json.quote(draw.failure())).append('}');
        } else {
            int totalWinners = draw.winnersByAgency().values().stream().mapToInt(Integer::intValue).sum();
            out.append("{\"state\":\"held\",\"at\":").append(Json.quote(draw.heldAt().toString()))
                    .append(",\"winners\":").append(totalWinners)
                    .append(",\"winnersByAgency\":{");
            boolean first = true;
            for (Map.Entry<Integer, Integer> e : new TreeMap<>(draw.winnersByAgency()).entrySet()) {
                out.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
                first = false;
            }
            out.append("}}");
        }
    }
}
