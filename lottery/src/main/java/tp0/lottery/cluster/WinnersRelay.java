package tp0.lottery.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tp0.lottery.draw.DrawCoordinator;

/**
 * This node's door to the cluster's draw coordinator (a Cluster Singleton, reached through its
 * proxy). Winners queries of this node's sessions are parked here, not only at the singleton: a
 * singleton that dies takes its parked queries along, so the relay asks again for every agency
 * still waiting, every {@link #REPEAT}, until the answer comes (the coordinator ignores a query
 * it already holds). Each session gets its own agency's winners only. "All bets sent" goes
 * straight through: its ask is answered by the singleton, and retried by the agency if lost.
 */
public final class WinnersRelay {

    static final Duration REPEAT = Duration.ofSeconds(2);

    private WinnersRelay() {}

    private record Answer(DrawCoordinator.WinnersAnswer answer) implements DrawCoordinator.Command {}

    private record QuerierGone(ActorRef<DrawCoordinator.WinnersAnswer> querier) implements DrawCoordinator.Command {}

    private enum Repeat implements DrawCoordinator.Command {
        INSTANCE
    }

    public static Behavior<DrawCoordinator.Command> create(ActorRef<DrawCoordinator.Command> singleton) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ActorRef<DrawCoordinator.WinnersAnswer> answers =
                    ctx.messageAdapter(DrawCoordinator.WinnersAnswer.class, Answer::new);
            Map<Integer, List<ActorRef<DrawCoordinator.WinnersAnswer>>> parked = new HashMap<>();
            Map<Integer, DrawCoordinator.AgencyWinners> known = new HashMap<>();
            timers.startTimerWithFixedDelay(Repeat.INSTANCE, Repeat.INSTANCE, REPEAT);
            return Behaviors.receive(DrawCoordinator.Command.class)
                    .onMessage(DrawCoordinator.QueryWinners.class, q -> {
                        DrawCoordinator.AgencyWinners answer = known.get(q.agency());
                        if (answer != null) { // the draw is final: what it said once it says again
                            q.replyTo().tell(answer);
                            return Behaviors.same();
                        }
                        List<ActorRef<DrawCoordinator.WinnersAnswer>> waiting =
                                parked.computeIfAbsent(q.agency(), a -> new ArrayList<>());
                        if (waiting.isEmpty()) {
                            singleton.tell(new DrawCoordinator.QueryWinners(q.agency(), answers));
                        }
                        waiting.add(q.replyTo());
                        ctx.watchWith(q.replyTo(), new QuerierGone(q.replyTo()));
                        return Behaviors.same();
                    })
                    .onMessage(DrawCoordinator.AgencyFinished.class, f -> {
                        singleton.tell(f);
                        return Behaviors.same();
                    })
                    .onMessage(Answer.class, a -> {
                        if (a.answer() instanceof DrawCoordinator.AgencyWinners winners) {
                            known.put(winners.agency(), winners);
                            answerAll(ctx, parked.remove(winners.agency()), winners);
                        } else { // the draw failed: every query waiting hears it
                            for (List<ActorRef<DrawCoordinator.WinnersAnswer>> waiting : parked.values()) {
                                answerAll(ctx, waiting, a.answer());
                            }
                            parked.clear();
                        }
                        return Behaviors.same();
                    })
                    .onMessage(QuerierGone.class, g -> {
                        parked.values().forEach(waiting -> waiting.remove(g.querier()));
                        parked.values().removeIf(List::isEmpty);
                        return Behaviors.same();
                    })
                    .onMessageEquals(Repeat.INSTANCE, () -> {
                        for (Integer agency : parked.keySet()) {
                            singleton.tell(new DrawCoordinator.QueryWinners(agency, answers));
                        }
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    private static void answerAll(org.apache.pekko.actor.typed.javadsl.ActorContext<DrawCoordinator.Command> ctx,
                                  List<ActorRef<DrawCoordinator.WinnersAnswer>> waiting,
                                  DrawCoordinator.WinnersAnswer answer) {
        if (waiting == null) {
            return;
        }
        for (ActorRef<DrawCoordinator.WinnersAnswer> querier : waiting) {
            ctx.unwatch(querier);
            querier.tell(answer);
        }
    }
}
