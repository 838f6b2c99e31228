package tp0.agency;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import tp0.agency.log.LogCapture;

/**
 * What every test of the agency against fake servers starts from: a folder for its files, the
 * agency's captured log, its stop signal, and the fake servers it starts, each closed after the
 * test.
 */
abstract class AgainstFakeServers {
    @TempDir
    Path dir;

    final LogCapture capture = new LogCapture();
    final StopSignal stop = new StopSignal();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** A fake server answering each connection as {@code sessions} says. */
    FakeLotteryServer serve(FakeLotteryServer.Sessions sessions) throws IOException {
        return closedAfterTheTest(FakeLotteryServer.serve(sessions));
    }

    /** A fake server running {@code script} for its connection. */
    FakeLotteryServer server(FakeLotteryServer.Script script) throws IOException {
        return closedAfterTheTest(FakeLotteryServer.start(script));
    }

    <T extends AutoCloseable> T closedAfterTheTest(T resource) {
        toClose.add(resource);
        return resource;
    }
}
