package tp0.agency;

import java.util.Optional;
import tp0.agency.log.Log;
import tp0.logline.LogLine;
import tp0.protocol.Bet;

/**
 * Single-bet mode logs {@code apuesta_enviada} once, when it learns that this run's send
 * was stored: from its BatchAck or, if the ack was lost with the connection, from the
 * next Welcome's count. When the first Welcome already counts the bet, an earlier run
 * stored it, and only the resume line says so. Without a single bet it logs nothing.
 */
final class SingleBetNotice {
    private final Optional<Bet> bet;
    private final Log log;
    /** The first Welcome's count: what earlier runs of this agency stored. */
    private long storedAtStart = -1;
    private boolean announced;

    SingleBetNotice(Optional<Bet> bet, Log log) {
        this.bet = bet;
        this.log = log;
    }

    /** A Welcome's count; only the first one says what earlier runs stored. */
    void welcomed(long stored) {
        if (storedAtStart < 0) {
            storedAtStart = stored;
        }
    }

    /** The server holds {@code stored} of this agency's bets (a Welcome's or an ack's count). */
    void stored(long stored) {
        if (bet.isEmpty() || announced || storedAtStart != 0 || stored < 1) {
            return;
        }
        log.info(LogLine.success("apuesta_enviada", "dni", bet.get().document(), "numero", bet.get().number()));
        announced = true;
    }
}
