package tp0.lottery.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.cluster.MemberStatus;
import org.junit.jupiter.api.Test;

/** {@code /health/ready}'s {@code cluster} check: ready only while Up and reaching a majority. */
class MembershipTest {

    private static Membership.MemberState member(int port, String status, boolean reachable) {
        return new Membership.MemberState("127.0.0.1:" + port, status, reachable);
    }

    private static Membership self(String status, Membership.MemberState... members) {
        return new Membership("127.0.0.1:1", status, List.of(members));
    }

    @Test
    void upAndReachingAMajorityIsReady() {
        assertEquals(Optional.empty(), self("up", member(1, "up", true), member(2, "up", true),
                member(3, "up", true)).notReady(true));
        assertEquals(Optional.empty(), self("up", member(1, "up", true), member(2, "up", true),
                member(3, "up", false)).notReady(true), "2 of 3: still the majority");
        assertEquals(Optional.empty(), self("up", member(1, "up", true)).notReady(true), "alone in a cluster of one");
    }

    @Test
    void aMemberThatCannotSeeAMajorityIsNotReady() {
        Optional<String> twoFrozen = self("up", member(1, "up", true), member(2, "up", false), member(3, "up", false))
                .notReady(true);
        assertEquals(Optional.of("reaches 1 of 3 members: no majority"), twoFrozen);
        assertTrue(self("up", member(1, "up", true), member(2, "up", false)).notReady(true).isPresent(),
                "1 of 2 is no majority");
    }

    @Test
    void joiningLeavingDownedAndRemovedAreNotReadyAndSaySo() {
        assertTrue(self("joining").notReady(false).orElseThrow().startsWith("joining"));
        assertTrue(self("weakly_up").notReady(false).orElseThrow().startsWith("joining"));
        assertTrue(self("removed").notReady(false).orElseThrow().contains("no seed node answered"));
        assertEquals(Optional.of("removed from the cluster"), self("removed").notReady(true));
        assertTrue(self("down").notReady(true).orElseThrow().startsWith("downed"));
        assertTrue(self("leaving").notReady(true).orElseThrow().startsWith("leaving"));
        assertTrue(self("exiting").notReady(true).orElseThrow().startsWith("leaving"));
    }

    @Test
    void pekkosStatesAreNamedInSnakeCase() {
        assertEquals("up", Membership.name(MemberStatus.up()));
        assertEquals("weakly_up", Membership.name(MemberStatus.weaklyUp()));
        assertEquals("down", Membership.name(MemberStatus.down()));
    }
}
