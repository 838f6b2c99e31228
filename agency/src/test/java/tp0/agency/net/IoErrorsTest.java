package tp0.agency.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class IoErrorsTest {

    @Test
    void describesNetworkFailuresInWordsAnOperatorUnderstands() {
        assertEquals("unknown host server", IoErrors.describe(new UnknownHostException("server")));
        assertEquals("Connection refused", IoErrors.describe(new ConnectException("Connection refused")));
        assertEquals("connection refused", IoErrors.describe(new ConnectException()));
        assertEquals("timed out", IoErrors.describe(new SocketTimeoutException("Connect timed out")));
        assertEquals("server closed the connection mid-frame", IoErrors.describe(new EOFException()));
        assertEquals("Broken pipe", IoErrors.describe(new IOException("Broken pipe")));
        assertEquals("IOException", IoErrors.describe(new IOException()));
    }
}
