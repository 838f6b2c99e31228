package tp0.lottery.cluster;

import java.sql.SQLException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import tp0.logline.LogLine;
import tp0.lottery.store.pg.PgDatabase;

/**
 * Fences a downed node out of the database: ends its backends, so the transaction it was in
 * the middle of rolls back and its locks on agencies' count rows are released before its
 * agencies' ledgers start elsewhere. Without this a node frozen (SIGSTOP, a stalled VM) between
 * its guarded count and its commit kept those rows locked for as long as it stayed frozen, and
 * every node that took its agencies over waited on them. The guarded count still refuses
 * whatever a downed node writes on a new connection.
 *
 * <p>Every surviving node fences (it is idempotent), when it sees the member downed and again
 * when it sees it removed, in case it learnt of the downing only through the removal. Runs on
 * the blocking dispatcher (JDBC).
 */
final class DatabaseFence {

    private DatabaseFence() {}

    static Behavior<ClusterEvent.MemberEvent> create(PgDatabase db) {
        return Behaviors.setup(ctx -> {
            ctx.setLoggerName(DatabaseFence.class);
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberEvent.class));
            Member self = cluster.selfMember();
            Logger log = ctx.getLog();
            return Behaviors.receive(ClusterEvent.MemberEvent.class)
                    .onMessage(ClusterEvent.MemberDowned.class, e -> fence(db, self, e.member(), log))
                    .onMessage(ClusterEvent.MemberRemoved.class, e -> e.previousStatus() == MemberStatus.down()
                            ? fence(db, self, e.member(), log) : Behaviors.same())
                    .onAnyMessage(e -> Behaviors.same())
                    .build();
        });
    }

    private static Behavior<ClusterEvent.MemberEvent> fence(PgDatabase db, Member self, Member downed, Logger log) {
        if (downed.uniqueAddress().equals(self.uniqueAddress())) {
            return Behaviors.same(); // this node stops; its own connections close with it
        }
        String member = hostPort(downed);
        try {
            int ended = db.endBackendsOf(applicationName(downed));
            log.info(LogLine.success("db_fence", "member", member, "backends_ended", ended));
        } catch (SQLException e) {
            log.error(LogLine.fail("db_fence", "member", member, "db", db.address(), "error",
                    String.valueOf(e.getMessage()).replace('\n', ' ').replace('|', '/')));
        }
        return Behaviors.same();
    }

    /** The name a member's connections carry (it named them so in {@link ClusterTopology#start}). */
    static String applicationName(Member member) {
        return PgDatabase.applicationNameOf(hostPort(member), member.uniqueAddress().longUid());
    }

    private static String hostPort(Member member) {
        return member.address().host().getOrElse(() -> "?") + ":" + member.address().port().getOrElse(() -> 0);
    }
}
