package tp0.lottery.draw;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;
import tp0.logline.LogLine;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.store.BetStore;

/**
 * Waits until every agency 1..N has said "all bets sent", asks the store to run the draw
 * once, then answers winner queries — the ones parked while waiting and any later ones —
 * each with the asking agency's winners only. A query is never answered with partial data.
 *
 * An agency's "all bets sent" counts (and is acknowledged) only once the store has made its
 * mark durable, so a restarted server, given the marks read back at start, never waits for
 * an agency that was already told its bets were closed — and draws at once if all were.
 */
public final class DrawCoordinator extends AbstractBehavior<DrawCoordinator.Command> {

    public interface Command {}

    /**
     * Agency {@code agency} sent all its bets; answered with an ack once the mark is durable, or
     * with an error if the store could not write it (then it does not count).
     */
    public record AgencyFinished(int agency, ActorRef<StatusReply<Done>> replyTo) implements Command {}

    /** Which of {@code agency}'s bettors won? Parked until the draw is held. */
    public record QueryWinners(int agency, ActorRef<WinnersAnswer> replyTo) implements Command {}

    public sealed interface WinnersAnswer {}

    public record AgencyWinners(int agency, List<String> documents) implements WinnersAnswer {}

    /** The draw could not be held (the store failed); the query will never be answered. */
    public record DrawUnavailable(String reason) implements WinnersAnswer {}

    private record DrawCompleted(BetStore.DrawOutcome outcome) implements Command {}

    private record QuerierGone(ActorRef<WinnersAnswer> querier) implements Command {}

    private record MarkWritten(BetStore.MarkReply reply) implements Command {}

    /**
     * @param initiallyFinished agencies whose mark was read back at start (ids outside 1..N are ignored)
     */
    public static Behavior<Command> create(int numAgencies, ActorRef<BetStore.Command> store,
                                           Set<Integer> initiallyFinished) {
        return create(numAgencies, store, initiallyFinished, LotteryMetrics.NONE);
    }

    /** @param metrics told of every agency that finished and of the draw (winners' counts only) */
    public static Behavior<Command> create(int numAgencies, ActorRef<BetStore.Command> store,
                                           Set<Integer> initiallyFinished, LotteryMetrics metrics) {
        return Behaviors.setup(ctx -> new DrawCoordinator(ctx, numAgencies, store, initiallyFinished, metrics));
    }

    private final LotteryMetrics metrics;

    private final int numAgencies;
    private final ActorRef<BetStore.Command> store;
    private final ActorRef<BetStore.MarkReply> markReplies;
    /** Agencies whose mark is durable. */
    private final Set<Integer> finished = new HashSet<>();
    /** Agencies whose mark is being written, with everyone waiting for it. */
    private final Map<Integer, List<ActorRef<StatusReply<Done>>>> marking = new HashMap<>();
    private final List<QueryWinners> parked = new ArrayList<>();
    private boolean drawRequested;
    /** Null until the draw is held. */
    private Map<Integer, List<String>> winners;
    private String failure;

    private DrawCoordinator(ActorContext<Command> context, int numAgencies, ActorRef<BetStore.Command> store,
                            Set<Integer> initiallyFinished, LotteryMetrics metrics) {
        super(context);
        this.metrics = metrics;
        this.numAgencies = numAgencies;
        this.store = store;
        this.markReplies = context.messageAdapter(BetStore.MarkReply.class, MarkWritten::new);
        for (int agency : initiallyFinished) {
            if (inRange(agency)) {
                finished.add(agency);
                metrics.agencyFinished(agency);
            }
        }
        // All finished before a restart: the draw is computed from bets.csv, so holding it now
        // gives what the crash-free run would have.
        drawIfAllFinished();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(AgencyFinished.class, this::onAgencyFinished)
                .onMessage(QueryWinners.class, this::onQueryWinners)
                .onMessage(DrawCompleted.class, this::onDrawCompleted)
                .onMessage(QuerierGone.class, this::onQuerierGone)
                .onMessage(MarkWritten.class, this::onMarkWritten)
                .build();
    }

    private boolean inRange(int agency) {
        return agency >= 1 && agency <= numAgencies;
    }

    private Behavior<Command> onAgencyFinished(AgencyFinished msg) {
        int agency = msg.agency();
        if (!inRange(agency) || finished.contains(agency)) {
            // Outside 1..N it never counts; already durable, nothing to write again.
            msg.replyTo().tell(StatusReply.ack());
        } else if (marking.containsKey(agency)) {
            marking.get(agency).add(msg.replyTo());
        } else {
            marking.put(agency, new ArrayList<>(List.of(msg.replyTo())));
            store.tell(new BetStore.MarkFinished(agency, markReplies));
        }
        return this;
    }

    private Behavior<Command> onMarkWritten(MarkWritten msg) {
        int agency = msg.reply().agency();
        List<ActorRef<StatusReply<Done>>> waiting = Objects.requireNonNullElse(marking.remove(agency), List.of());
        if (msg.reply() instanceof BetStore.MarkFailed failed) {
            // Not counted: the agency is told and may say it again.
            waiting.forEach(replyTo -> replyTo.tell(StatusReply.error(failed.reason())));
            return this;
        }
        finished.add(agency);
        metrics.agencyFinished(agency);
        waiting.forEach(replyTo -> replyTo.tell(StatusReply.ack()));
        drawIfAllFinished();
        return this;
    }

    private void drawIfAllFinished() {
        if (!drawRequested && finished.size() == numAgencies) {
            drawRequested = true;
            ActorRef<BetStore.DrawOutcome> adapter =
                    getContext().messageAdapter(BetStore.DrawOutcome.class, DrawCompleted::new);
            store.tell(new BetStore.Draw(adapter));
        }
    }

    private Behavior<Command> onQueryWinners(QueryWinners msg) {
        if (winners != null || failure != null) {
            answer(msg);
        } else if (parked.contains(msg)) {
            return this; // asked again (a cluster node's relay repeats its queries until answered)
        } else {
            parked.add(msg);
            getContext().watchWith(msg.replyTo(), new QuerierGone(msg.replyTo()));
        }
        return this;
    }

    private Behavior<Command> onDrawCompleted(DrawCompleted msg) {
        if (msg.outcome() instanceof BetStore.Drawn drawn) {
            winners = drawn.winnersByAgency();
            if (drawn.firstDraw()) {
                getContext().getLog().info(LogLine.success("sorteo"));
            } else { // held before (a restart, a new cluster singleton): the same draw, not a second one
                getContext().getLog().info(LogLine.success("sorteo_recuperado", "apuestas", drawn.betsRead()));
            }
            Map<Integer, Integer> counts = new HashMap<>();
            winners.forEach((agency, documents) -> counts.put(agency, documents.size()));
            metrics.drawHeld(counts);
        } else {
            failure = ((BetStore.DrawFailed) msg.outcome()).reason();
            getContext().getLog().error(LogLine.fail("sorteo", "error", failure));
            metrics.drawFailed(failure);
        }
        for (QueryWinners query : parked) {
            getContext().unwatch(query.replyTo());
            answer(query);
        }
        parked.clear();
        return this;
    }

    private Behavior<Command> onQuerierGone(QuerierGone msg) {
        parked.removeIf(query -> query.replyTo().equals(msg.querier()));
        return this;
    }

    private void answer(QueryWinners query) {
        if (winners != null) {
            query.replyTo().tell(new AgencyWinners(query.agency(), winners.getOrDefault(query.agency(), List.of())));
        } else {
            query.replyTo().tell(new DrawUnavailable(failure));
        }
    }
}
