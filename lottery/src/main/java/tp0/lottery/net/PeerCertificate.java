package tp0.lottery.net;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import tp0.lottery.session.Inbound;

/**
 * The names of a TLS peer's certificate, for mutual TLS: a certificate stands for agency k when
 * its subject CN or one of its DNS subject alternative names is
 * {@link Inbound.Secured#certificateNameOf(int) agency-k} (the session checks that).
 */
public final class PeerCertificate {
    /** DNS name in a subjectAltName entry (RFC 5280 GeneralName tag 2). */
    private static final int SAN_DNS = 2;

    private PeerCertificate() {}

    /** What the session learns of a new TLS connection's peer. */
    static Inbound.Secured of(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return new Inbound.Secured(false, List.of()); // the server asked for no client certificate
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return new Inbound.Secured(false, List.of());
        }
        return new Inbound.Secured(true, names(leaf));
    }

    /** The subject CN and DNS SANs of a certificate. */
    static List<String> names(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // An unparsable subject names nothing; the SANs may still.
        }
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(SAN_DNS).equals(san.get(0))) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // As above.
        }
        return names.stream().distinct().toList(); // the CN is often a SAN too
    }
}
