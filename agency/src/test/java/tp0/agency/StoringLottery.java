package tp0.agency;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * A fake lottery with a store that outlives connections, as the real one's bets.csv does:
 * every Welcome carries what it holds, so an agency that resumes right ends with each row
 * stored exactly once. It can be told to fail on a given connection, at a given batch.
 */
final class StoringLottery implements FakeLotteryServer.Sessions {

    /** How a connection goes wrong. */
    enum Fault {
        /** Answers the Hello with {@link Plan#code} and hangs up. */
        REFUSE_HELLO,
        /** Hangs up on batch {@link Plan#batch} without storing it (a crash before the write). */
        DROP_BEFORE_STORING,
        /** Stores batch {@link Plan#batch}, then hangs up before acking it: the ack is lost. */
        DROP_AFTER_STORING,
        /** Stores and acks batch {@link Plan#batch}, then hangs up. */
        DROP_AFTER_ACKING,
        /** Answers batch {@link Plan#batch} with an Error of {@link Plan#code} (not storing it) and hangs up. */
        ERROR_ON_BATCH,
        /**
         * Rejects batch {@link Plan#batch} with BatchRejected({@link Plan#code}) and every later one
         * too (as the real store does until a Welcome re-reads the count), stores none of them,
         * and keeps the connection until the agency hangs up (a database lost mid-ingestion).
         */
        REJECT_FROM_BATCH,
        /**
         * Acks AllBetsSent; on the WinnersQuery sends every Winners frame but the last, then
         * hangs up (a restart while the draw is awaited, or in the middle of its answer).
         */
        DROP_ON_WINNERS_QUERY,
        /** Takes the Hello and answers nothing until the agency hangs up. */
        SILENT,
        /**
         * From batch {@link Plan#batch} on, reads everything and answers nothing, Pings
         * included: a link gone dark without closing (the batch is not stored).
         */
        BLACK_HOLE,
        /**
         * Parks the WinnersQuery until the agency has sent four Pings (each answered), then
         * answers it: a draw that takes longer than the agency's read timeout.
         */
        SLOW_DRAW
    }

    record Plan(Fault fault, int batch, ErrorCode code, Runnable before) {}

    private final List<Bet> stored;
    private final List<List<String>> winnerFrames;
    private final Map<Integer, Plan> plans = new HashMap<>();
    private int lastConnection = Integer.MAX_VALUE;

    StoringLottery(List<List<String>> winnerFrames) {
        this(Collections.synchronizedList(new ArrayList<>()), winnerFrames);
    }

    private StoringLottery(List<Bet> stored, List<List<String>> winnerFrames) {
        this.stored = stored;
        this.winnerFrames = winnerFrames;
    }

    /**
     * Another node of the same lottery: the same store and winners, its own connections and
     * faults (which count that node's connections). Serve it with its own FakeLotteryServer.
     */
    StoringLottery anotherNode() {
        return new StoringLottery(stored, winnerFrames);
    }

    StoringLottery(String... winners) {
        this(List.of(List.of(winners)));
    }

    /** Bets the server already holds before the agency connects (stored by an earlier run). */
    StoringLottery holding(List<Bet> bets) {
        stored.addAll(bets);
        return this;
    }

    StoringLottery on(int connection, Fault fault) {
        return on(connection, fault, 0, null, () -> { });
    }

    StoringLottery on(int connection, Fault fault, int batch) {
        return on(connection, fault, batch, null, () -> { });
    }

    StoringLottery on(int connection, Fault fault, ErrorCode code) {
        return on(connection, fault, 0, code, () -> { });
    }

    /** {@code before} runs just before the fault, on the server's thread. */
    StoringLottery on(int connection, Fault fault, int batch, ErrorCode code, Runnable before) {
        plans.put(connection, new Plan(fault, batch, code, before));
        return this;
    }

    /** Takes no connection after {@code connection}: the server stays down. */
    StoringLottery downAfter(int connection) {
        lastConnection = connection;
        return this;
    }

    /** Loses the last {@code n} stored bets, as a server restored from an older copy would. */
    void forgetLast(int n) {
        synchronized (stored) {
            stored.subList(stored.size() - n, stored.size()).clear();
        }
    }

    List<Bet> stored() {
        synchronized (stored) {
            return List.copyOf(stored);
        }
    }

    @Override
    public FakeLotteryServer.Script connection(int number) {
        if (number > lastConnection) {
            return null;
        }
        Plan plan = plans.getOrDefault(number, new Plan(null, 0, null, () -> { }));
        return peer -> serve(peer, plan);
    }

    private void serve(FakeLotteryServer.Peer peer, Plan plan) throws Exception {
        FakeLotteryServer.expectHello(peer);
        if (plan.fault() == Fault.REFUSE_HELLO) {
            plan.before().run();
            peer.send(new Message.Error(plan.code(), plan.code().description));
            return;
        }
        if (plan.fault() == Fault.SILENT) {
            plan.before().run();
            while (peer.receive() != null) {
                // Its Pings too go unanswered, until the agency gives up on us.
            }
            return;
        }
        peer.send(new Message.Welcome(Protocol.VERSION, stored.size()));
        int batches = 0;
        while (true) {
            Message m = peer.receive();
            if (m == null) {
                return;
            }
            if (m == Message.Ping.INSTANCE) {
                peer.send(Message.Pong.INSTANCE);
            } else if (m instanceof Message.BetBatch batch) {
                batches++;
                Fault fault = batches == plan.batch() ? plan.fault() : null;
                if (fault != null && fault != Fault.REJECT_FROM_BATCH) {
                    plan.before().run();
                }
                if (fault == Fault.BLACK_HOLE) {
                    while (peer.receive() != null) {
                        // swallowed
                    }
                    return;
                }
                if (fault == Fault.DROP_BEFORE_STORING) {
                    return;
                }
                if (plan.fault() == Fault.REJECT_FROM_BATCH && batches >= plan.batch()) {
                    if (fault != null) {
                        plan.before().run();
                    }
                    try {
                        peer.send(new Message.BatchRejected(plan.code(), batch.bets().size()));
                    } catch (java.io.IOException hungUp) {
                        return; // the agency left after the first rejection, as it should
                    }
                    continue;
                }
                if (fault == Fault.ERROR_ON_BATCH) {
                    peer.send(new Message.Error(plan.code(), plan.code().description));
                    return;
                }
                stored.addAll(batch.bets());
                if (fault == Fault.DROP_AFTER_STORING) {
                    return;
                }
                peer.send(new Message.BatchAck(batch.bets().size(), stored.size()));
                if (fault == Fault.DROP_AFTER_ACKING) {
                    return;
                }
            } else if (m == Message.AllBetsSent.INSTANCE) {
                peer.send(Message.AllBetsSentAck.INSTANCE);
            } else if (m == Message.WinnersQuery.INSTANCE) {
                if (plan.fault() == Fault.DROP_ON_WINNERS_QUERY) {
                    plan.before().run();
                    for (List<String> frame : winnerFrames.subList(0, winnerFrames.size() - 1)) {
                        peer.send(new Message.Winners(frame, false));
                    }
                    return;
                }
                if (plan.fault() == Fault.SLOW_DRAW) {
                    plan.before().run();
                    for (int pings = 0; pings < 4; ) {
                        Message next = peer.receive();
                        if (next == null) {
                            return;
                        }
                        if (next != Message.Ping.INSTANCE) {
                            throw new AssertionError("unexpected " + next + " while the draw is awaited");
                        }
                        peer.send(Message.Pong.INSTANCE);
                        pings++;
                    }
                }
                FakeLotteryServer.sendWinners(peer, winnerFrames);
                return;
            } else {
                throw new AssertionError("unexpected " + m);
            }
        }
    }
}
