package tp0.agency;

import java.io.IOException;
import java.net.Socket;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import tp0.agency.bets.BetCursor;
import tp0.agency.bets.BetFileException;
import tp0.agency.bets.BetSource;
import tp0.agency.bets.CsvBetReader;
import tp0.agency.bets.SingleBetSource;
import tp0.agency.config.AgencyConfig;
import tp0.agency.log.Log;
import tp0.agency.log.LogLevel;
import tp0.agency.log.ProgressReporter;
import tp0.agency.net.BatchSender;
import tp0.agency.net.ConnectionLost;
import tp0.agency.net.Connector;
import tp0.agency.net.Link;
import tp0.agency.net.IoErrors;
import tp0.agency.net.Outage;
import tp0.agency.net.ServerConnection;
import tp0.logline.LogLine;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * One agency's whole run: open the bets, connect, say Hello, send every batch the server
 * does not hold yet, declare all bets sent, then ask for (and wait for) the winners.
 * {@link #run()} returns the exit status instead of exiting, so tests drive the real flow
 * in-process.
 *
 * <p>Batches are pipelined: up to {@code batch.window} are sent ahead of their acks, which
 * come back in order ({@link BatchPipeline}). The all-sent line reports the acks' round trips
 * (p50, p99) over this run ({@link AllSentNotice}).
 *
 * <p>Exactly once: the server's Welcome says how many of our bets it holds durably, and we
 * continue from that row of the file. So when the connection is lost at any step, we
 * reconnect (within {@code connectTimeout} of the loss), say Hello again and go on from the
 * new Welcome's count; batches that were in flight (up to a window of them, some perhaps
 * stored, some not) are just derived from the file again from that count.
 *
 * <p>With several lottery nodes ({@code server.address} a list) a lost connection is resumed
 * the same way on whichever node answers next, since every node serves every agency from the
 * same store; {@link Connector} says in what order they are tried. The {@code conectado} and
 * {@code connection_lost} lines name the node ({@code server}).
 *
 * <p>Failures travel as {@link AgencyFailure} and are logged once, here. A stop request
 * (SIGTERM/SIGINT) makes the flow unwind at the next check or at the blocked read, connect
 * or backoff it interrupts; it then closes what is open, logs it and returns 0.
 */
public final class AgencyClient {
    private static final String HELLO = "conectado";
    private static final String RESUME = "resume";

    private final AgencyConfig config;
    private final Log log;
    private final StopSignal stop;
    private final LongSupplier nanoClock;
    private final Connector connector;
    private final ProgressReporter progress;
    private final SingleBetNotice singleBet;
    private final AllSentNotice allSent;
    private final BatchPipeline batches;

    // What is open right now; whatever is left open when run() ends gets closed there.
    private BetCursor bets;
    private ServerConnection connection;

    /** While the server has not answered since the start or the last loss; null once it has. */
    private Outage outage;
    private int welcomes;

    public AgencyClient(AgencyConfig config, Log log, StopSignal stop) {
        this(config, log, stop, System::nanoTime, OptionalLong.empty());
    }

    /**
     * @param launchedAtEpochMillis when this process was launched, if known: the all-sent line
     *                              then also says how long it took to put the first batch on
     *                              the wire ({@code first_batch_ms}), JVM start included
     */
    public AgencyClient(AgencyConfig config, Log log, StopSignal stop, OptionalLong launchedAtEpochMillis) {
        this(config, log, stop, System::nanoTime, launchedAtEpochMillis);
    }

    AgencyClient(AgencyConfig config, Log log, StopSignal stop, LongSupplier nanoClock) {
        this(config, log, stop, nanoClock, OptionalLong.empty());
    }

    private AgencyClient(AgencyConfig config, Log log, StopSignal stop, LongSupplier nanoClock,
                         OptionalLong launchedAtEpochMillis) {
        this.config = config;
        this.log = log;
        this.stop = stop;
        this.nanoClock = nanoClock;
        this.connector = new Connector(config.servers(), stop, Link.of(config.tls()));
        this.progress = new ProgressReporter(log, nanoClock);
        this.singleBet = new SingleBetNotice(config.singleBet(), log);
        this.allSent = new AllSentNotice(log, launchedAtEpochMillis);
        this.batches = new BatchPipeline(config, stop, nanoClock, allSent);
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
            closeBets();
        }
    }

    private void runSession() throws AgencyFailure, StopRequested {
        checkStop();
        // The file first: a missing file should not cost a connection (or its retries).
        bets = openBets();
        outage = newOutage(); // the server may not be up yet
        while (true) {
            long stored = openSession();
            try {
                deliver(stored);
                closeConnection();
                return;
            } catch (ConnectionLost lost) {
                afterLoss(lost);
            }
        }
    }

    private BetCursor openBets() throws AgencyFailure {
        try {
            return BetCursor.open(this::openSource);
        } catch (BetFileException e) {
            throw AgencyFailure.badData(e);
        }
    }

    private BetSource openSource() throws BetFileException {
        if (config.singleBet().isPresent()) {
            return new SingleBetSource(config.singleBet().get());
        }
        return CsvBetReader.open(config.dataFile());
    }

    private Outage newOutage() {
        return new Outage(config.servers(), config.connectTimeout(), log, stop, nanoClock);
    }

    /** Connects and says Hello until welcomed, within the current outage; returns the stored count. */
    private long openSession() throws AgencyFailure, StopRequested {
        while (true) {
            checkStop();
            Socket socket = connector.connect(outage);
            String error;
            boolean anotherNode = true;
            boolean refused = false;
            try {
                connection = new ServerConnection(socket, config.readTimeout());
                return handshake();
            } catch (IOException e) {
                closeQuietly(socket);
                error = IoErrors.describe(e);
            } catch (ConnectionLost lost) {
                checkStop(); // our own closed socket; shutDown closes and logs the connection
                closeConnection();
                error = "no Welcome: " + lost.detail();
                anotherNode = lost.triesAnotherNode();
                refused = lost.isRefusal();
            }
            outage.failed(connector.current(), error, refused);
            if (anotherNode) {
                connector.moveOn();
            }
        }
    }

    private long handshake() throws AgencyFailure, ConnectionLost {
        connection.send(new Message.Hello(Protocol.VERSION, config.clientId(), config.secret()), HELLO);
        // A server that takes the connection but never answers is a failed attempt, not a hang.
        // A live server answers our Pings meanwhile, and the Hello within its bound (see welcomeWaitMillis).
        Message reply = connection.receiveWithin(HELLO, outage.attemptMillis(), WELCOME_WAIT_MILLIS);
        if (!(reply instanceof Message.Welcome welcome)) {
            throw AgencyFailure.unexpected(HELLO, reply);
        }
        if (welcome.version() != Protocol.VERSION) {
            throw new AgencyFailure(LogLine.fail(HELLO, "error", "server speaks protocol version "
                    + welcome.version() + ", this agency " + Protocol.VERSION), ExitCodes.FAILURE);
        }
        welcomes++;
        // Quiet the first time with one server; a reconnection is worth seeing next to its
        // connection_lost line, and with several nodes so is which one took the agency.
        log.log(welcomes == 1 && config.servers().size() == 1 ? LogLevel.DEBUG : LogLevel.INFO, LogLine.success(HELLO, "stored_bets", welcome.storedBets(),
                "server", connector.current()));
        return welcome.storedBets();
    }

    /**
     * The longest the agency waits for Welcome on one attempt, however the server answers its
     * Pings meanwhile: the server's bound for answering a Hello plus a margin, so a refusal sent
     * just before that bound still arrives, and is retried ({@link Outage}). A server silent
     * (not even a Pong) for what is left of the window (at least 1 s) is left sooner; the agency
     * pings three times within that, so a live server is never taken for a silent one. The rule: docs/reliability.md, "No budget that ends when the answer comes".
     */
    static final long WELCOME_WAIT_MILLIS = Protocol.SERVER_HELLO_BOUND.plus(Protocol.HELLO_ANSWER_MARGIN).toMillis();

    /** Everything after the Welcome, on one connection. */
    private void deliver(long stored) throws AgencyFailure, StopRequested, ConnectionLost {
        resumeAt(stored);
        batches.sendRemainingBets(connection, bets, this::acked);
        closeBets(); // all stored: the file is reopened only if the server ever holds fewer
        batches.declareAllBetsSent(connection, this::answered, progress::acked);
        checkStop();
        WinnersPhase.receiveWinners(connection, log, this::answered);
    }

    /** Positions the bets at the server's count: rows before it are stored already. */
    private void resumeAt(long stored) throws AgencyFailure {
        if (stored < 0) { // a u64 past Long.MAX_VALUE: no file has that many rows
            throw new AgencyFailure(LogLine.fail(RESUME, "stored_bets", Long.toUnsignedString(stored),
                    "error", "impossible stored count"), ExitCodes.FAILURE);
        }
        singleBet.welcomed(stored);
        try {
            bets.seek(stored);
        } catch (BetFileException e) {
            throw AgencyFailure.badData(e);
        } catch (BetCursor.BeyondEnd e) {
            throw new AgencyFailure(LogLine.fail(RESUME, "stored_bets", stored, "file_rows", e.rows(),
                    "error", "the server holds more bets of agency " + config.clientId() + " than "
                            + (config.singleBet().isPresent() ? "the single bet" : "the data file has rows")),
                    ExitCodes.FAILURE);
        }
        progress.resume(stored);
        if (stored > 0) {
            log.info(LogLine.success(RESUME, "stored_bets", stored, "skipped_rows", stored));
        }
        singleBet.stored(stored);
    }

    /** A batch's ack: the server answered, and holds {@code count} more bets. */
    private void acked(int count, long storedBets, long ackNanos) {
        if (log.isEnabled(LogLevel.DEBUG)) { // a line per batch: not even built at INFO
            log.debug(LogLine.success(BatchSender.ACTION, "cantidad", count));
        }
        answered();
        allSent.acked(ackNanos);
        progress.acked(count);
        singleBet.stored(progress.acked());
    }

    /** The server answered on this connection: any outage is over. */
    private void answered() {
        outage = null;
    }

    /**
     * Closes the lost connection and gets ready to reconnect. A loss before the server
     * answered anything after its Welcome belongs to the outage that was under way (since
     * the start, or the previous loss), so a server that welcomes and drops every time is
     * given up on when that window ends, not retried forever.
     */
    private void afterLoss(ConnectionLost lost) throws AgencyFailure, StopRequested {
        checkStop(); // our own closed socket; shutDown closes and logs the connection
        closeConnection();
        log.warning(LogLine.inProgress("connection_lost", "error", lost.detail(), "sent", progress.acked(),
                "during", lost.action(), "server", connector.current()));
        if (outage == null) {
            outage = newOutage();
        } else {
            outage.failed(connector.current(), "no answer after Welcome: " + lost.detail(), lost.isRefusal());
        }
        if (lost.triesAnotherNode()) {
            connector.moveOn(); // a node that died is not the first one tried again
        }
    }

    private void checkStop() throws StopRequested {
        stop.throwIfRequested();
    }

    /** Closes what is open, logging each resource; returns 0 (a requested stop is a success). */
    private int shutDown() {
        boolean anyOpen = false;
        if (connection != null) {
            closeConnection();
            log.info(LogLine.success("shutdown", "resource", "connection"));
            anyOpen = true;
        }
        if (bets != null && bets.isOpen()) {
            boolean wasFile = bets.isDataFile();
            closeBets();
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

    private void closeBets() {
        if (bets != null) {
            bets.close();
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
