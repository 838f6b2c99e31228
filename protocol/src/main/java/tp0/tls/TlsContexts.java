package tp0.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context both programs build from what {@link TlsFiles} read: TLS 1.3 only, their own
 * key when they present one, and only the configured CA as trust anchor when there is one.
 * Each program maps a failure to its own config error, naming its own key.
 */
public final class TlsContexts {

    /** The only protocol version either side offers: TLS 1.3 (no renegotiation, no legacy ciphers). */
    public static final String PROTOCOL = "TLSv1.3";

    private TlsContexts() {}

    /**
     * The key managers presenting {@code ownKey}, whose key has {@code password}.
     *
     * @throws java.security.UnrecoverableKeyException when the key's password is not the keystore's
     */
    public static KeyManager[] keyManagers(KeyStore ownKey, char[] password) throws GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(ownKey, password);
        return factory.getKeyManagers();
    }

    /** The trust managers that trust only {@code trustAnchors}. */
    public static TrustManager[] trustManagers(KeyStore trustAnchors) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustAnchors);
        return factory.getTrustManagers();
    }

    /**
     * @param keys  what this side presents; null: no certificate
     * @param trust whom this side trusts; null: the JDK's default trust
     */
    public static SSLContext create(KeyManager[] keys, TrustManager[] trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance(PROTOCOL);
        context.init(keys, trust, null);
        return context;
    }
}
