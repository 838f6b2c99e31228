package tp0.lottery.draw;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tp0.logline.LogLine;
import tp0.lottery.store.BetStore;

/**
 * Waits until every agency 1..N has said "all bets sent", asks the store to run the draw
 * once, then answers winner queries — the ones parked while waiting and any later ones —
 * each with the asking agency's winners only. A query is never answered with partial data.
 */
public final class DrawCoordinator extends AbstractBehavior<DrawCoordinator.Command> {

    public interface Command {}

    /** Agency {@code agency} sent all its bets; answered with Done once recorded. */
    public record AgencyFinished(int agency, ActorRef<Done> replyTo) implements Command {}

    /** Which of {@code agency}'s bettors won? Parked until the draw is held. */
    public record QueryWinners(int agency, ActorRef<WinnersAnswer> replyTo) implements Command {}

    public sealed interface WinnersAnswer {}

    public record AgencyWinners(int agency, List<String> documents) implements WinnersAnswer {}

    /** The draw could not be held (the store failed); the query will never be answered. */
    public record DrawUnavailable(String reason) implements WinnersAnswer {}

    private record DrawCompleted(BetStore.DrawOutcome outcome) implements Command {}

    private record QuerierGone(ActorRef<WinnersAnswer> querier) implements Command {}

    public static Behavior<Command> create(int numAgencies, ActorRef<BetStore.Command> store) {
        return Behaviors.setup(ctx -> new DrawCoordinator(ctx, numAgencies, store));
    }

    private final int numAgencies;
    private final ActorRef<BetStore.Command> store;
    private final Set<Integer> finished = new HashSet<>();
    private final List<QueryWinners> parked = new ArrayList<>();
    private boolean drawRequested;
    /** Null until the draw is held. */
    private Map<Integer, List<String>> winners;
    private String failure;

    private DrawCoordinator(ActorContext<Command> context, int numAgencies, ActorRef<BetStore.Command> store) {
        super(context);
        this.numAgencies = numAgencies;
        this.store = store;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(AgencyFinished.class, this::onAgencyFinished)
                .onMessage(QueryWinners.class, this::onQueryWinners)
                .onMessage(DrawCompleted.class, this::onDrawCompleted)
                .onMessage(QuerierGone.class, this::onQuerierGone)
                .build();
    }

    private Behavior<Command> onAgencyFinished(AgencyFinished msg) {
        if (msg.agency() >= 1 && msg.agency() <= numAgencies) {
            finished.add(msg.agency());
        }
        msg.replyTo().tell(Done.getInstance());
        if (!drawRequested && finished.size() == numAgencies) {
            drawRequested = true;
            ActorRef<BetStore.DrawOutcome> adapter =
                    getContext().messageAdapter(BetStore.DrawOutcome.class, DrawCompleted::new);
            store.tell(new BetStore.Draw(adapter));
        }
        return this;
    }

    private Behavior<Command> onQueryWinners(QueryWinners msg) {
        if (winners != null || failure != null) {
            answer(msg);
        } else {
            parked.add(msg);
            getContext().watchWith(msg.replyTo(), new QuerierGone(msg.replyTo()));
        }
        return this;
    }

    private Behavior<Command> onDrawCompleted(DrawCompleted msg) {
        if (msg.outcome() instanceof BetStore.Drawn drawn) {
            winners = drawn.winnersByAgency();
            getContext().getLog().info(LogLine.success("sorteo"));
        } else {
            failure = ((BetStore.DrawFailed) msg.outcome()).reason();
            getContext().getLog().error(LogLine.fail("sorteo", "error", failure));
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
