package tp0.lottery.session;

import org.slf4j.Logger;
import tp0.logline.LogLine;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.ops.LotteryMetrics;
import tp0.lottery.store.BetStore;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.MessageType;

/**
 * What a session tells its peer, each with the log line that goes with it (the log lines are
 * part of what operators and the course's tests read). Where a reply goes is the caller's
 * {@link Outlet}: a closing session still logs what happens but sends nothing more.
 */
final class Answers {

    /** Where a reply goes. */
    interface Outlet {
        void send(Message message);
    }

    /** A closing session's: its connection takes nothing more. */
    static final Outlet SILENT = message -> { };

    private final Logger log;
    private final String peer;
    private final LotteryMetrics metrics;

    Answers(Logger log, String peer, LotteryMetrics metrics) {
        this.log = log;
        this.peer = peer;
        this.metrics = metrics;
    }

    /** A message refused; the connection goes on. */
    void refuse(Outlet to, ErrorCode code, String text) {
        log.warn(LogLine.fail("mensaje_invalido", "ip", peer, "code", code, "error", text));
        to.send(new Message.Error(code, text));
    }

    /** A connection refused before its agency is known (the caller sends the error and closes). */
    void connectionRefused(ErrorCode code, String text) {
        log.warn(LogLine.fail("conexion_rechazada", "ip", peer, "code", code, "error", text));
        metrics.connectionRefused(code);
    }

    /** A Hello for a valid agency id, refused (never logs the secret; the caller sends the error and closes). */
    void agencyRefused(int agency, ErrorCode code, String text) {
        log.warn(LogLine.fail("conexion_rechazada", "ip", peer, "agencia", agency, "code", code, "error", text));
        metrics.connectionRefused(code);
    }

    void batchStored(Outlet to, BetStore.Stored stored) {
        log.info(LogLine.success("apuesta_recibida", "cantidad", stored.count()));
        to.send(new Message.BatchAck(stored.count(), stored.agencyTotal()));
    }

    void batchRejected(Outlet to, int agency, ErrorCode code, int count, String reason) {
        log.warn(LogLine.fail("apuesta_recibida", "cantidad", count, "code", code, "agencia", agency, "error", reason));
        to.send(new Message.BatchRejected(code, count));
    }

    /** A frame whose content breaks the protocol: a batch is rejected whole, anything else refused. */
    void malformed(Outlet to, DecodeException error) {
        if (error.type() == MessageType.BET_BATCH) {
            int count = Math.max(0, error.declaredCount());
            log.warn(LogLine.fail("apuesta_recibida", "cantidad", count, "code", error.code(),
                    "ip", peer, "error", error.getMessage()));
            to.send(new Message.BatchRejected(error.code(), count));
            return;
        }
        log.warn(LogLine.fail("mensaje_invalido", "ip", peer, "code", error.code(), "error", error.getMessage()));
        to.send(new Message.Error(error.code(), error.getMessage()));
    }

    /** The parked winners query's answer: the documents in as many frames as they need, or why there are none. */
    void winners(Outlet to, int agency, DrawCoordinator.WinnersAnswer answer) {
        if (answer instanceof DrawCoordinator.AgencyWinners winners) {
            for (Message.Winners frame : Codec.winnersFrames(winners.documents())) {
                to.send(frame);
            }
            log.info(LogLine.success("ganadores_enviados", "agencia", agency, "cant_ganadores", winners.documents().size()));
        } else {
            DrawCoordinator.DrawUnavailable failed = (DrawCoordinator.DrawUnavailable) answer;
            log.error(LogLine.fail("ganadores_enviados", "agencia", agency, "error", failed.reason()));
            to.send(new Message.Error(ErrorCode.STORAGE_FAILURE, "the draw failed: " + failed.reason()));
        }
    }

    /**
     * Whether "all bets sent" is durable ({@code failure} null), logged; on success the peer is
     * acknowledged, on failure the caller closes with STORAGE_FAILURE.
     */
    boolean allBetsSentRecorded(Outlet to, int agency, Throwable failure) {
        if (failure != null) {
            log.error(LogLine.fail("agencia_finalizada", "agencia", agency, "error", String.valueOf(failure.getMessage())));
            return false;
        }
        log.info(LogLine.success("agencia_finalizada", "agencia", agency));
        to.send(Message.AllBetsSentAck.INSTANCE);
        return true;
    }
}
