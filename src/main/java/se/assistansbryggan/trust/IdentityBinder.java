package se.assistansbryggan.trust;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.camel.ExchangeProperty;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.Submission;

/**
 * Trust station, second half: one organisation behind the message. The TLS client certificate's
 * organisation, the signer's organisation and the declared sender must be the same party of the
 * directory; the creation time must lie in the accepted window.
 */
public final class IdentityBinder {
    private final ClientGate gate;
    private final PartyDirectory directory;
    private final Clock clock;
    private final Duration clockSkew;
    private final Duration maxAge;

    public IdentityBinder(CertificatePaths paths, PartyDirectory directory, Clock clock, Duration clockSkew, Duration maxAge) {
        this.gate = new ClientGate(paths);
        this.directory = directory;
        this.clock = clock;
        this.clockSkew = clockSkew;
        this.maxAge = maxAge;
    }

    public void bind(@ExchangeProperty(Submission.PROPERTY) Submission submission) {
        X509Certificate tls = gate.admit(submission.clientCertificate().map(c -> chain(c, submission.presentedIssuers())).orElse(null));
        Organisationsnummer signer = organisationOf(submission.signer());
        Organisationsnummer declared = declaredSender(submission);
        if (!signer.equals(declared)) {
            throw Refusal.SENDER_MISMATCH.because("signed by " + signer + ", declared sender " + declared);
        }
        Organisationsnummer client = organisationOf(tls);
        if (!client.equals(signer)) {
            throw Refusal.CLIENT_CERT_MISMATCH.because("TLS client " + client + ", signer " + signer);
        }
        Party sender = directory.byOrganisationsnummer(declared)
                .orElseThrow(() -> Refusal.UNKNOWN_SENDER.because(declared.toString()));
        checkWindow(submission.header().created());
        submission.sentBy(sender);
    }

    private static X509Certificate[] chain(X509Certificate client, List<X509Certificate> issuers) {
        List<X509Certificate> chain = new java.util.ArrayList<>(List.of(client));
        chain.addAll(issuers);
        return chain.toArray(X509Certificate[]::new);
    }

    private static Organisationsnummer declaredSender(Submission submission) {
        try {
            return Organisationsnummer.of(submission.header().senderOrgnr());
        } catch (IllegalArgumentException e) {
            throw Refusal.UNKNOWN_SENDER.because("the declared sender's organisation number is not valid");
        }
    }

    private static Organisationsnummer organisationOf(X509Certificate certificate) {
        return Organisationsnummer.fromCertificate(certificate)
                .orElseThrow(() -> Refusal.CERT_UNTRUSTED.because("the certificate names no organisation number"));
    }

    private void checkWindow(OffsetDateTime created) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (created.isAfter(now.plus(clockSkew)) || created.isBefore(now.minus(maxAge))) {
            throw Refusal.STALE_MESSAGE.because("accepted: from " + maxAge + " ago to " + clockSkew + " ahead");
        }
    }
}
