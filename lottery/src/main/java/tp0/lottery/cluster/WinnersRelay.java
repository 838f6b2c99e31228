package tp0.lottery.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import tp0.logline.LogLine;
import tp0.lottery.draw.DrawCoordinator;

/**
 * This node's door to the cluster's draw coordinator (a Cluster Singleton, reached through its
 * proxy). Winners queries of this node's sessions are parked here, not only at the singleton: a
 * singleton that dies takes its parked queries along, so the relay asks again for every agency
 * still waiting, every {@link #REPEAT}, until the answer comes (the coordinator ignores a query
 * it already holds). Each session gets its own agency's winners only. "All bets sent" is asked of
 * the singleton again when it goes unanswered (lost with a singleton that died).
 */
public final class WinnersRelay {

    static final Duration REPEAT = Duration.ofSeconds(2);

    private WinnersRelay() {}

    /** An "all bets sent" asked of the singleton; {@code done} or {@code failure} once answered. */
    private record FinishAttempt(DrawCoordinator.AgencyFinished request, int attempt, Done done, Throwable failure)
            implements DrawCoordinator.Command {}

    /** Tries of an "all bets sent", {@link #FINISH_TIMEOUT} each: within the session's own 30 s ask. */
    static final int FINISH_ATTEMPTS = 5;
    static final Duration FINISH_TIMEOUT = Duration.ofSeconds(5);

    private record Answer(DrawCoordinator.WinnersAnswer answer) implements DrawCoordinator.Command {}

    private record QuerierGone(ActorRef<DrawCoordinator.WinnersAnswer> querier) implements DrawCoordinator.Command {}

    private enum Repeat implements DrawCoordinator.Command {
        INSTANCE
    }

    public static Behavior<DrawCoordinator.Command> create(ActorRef<DrawCoordinator.Command> singleton) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.setLoggerName(WinnersRelay.class);
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
                        ctx.getLog().info(LogLine.inProgress("consulta_ganadores", "agencia", q.agency(),
                                "estado", "esperando_sorteo"));
                        waiting.add(q.replyTo());
                        ctx.watchWith(q.replyTo(), new QuerierGone(q.replyTo()));
                        return Behaviors.same();
                    })
                    .onMessage(DrawCoordinator.AgencyFinished.class, f -> {
                        askFinished(ctx, singleton, new FinishAttempt(f, 1, null, null));
                        return Behaviors.same();
                    })
                    .onMessage(FinishAttempt.class, a -> {
                        if (a.done() != null) {
                            a.request().replyTo().tell(StatusReply.ack());
                        } else if (a.failure() instanceof StatusReply.ErrorMessage error) {
                            a.request().replyTo().tell(StatusReply.error(error.getMessage()));
                        } else if (a.attempt() < FINISH_ATTEMPTS) { // lost with a singleton that died: again
                            askFinished(ctx, singleton, new FinishAttempt(a.request(), a.attempt() + 1, null, null));
                        } else {
                            a.request().replyTo().tell(StatusReply.error("the draw coordinator did not answer"));
                        }
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

    /** The mark is idempotent (a finished agency is acknowledged again), so asking twice is safe. */
    private static void askFinished(org.apache.pekko.actor.typed.javadsl.ActorContext<DrawCoordinator.Command> ctx,
                                    ActorRef<DrawCoordinator.Command> singleton, FinishAttempt attempt) {
        ctx.askWithStatus(Done.class, singleton, FINISH_TIMEOUT,
                replyTo -> new DrawCoordinator.AgencyFinished(attempt.request().agency(), replyTo),
                (done, failure) -> new FinishAttempt(attempt.request(), attempt.attempt(), done, failure));
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
