package tp0.lottery.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import tp0.lottery.ops.ClusterFigures;
import tp0.lottery.ops.LotteryStatus;
import tp0.lottery.ops.StatusJson;
import tp0.lottery.ops.StatusView;

/**
 * The whole lottery as this node shows it: its own {@link LotteryStatus} merged with the latest
 * {@link ClusterStatus.NodeView view} of every other node ({@link ClusterStatus} brings them), and
 * the members. Read by the HTTP port's threads; the views are immutable values swapped in whole.
 *
 * <p>The merge, for each agency: stored counts only grow and each node's count comes from the
 * database's guarded count, so the highest any view says is the truth; finished if any view says
 * so (the draw's coordinator, a singleton, is the one that knows); the draw as the view that has
 * it held (else failed, else waiting); the session at the node whose own view says it holds one,
 * among the live members only (a node that is unreachable or gone holds no session we could
 * vouch for).
 */
final class ClusterView implements StatusView, ClusterFigures {

    /**
     * One agency-by-agency merge of the views, indexed by agency id (0 unused); a session's node
     * null: no live session. Arrays, filled once by {@link #merge} and only read after.
     */
    static final class Merged {
        private final long[] stored;
        private final boolean[] finished;
        private final String[] sessionNode;
        private final LotteryStatus.Draw draw;

        private Merged(long[] stored, boolean[] finished, String[] sessionNode, LotteryStatus.Draw draw) {
            this.stored = stored;
            this.finished = finished;
            this.sessionNode = sessionNode;
            this.draw = draw;
        }

        long stored(int agency) {
            return stored[agency];
        }

        boolean finished(int agency) {
            return finished[agency];
        }

        String sessionNode(int agency) {
            return sessionNode[agency];
        }

        LotteryStatus.Draw draw() {
            return draw;
        }

        long total() {
            long total = 0;
            for (long count : stored) {
                total += count;
            }
            return total;
        }

        int finishedCount() {
            int n = 0;
            for (boolean flag : finished) {
                n += flag ? 1 : 0;
            }
            return n;
        }

        int sessions() {
            int n = 0;
            for (String node : sessionNode) {
                n += node != null ? 1 : 0;
            }
            return n;
        }
    }

    private final int numAgencies;
    private final LotteryStatus local;
    private final Supplier<Membership> membership;
    private final AtomicInteger ledgersHere;
    private final Map<String, ClusterStatus.NodeView> others = new ConcurrentHashMap<>();
    private final AtomicLong failovers = new AtomicLong();
    /** Per agency, the node that held its session when last seen (the actor's alone: see {@link #noteSessions}). */
    private final String[] lastHolder;
    private volatile boolean wasUp;

    ClusterView(LotteryStatus local, Supplier<Membership> membership, AtomicInteger ledgersHere) {
        this.numAgencies = local.numAgencies();
        this.local = local;
        this.membership = membership;
        this.ledgersHere = ledgersHere;
        this.lastHolder = new String[numAgencies + 1];
    }

    /** This node's own view, as the others get it. */
    ClusterStatus.NodeView own(String node) {
        List<Long> stored = new ArrayList<>(numAgencies);
        List<Integer> finished = new ArrayList<>();
        List<Integer> sessions = new ArrayList<>();
        for (int agency = 1; agency <= numAgencies; agency++) {
            stored.add(local.stored(agency));
            if (local.finished(agency)) {
                finished.add(agency);
            }
            if (local.connected(agency)) {
                sessions.add(agency);
            }
        }
        LotteryStatus.Draw draw = local.draw();
        return new ClusterStatus.NodeView(node, stored, finished, sessions, ledgersHere.get(),
                draw.heldAt() == null ? 0 : draw.heldAt().toEpochMilli(), draw.winnersByAgency(), draw.failure());
    }

    /** A view another node sent: it replaces that node's previous one. */
    void heard(ClusterStatus.NodeView view) {
        others.put(view.node(), view);
    }

    /**
     * Counts a failover for each agency whose session is on this node now and was last seen on
     * another. Called by the spreading actor only, once per round.
     */
    void noteSessions() {
        Membership members = membersNow();
        Merged merged = merge(numAgencies, own(members.self()), others.values(), members);
        for (int agency = 1; agency <= numAgencies; agency++) {
            String holder = merged.sessionNode(agency);
            if (holder == null) {
                continue;
            }
            if (holder.equals(members.self()) && lastHolder[agency] != null && !lastHolder[agency].equals(holder)) {
                failovers.incrementAndGet();
            }
            lastHolder[agency] = holder;
        }
    }

    /** Merges {@code own} with the {@code others}' views as the class comment says. Index = agency id. */
    static Merged merge(int numAgencies, ClusterStatus.NodeView own, Collection<ClusterStatus.NodeView> others,
                        Membership members) {
        long[] stored = new long[numAgencies + 1];
        boolean[] finished = new boolean[numAgencies + 1];
        String[] sessionNode = new String[numAgencies + 1];
        ClusterStatus.NodeView drawn = null;
        List<ClusterStatus.NodeView> views = new ArrayList<>(others.size() + 1);
        views.add(own);
        for (ClusterStatus.NodeView view : others) {
            if (!view.node().equals(own.node())) {
                views.add(view);
            }
        }
        for (int v = 0; v < views.size(); v++) {
            ClusterStatus.NodeView view = views.get(v);
            for (int agency = 1; agency <= Math.min(numAgencies, view.stored().size()); agency++) {
                stored[agency] = Math.max(stored[agency], view.stored().get(agency - 1));
            }
            for (int agency : view.finished()) {
                if (agency >= 1 && agency <= numAgencies) {
                    finished[agency] = true;
                }
            }
            if (members.live(view.node())) {
                for (int agency : view.sessions()) {
                    if (agency >= 1 && agency <= numAgencies && (sessionNode[agency] == null || v == 0)) {
                        sessionNode[agency] = view.node(); // this node's own word comes first: it is the freshest
                    }
                }
            }
            drawn = betterDraw(drawn, view);
        }
        LotteryStatus.Draw draw = drawn == null || drawn.drawAt() == 0 ? LotteryStatus.Draw.WAITING
                : new LotteryStatus.Draw(Instant.ofEpochMilli(drawn.drawAt()), drawn.winners(), drawn.drawFailure());
        return new Merged(stored, finished, sessionNode, draw);
    }

    /** Held beats failed beats waiting. */
    private static ClusterStatus.NodeView betterDraw(ClusterStatus.NodeView best, ClusterStatus.NodeView view) {
        return rank(view) > rank(best) ? view : best;
    }

    private static int rank(ClusterStatus.NodeView view) {
        if (view == null || view.drawAt() == 0) {
            return 0;
        }
        return view.drawFailure() == null ? 2 : 1;
    }

    @Override
    public String json() {
        Membership members = membership.get();
        Merged merged = merge(numAgencies, own(members.self()), others.values(), members);
        List<StatusJson.Member> shown = new ArrayList<>();
        for (Membership.MemberState member : members.members()) {
            ClusterStatus.NodeView view = others.get(member.node());
            boolean self = member.node().equals(members.self());
            shown.add(new StatusJson.Member(member.node(), member.reachable() ? member.status() : "unreachable", self,
                    self ? ledgersHere.get() : view != null ? view.ledgers() : 0));
        }
        if (shown.stream().noneMatch(StatusJson.Member::self)) { // not (or no longer) a member: still say who we are
            shown.add(new StatusJson.Member(members.self(), members.selfStatus(), true, ledgersHere.get()));
        }
        return StatusJson.write(numAgencies, local.listening(), merged.total(), merged.sessions(),
                merged.finishedCount(),
                agency -> new StatusJson.Row(agency, merged.sessionNode(agency) != null, merged.stored(agency),
                        merged.finished(agency), merged.sessionNode(agency)),
                merged.draw(), new StatusJson.Cluster(members.self(), shown));
    }

    /** {@code /health/ready}'s {@code cluster} check. */
    Optional<String> notReady() {
        return membersNow().notReady(wasUp);
    }

    /** The members as Pekko sees them now, noting whether this node has ever been Up (removed vs not yet joined). */
    private Membership membersNow() {
        Membership members = membership.get();
        if (members.selfStatus().equals("up")) {
            wasUp = true;
        }
        return members;
    }

    @Override
    public Map<String, Integer> membersByStatus() {
        Map<String, Integer> byStatus = new TreeMap<>();
        for (Membership.MemberState member : membership.get().members()) {
            byStatus.merge(member.status(), 1, Integer::sum);
        }
        return byStatus;
    }

    @Override
    public int unreachableMembers() {
        return (int) membership.get().members().stream().filter(m -> !m.reachable()).count();
    }

    @Override
    public int ledgersHere() {
        return ledgersHere.get();
    }

    @Override
    public long failovers() {
        return failovers.get();
    }
}
