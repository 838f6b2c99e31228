package tp0.agency.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Security;
import org.junit.jupiter.api.Test;

class ConnectorTest {

    @Test
    void tellsIpLiteralsFromNames() {
        for (String literal : new String[] {"127.0.0.1", "0.0.0.0", "255.255.255.255", "172.25.125.2", "::1",
            "fe80::1%eth0", "2001:db8::7"}) {
            assertTrue(Connector.isIpLiteral(literal), literal);
        }
        for (String name : new String[] {"server", "localhost", "client1", "1.2.3", "1.2.3.4.5", "256.1.1.1",
            "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4a", "0001.2.3.4", "a.b.c.d", "", "10.0.0.1.nip.io"}) {
            assertFalse(Connector.isIpLiteral(name), name);
        }
    }

    @Test
    void failedLookupsAreNotCachedOnceANameIsToBeResolved() {
        Connector.uncacheFailedLookups();
        assertEquals("0", Security.getProperty("networkaddress.cache.negative.ttl"));
    }
}
