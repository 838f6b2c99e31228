package tp0.lottery.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tp0.lottery.ops.LotteryStatus;

/** The merge of the nodes' views into one lottery, and what this node's page and metrics make of it. */
class ClusterViewTest {

    private static final String N1 = "127.0.0.1:1";
    private static final String N2 = "127.0.0.1:2";
    private static final String N3 = "127.0.0.1:3";

    private static Membership.MemberState up(String node) {
        return new Membership.MemberState(node, "up", true);
    }

    private static Membership allUp() {
        return new Membership(N1, "up", List.of(up(N1), up(N2), up(N3)));
    }

    private static ClusterStatus.NodeView view(String node, List<Long> stored, List<Integer> finished,
                                               List<Integer> sessions) {
        return new ClusterStatus.NodeView(node, stored, finished, sessions, 0, 0, Map.of(), null);
    }

    private static List<Long> stored(int agencies, ClusterView.Merged merged) {
        return IntStream.rangeClosed(1, agencies).mapToObj(merged::stored).toList();
    }

    private static List<Boolean> finished(int agencies, ClusterView.Merged merged) {
        return IntStream.rangeClosed(1, agencies).mapToObj(merged::finished).toList();
    }

    private static List<String> sessionNodes(int agencies, ClusterView.Merged merged) {
        return IntStream.rangeClosed(1, agencies).mapToObj(merged::sessionNode).toList();
    }

    @Test
    void storedIsTheHighestCountAnyNodeSawFinishedIsAnyNodesWordAndTheDrawIsWhereItWasHeld() {
        // The measurement: each node saw only its own part.
        ClusterStatus.NodeView own = view(N1, List.of(20_000L, 20_000L, 0L), List.of(1, 2), List.of());
        ClusterStatus.NodeView second = view(N2, List.of(0L, 20_000L, 20_000L), List.of(3), List.of());
        ClusterStatus.NodeView third = new ClusterStatus.NodeView(N3, List.of(19_000L, 0L, 20_000L), List.of(),
                List.of(), 1, 1_767_000_000_000L, Map.of(1, 3, 3, 1), null);

        ClusterView.Merged merged = ClusterView.merge(3, own, List.of(second, third), allUp());

        assertEquals(List.of(20_000L, 20_000L, 20_000L), stored(3, merged));
        assertEquals(60_000, merged.total());
        assertEquals(List.of(true, true, true), finished(3, merged));
        assertTrue(merged.draw().held());
        assertEquals(Map.of(1, 3, 3, 1), merged.draw().winnersByAgency());
    }

    @Test
    void aHeldDrawBeatsAFailedOneAndAFailedOneBeatsWaiting() {
        ClusterStatus.NodeView waiting = view(N1, List.of(1L), List.of(1), List.of());
        ClusterStatus.NodeView failed = new ClusterStatus.NodeView(N2, List.of(1L), List.of(), List.of(), 0, 5, Map.of(),
                "database: gone");
        ClusterStatus.NodeView held = new ClusterStatus.NodeView(N3, List.of(1L), List.of(), List.of(), 0, 9,
                Map.of(1, 1), null);

        assertEquals("database: gone", ClusterView.merge(1, waiting, List.of(failed), allUp()).draw().failure());
        assertTrue(ClusterView.merge(1, waiting, List.of(failed, held), allUp()).draw().held());
        assertTrue(ClusterView.merge(1, waiting, List.of(held, failed), allUp()).draw().held());
        assertFalse(ClusterView.merge(1, waiting, List.of(), allUp()).draw().held());
    }

    @Test
    void eachSessionIsAtTheLiveNodeThatHoldsItAndAnUnreachableNodesSessionsAreNotVouchedFor() {
        ClusterStatus.NodeView own = view(N1, List.of(5L, 5L, 5L), List.of(), List.of(1));
        ClusterStatus.NodeView second = view(N2, List.of(5L, 5L, 5L), List.of(), List.of(2));
        ClusterStatus.NodeView third = view(N3, List.of(5L, 5L, 9L), List.of(), List.of(3));
        Membership thirdUnreachable = new Membership(N1, "up",
                List.of(up(N1), up(N2), new Membership.MemberState(N3, "up", false)));

        ClusterView.Merged all = ClusterView.merge(3, own, List.of(second, third), allUp());
        ClusterView.Merged partial = ClusterView.merge(3, own, List.of(second, third), thirdUnreachable);

        assertEquals(Arrays.asList(N1, N2, N3), sessionNodes(3, all));
        assertEquals(3, all.sessions());
        assertEquals(Arrays.asList(N1, N2, null), sessionNodes(3, partial));
        assertEquals(9, partial.stored(3), "what it stored still counts: counts only grow");
    }

    @Test
    void aRemovedNodesSessionsAreGoneAndThisNodesOwnWordOnASessionComesFirst() {
        ClusterStatus.NodeView own = view(N1, List.of(5L), List.of(), List.of(1));
        ClusterStatus.NodeView staleFromN2 = view(N2, List.of(5L), List.of(), List.of(1)); // taken over since
        Membership n2Removed = new Membership(N1, "up",
                List.of(up(N1), new Membership.MemberState(N2, "removed", true)));

        assertEquals(N1, ClusterView.merge(1, own, List.of(staleFromN2), allUp()).sessionNode(1));
        ClusterStatus.NodeView ownWithout = view(N1, List.of(5L), List.of(), List.of());
        assertEquals(null, ClusterView.merge(1, ownWithout, List.of(staleFromN2), n2Removed).sessionNode(1));
    }

    @Test
    void thePageShowsTheMergedLotteryWithEachRowsNodeAndTheMembers() {
        LotteryStatus local = new LotteryStatus(2);
        local.agencyConnected(1);
        local.batchStored(1, 100, 100);
        ClusterView view = new ClusterView(local, ClusterViewTest::allUp, new AtomicInteger(1));
        view.heard(new ClusterStatus.NodeView(N2, List.of(0L, 300L), List.of(2), List.of(2), 1, 0, Map.of(), null));

        String json = view.json();

        assertTrue(json.contains("\"total\":400,\"connected\":2,\"finished\":1,"), json);
        assertTrue(json.contains("{\"id\":1,\"connected\":true,\"stored\":100,\"finished\":false,\"node\":\"" + N1 + "\"}"),
                json);
        assertTrue(json.contains("{\"id\":2,\"connected\":true,\"stored\":300,\"finished\":true,\"node\":\"" + N2 + "\"}"),
                json);
        assertTrue(json.contains("\"node\":\"" + N1 + "\",\"members\":[{\"node\":\"" + N1
                + "\",\"status\":\"up\",\"self\":true,\"ledgers\":1},{\"node\":\"" + N2
                + "\",\"status\":\"up\",\"self\":false,\"ledgers\":1},"), json);
    }

    @Test
    void aSessionThatCameHereFromAnotherNodeIsAFailover() {
        LotteryStatus local = new LotteryStatus(2);
        ClusterView view = new ClusterView(local, ClusterViewTest::allUp, new AtomicInteger());
        view.heard(view(N2, List.of(10L, 0L), List.of(), List.of(1)));
        view.noteSessions();
        assertEquals(0, view.failovers());

        view.heard(view(N2, List.of(10L, 0L), List.of(), List.of())); // its node lost it...
        local.agencyConnected(1); // ...and it reconnected here
        view.noteSessions();
        local.agencyConnected(2); // a first session is no failover
        view.noteSessions();

        assertEquals(1, view.failovers());
    }

    @Test
    void theMetricsCountMembersByStateAndTheUnreachable() {
        AtomicReference<Membership> now = new AtomicReference<>(new Membership(N1, "up", List.of(up(N1),
                new Membership.MemberState(N2, "up", false), new Membership.MemberState(N3, "joining", true))));
        ClusterView view = new ClusterView(new LotteryStatus(1), now::get, new AtomicInteger(3));

        assertEquals(Map.of("up", 2, "joining", 1), view.membersByStatus());
        assertEquals(1, view.unreachableMembers());
        assertEquals(3, view.ledgersHere());
    }
}
