package tp0.agency;

import java.util.ArrayList;
import java.util.List;
import tp0.agency.log.Log;
import tp0.agency.net.ConnectionLost;
import tp0.agency.net.ServerConnection;
import tp0.logline.LogLine;
import tp0.protocol.Message;

/**
 * The last phase of a session: ask for this agency's winners and wait as long as the draw
 * takes (it happens only once every agency has finished), while the server answers our
 * Pings; a server silent for the read timeout is a lost connection.
 */
final class WinnersPhase {
    static final String WINNERS = "consulta_ganadores";

    private WinnersPhase() {}

    /** Asks, collects every Winners frame up to the last, then logs them; {@code answered} runs per frame. */
    static void receiveWinners(ServerConnection connection, Log log, Runnable answered)
            throws AgencyFailure, ConnectionLost {
        connection.send(Message.WinnersQuery.INSTANCE, WINNERS);
        List<String> winners = new ArrayList<>();
        while (true) {
            Message reply = connection.receive(WINNERS);
            if (!(reply instanceof Message.Winners frame)) {
                throw AgencyFailure.unexpected(WINNERS, reply);
            }
            answered.run();
            winners.addAll(frame.documents());
            if (frame.last()) {
                break;
            }
        }
        // Logged once whole: a connection lost between frames asks again, and no line repeats.
        for (String document : winners) {
            log.info(LogLine.success("ganador", "dni", document));
        }
        log.info(LogLine.success(WINNERS, "cant_ganadores", winners.size()));
    }
}
