package tp0.lottery.session;

import tp0.lottery.config.AgencySecrets;
import tp0.protocol.ErrorCode;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/** Whether a Hello may identify its connection: a version this server speaks, a known agency, its certificate and secret. */
final class HelloCheck {

    /**
     * Why a Hello is refused.
     *
     * @param agencyKnown the Hello named a valid agency id (the refusal is logged with it)
     */
    record Refusal(ErrorCode code, String text, boolean agencyKnown) {}

    private HelloCheck() {}

    /**
     * @param secured how the connection is secured: null for plaintext; with mutual TLS, whom the certificate names
     * @return why {@code hello} is refused, or null when it is accepted
     */
    static Refusal refusal(Message.Hello hello, int numAgencies, Inbound.Secured secured, AgencySecrets secrets) {
        if (hello.version() < Protocol.MIN_VERSION || hello.version() > Protocol.VERSION) {
            return new Refusal(ErrorCode.UNSUPPORTED_VERSION, "version " + hello.version()
                    + " not supported; this server speaks " + Protocol.MIN_VERSION + ".." + Protocol.VERSION, false);
        }
        int id = hello.agencyId();
        if (id < 1 || id > numAgencies) {
            return new Refusal(ErrorCode.UNKNOWN_AGENCY, "agency " + id + " is outside 1.." + numAgencies, false);
        }
        String name = Inbound.Secured.certificateNameOf(id);
        if (secured != null && secured.clientCertificate() && !secured.certificateNames().contains(name)) {
            return new Refusal(ErrorCode.AUTH_FAILED, "the client certificate names "
                    + String.join(" ", secured.certificateNames()) + ", not " + name, true);
        }
        if (!secrets.accepts(id, hello.secret())) {
            return new Refusal(ErrorCode.AUTH_FAILED, "wrong or missing secret for agency " + id, true);
        }
        return null;
    }

    /** Why a claim of {@code agency} that the registry did not grant is refused. */
    static Refusal notGranted(int agency, boolean superseded) {
        return superseded
                ? new Refusal(ErrorCode.TAKEN_OVER, "a newer connection said Hello for agency " + agency, true)
                : new Refusal(ErrorCode.SESSION_ACTIVE, "agency " + agency + " could not be claimed in time; retry later", true);
    }
}
