package tp0.lottery.cluster;

import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.SessionLinks;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;

/**
 * This node's sessions' way to the agencies' ledgers (the shard region). A message the region
 * forwards to a node that has just died is lost with it, so the two questions a session asks —
 * its claim and its stored count, both safe to ask twice — are asked again every
 * {@link #RETRY} until answered (or given up after {@link #ATTEMPTS}; the session then refuses its
 * agency with a retryable error). Batches and releases go straight to the region, in the order
 * they come: a lost batch is the session's writer timeout's business (it lets the agency
 * reconnect and resume from the stored count).
 *
 * <p>Sessions hold a writer (the store's protocol) and a registry (the registry's protocol); here
 * both are one small actor per session, its link ({@link #links}): it wraps what the session
 * sends as {@link FromSession}, naming the session (the store's protocol does not, and the ledger
 * fences batches by it), and passes it to the door. One path, from the session through its link
 * to the door, so a session's release never overtakes its batches. Its requests are turned into
 * the ledger's own {@link AgencyLedger.Request requests}.
 */
final class LedgerDoor {

    /**
     * A claim sent before the dead node is removed is lost; one sent after waits in the region for
     * the shard's new home. So a failover's last step waits for the next retry after the removal:
     * up to this long (it was 1 s: 0.5 s off the failover's p50 and max).
     */
    static final Duration RETRY = Duration.ofMillis(500);
    /** ~28 s of retries in all. */
    static final int ATTEMPTS = 56;

    interface Command {}

    /** What {@code session} told its writer or its registry, through its link. */
    record FromSession(ActorRef<AgencySession.Command> session, SessionRequest request) implements Command {}

    /** What a session tells its writer or its registry. */
    sealed interface SessionRequest {}

    /** What a session told its writer: a batch, or its stored count. */
    record ToWriter(BetStore.Command request) implements SessionRequest {}

    /** What a session told its registry: a claim, or a release. */
    record ToRegistry(SessionRegistry.Command request) implements SessionRequest {}

    /**
     * One try of a question to the region, asked for {@code asker}; {@code reply} null while
     * unanswered and when that try timed out.
     */
    private record Attempt<R>(Function<ActorRef<R>, AgencyLedger.Request> question, Class<R> replyClass,
                              ActorRef<R> asker, int number, R reply) implements Command {}

    private LedgerDoor() {}

    /**
     * Spawns the door under {@code parent}; sessions reach it through the links it gives.
     *
     * @param metrics told which agencies' sessions this node holds (the ledger, the registry in a
     *                cluster, may live on another node)
     */
    static SessionLinks spawn(ActorContext<?> parent, ActorRef<AgencyLedger.Request> ledgers, String name,
                              LotteryMetrics metrics) {
        ActorRef<Command> door = parent.spawn(create(ledgers), name);
        ActorRef<Object> sessionless = parent.spawn(link(door, null), name + "-counts");
        return links(door, sessionless.narrow(), metrics);
    }

    /**
     * Each session's link to {@code door}, spawned in the session's context, so it stops with the
     * session. What it still held then goes with it, harmlessly: the ledger lets go of a holder
     * that stopped as it does on a release, and a batch never answered was never acknowledged.
     * {@code counts}: where counts are asked outside any session.
     */
    static SessionLinks links(ActorRef<Command> door, ActorRef<BetStore.Command> counts, LotteryMetrics metrics) {
        return new SessionLinks() {
            @Override
            public Links linksFor(ActorRef<AgencySession.Command> session, ActorContext<?> sessionContext) {
                ActorRef<Object> link = sessionContext.spawn(holding(link(door, session), metrics), "ledger-link");
                return new Links(link.narrow(), link.narrow());
            }

            @Override
            public ActorRef<BetStore.Command> counts() {
                return counts;
            }
        };
    }

    /** Passes on what {@code session} (null: none, for counts only) tells its writer and registry, naming it. */
    private static Behavior<Object> link(ActorRef<Command> door, ActorRef<AgencySession.Command> session) {
        return Behaviors.transformMessages(Object.class, Behaviors.<SessionRequest>receiveMessage(request -> {
            door.tell(new FromSession(session, request));
            return Behaviors.same();
        }), pf -> pf
                .match(BetStore.Command.class, ToWriter::new)
                .match(SessionRegistry.Command.class, ToRegistry::new));
    }

    /**
     * {@code passing}, telling {@code metrics} which agency this node's session holds: from the
     * claim it passes on (the ledger grants every claim at once) to its release or its stop — what
     * the registry tells them on a single server. The ledger may live on another node; the
     * status must know the node of the session.
     */
    private static Behavior<Object> holding(Behavior<Object> passing, LotteryMetrics metrics) {
        return Behaviors.intercept(() -> new BehaviorInterceptor<Object, Object>(Object.class) {
            private int held;

            @Override
            public Behavior<Object> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
                if (msg instanceof SessionRegistry.Claim claim && claim.agency() != held) {
                    letGo(metrics);
                    held = claim.agency();
                    metrics.agencyConnected(held);
                } else if (msg instanceof SessionRegistry.Release release && release.agency() == held) {
                    letGo(metrics);
                }
                return target.apply(ctx, msg);
            }

            @Override
            public Behavior<Object> aroundSignal(TypedActorContext<Object> ctx, Signal signal, SignalTarget<Object> target) {
                if (signal instanceof PostStop) {
                    letGo(metrics);
                }
                return target.apply(ctx, signal);
            }

            private void letGo(LotteryMetrics metrics) {
                if (held != 0) {
                    metrics.agencyDisconnected(held);
                    held = 0;
                }
            }
        }, passing);
    }

    static Behavior<Command> create(ActorRef<AgencyLedger.Request> ledgers) {
        return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
                .onMessage(FromSession.class, msg -> {
                    if (msg.request() instanceof ToWriter writer) {
                        onWriter(ctx, ledgers, msg.session(), writer.request());
                    } else if (msg.request() instanceof ToRegistry registry) {
                        onRegistry(ctx, ledgers, registry.request());
                    }
                    return Behaviors.same();
                })
                .onMessage(Attempt.class, attempt -> onAttempt(ctx, ledgers, attempt))
                .build());
    }

    private static void onWriter(ActorContext<Command> ctx, ActorRef<AgencyLedger.Request> ledgers,
                                 ActorRef<AgencySession.Command> session, BetStore.Command request) {
        if (request instanceof BetStore.StoreBatch batch) {
            ledgers.tell(new AgencyLedger.Append(batch.agency(), batch.batch(), session, batch.replyTo()));
        } else if (request instanceof BetStore.GetStoredCount count) {
            ask(ctx, ledgers, new Attempt<>(replyTo -> new AgencyLedger.GetStoredCount(count.agency(), replyTo),
                    BetStore.StoredCount.class, count.replyTo(), 1, null));
        }
    }

    private static void onRegistry(ActorContext<Command> ctx, ActorRef<AgencyLedger.Request> ledgers,
                                   SessionRegistry.Command request) {
        if (request instanceof SessionRegistry.Claim claim) {
            ask(ctx, ledgers, new Attempt<>(replyTo -> new AgencyLedger.Claim(claim.agency(), claim.session(), replyTo),
                    SessionRegistry.ClaimReply.class, claim.replyTo(), 1, null));
        } else if (request instanceof SessionRegistry.Release release) {
            ledgers.tell(new AgencyLedger.Release(release.agency(), release.session()));
        }
    }

    private static <R> Behavior<Command> onAttempt(ActorContext<Command> ctx, ActorRef<AgencyLedger.Request> ledgers,
                                                   Attempt<R> attempt) {
        if (attempt.reply() != null) {
            attempt.asker().tell(attempt.reply());
        } else if (attempt.number() < ATTEMPTS) {
            ask(ctx, ledgers, new Attempt<>(attempt.question(), attempt.replyClass(), attempt.asker(),
                    attempt.number() + 1, null));
        } // else: the session's own ask times out and it refuses its agency, which retries
        return Behaviors.same();
    }

    private static <R> void ask(ActorContext<Command> ctx, ActorRef<AgencyLedger.Request> ledgers, Attempt<R> attempt) {
        ctx.ask(attempt.replyClass(), ledgers, RETRY, attempt.question()::apply,
                (reply, failure) -> new Attempt<>(attempt.question(), attempt.replyClass(), attempt.asker(),
                        attempt.number(), reply));
    }
}
