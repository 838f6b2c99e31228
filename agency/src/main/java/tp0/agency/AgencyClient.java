package tp0.agency;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.function.LongSupplier;
import tp0.agency.bets.BetBatcher;
import tp0.agency.bets.BetFileException;
import tp0.agency.bets.BetSource;
import tp0.agency.bets.CsvBetReader;
import tp0.agency.bets.SingleBetSource;
import tp0.agency.config.AgencyConfig;
import tp0.agency.log.Log;
import tp0.agency.log.ProgressReporter;
import tp0.agency.net.BatchSender;
import tp0.agency.net.Connector;
import tp0.agency.net.ServerConnection;
import tp0.logline.LogLine;
import tp0.protocol.Bet;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * One agency's whole session: open the bets, connect, say Hello, send every batch, declare
 * all bets sent, then ask for (and wait for) the winners. {@link #run()} returns the exit
 * status instead of exiting, so tests drive the real flow in-process.
 *
 * <p>Failures travel as {@link AgencyFailure} and are logged once, here. A stop request
 * (SIGTERM/SIGINT) makes the flow unwind at the next check or at the blocked read the
 * closed socket interrupts; it then closes what is open, logs it and returns 0.
 */
public final class AgencyClient {
    /** Stop-and-wait: one batch in flight. A sliding window only raises this. */
    static final int MAX_BATCHES_IN_FLIGHT = 1;

    private static final String HELLO = "conectado";
    private static final String ALL_SENT = "apuestas_enviadas";
    private static final String WINNERS = "consulta_ganadores";

    private final AgencyConfig config;
    private final Log log;
    private final StopSignal stop;
    private final LongSupplier nanoClock;

    // What is open right now; whatever is left open when run() ends gets closed there.
    private BetSource source;
    private ServerConnection connection;

    public AgencyClient(AgencyConfig config, Log log, StopSignal stop) {
        this(config, log, stop, System::nanoTime);
    }

    AgencyClient(AgencyConfig config, Log log, StopSignal stop, LongSupplier nanoClock) {
        this.config = config;
        this.log = log;
        this.stop = stop;
        this.nanoClock = nanoClock;
    }

    /** Runs the session; returns an {@link ExitCodes} status. Call once. */
    public int run() {
        try {
            runSession();
            return ExitCodes.SUCCESS;
        } catch (StopRequested e) {
            return shutDown();
        } catch (AgencyFailure failure) {
            if (stop.isRequested()) {
                return shutDown(); // most likely our own closed socket, not a real failure
            }
            log.error(failure.logLine());
            return failure.exitCode();
        } finally {
            closeConnection();
            closeSource();
        }
    }

    private void runSession() throws AgencyFailure, StopRequested {
        checkStop();
        // The file first: a missing file should not cost a connection (or its retries).
        source = openSource();
        connection = connect();
        handshake();
        long sent = sendAllBets();
        closeSource();
        declareAllBetsSent(sent);
        receiveWinners();
        closeConnection();
    }

    private BetSource openSource() throws AgencyFailure {
        if (config.singleBet().isPresent()) {
            return new SingleBetSource(config.singleBet().get());
        }
        try {
            return CsvBetReader.open(config.dataFile());
        } catch (BetFileException e) {
            throw AgencyFailure.badData(e);
        }
    }

    private ServerConnection connect() throws AgencyFailure, StopRequested {
        Socket socket = new Connector(config.serverAddress(), config.connectTimeout(), log, stop, nanoClock).connect();
        try {
            return new ServerConnection(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw AgencyFailure.connectionLost("connect", e);
        }
    }

    private void handshake() throws AgencyFailure, StopRequested {
        checkStop();
        connection.send(new Message.Hello(Protocol.VERSION, config.clientId(), ""), HELLO);
        Message reply = connection.receive(HELLO);
        if (!(reply instanceof Message.Welcome welcome)) {
            throw AgencyFailure.unexpected(HELLO, reply);
        }
        if (welcome.version() != Protocol.VERSION) {
            throw new AgencyFailure(LogLine.fail(HELLO, "error", "server speaks protocol version "
                    + welcome.version() + ", this agency " + Protocol.VERSION), ExitCodes.FAILURE);
        }
        log.debug(LogLine.success(HELLO, "stored_bets", welcome.storedBets()));
    }

    /** Sends every batch and waits for all acks; returns the number of bets stored. */
    private long sendAllBets() throws AgencyFailure, StopRequested {
        ProgressReporter progress = new ProgressReporter(log, nanoClock);
        BatchSender sender = new BatchSender(connection, MAX_BATCHES_IN_FLIGHT, (count, storedBets) -> {
            log.debug(LogLine.success(BatchSender.ACTION, "cantidad", count));
            progress.acked(count);
        });
        BetBatcher batcher = new BetBatcher(source, config.batchMaxAmount());
        while (true) {
            checkStop(); // a stop means: send nothing more
            List<Bet> batch;
            try {
                batch = batcher.next();
            } catch (BetFileException e) {
                throw AgencyFailure.badData(e);
            }
            if (batch == null) {
                break;
            }
            sender.send(batch);
        }
        sender.awaitAllAcks();
        config.singleBet().ifPresent(bet -> log.info(LogLine.success("apuesta_enviada",
                "dni", bet.document(), "numero", bet.number())));
        return progress.acked();
    }

    private void declareAllBetsSent(long sent) throws AgencyFailure, StopRequested {
        checkStop();
        connection.send(Message.AllBetsSent.INSTANCE, ALL_SENT);
        Message reply = connection.receive(ALL_SENT);
        if (reply != Message.AllBetsSentAck.INSTANCE) {
            throw AgencyFailure.unexpected(ALL_SENT, reply);
        }
        log.info(LogLine.success(ALL_SENT, "cantidad", sent));
    }

    /** Blocks without a timeout: the draw happens only once every agency has finished. */
    private void receiveWinners() throws AgencyFailure, StopRequested {
        checkStop();
        connection.send(Message.WinnersQuery.INSTANCE, WINNERS);
        long winners = 0;
        while (true) {
            Message reply = connection.receive(WINNERS);
            if (!(reply instanceof Message.Winners frame)) {
                throw AgencyFailure.unexpected(WINNERS, reply);
            }
            for (String document : frame.documents()) {
                log.info(LogLine.success("ganador", "dni", document));
            }
            winners += frame.documents().size();
            if (frame.last()) {
                break;
            }
        }
        log.info(LogLine.success(WINNERS, "cant_ganadores", winners));
    }

    private void checkStop() throws StopRequested {
        if (stop.isRequested()) {
            throw new StopRequested();
        }
    }

    /** Closes what is open, logging each resource; returns 0 (a requested stop is a success). */
    private int shutDown() {
        boolean anyOpen = false;
        if (connection != null) {
            closeConnection();
            log.info(LogLine.success("shutdown", "resource", "connection"));
            anyOpen = true;
        }
        if (source != null) {
            boolean wasFile = source.isDataFile();
            closeSource();
            if (wasFile) {
                log.info(LogLine.success("shutdown", "resource", "data_file"));
                anyOpen = true;
            }
        }
        if (!anyOpen) {
            log.info(LogLine.success("shutdown", "resource", "none"));
        }
        return ExitCodes.SUCCESS;
    }

    private void closeConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private void closeSource() {
        if (source != null) {
            source.close();
            source = null;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Failing already.
        }
    }
}
