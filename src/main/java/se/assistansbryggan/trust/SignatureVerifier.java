package se.assistansbryggan.trust;

import org.apache.camel.ExchangeProperty;
import se.assistansbryggan.message.Submission;

/** Trust station, first half: the enveloped signature verifies and its certificate is trusted. */
public final class SignatureVerifier {
    private final CertificatePaths paths;

    public SignatureVerifier(CertificatePaths paths) {
        this.paths = paths;
    }

    public void verify(@ExchangeProperty(Submission.PROPERTY) Submission submission) {
        XmlSignatures.Verified verified = XmlSignatures.check(submission.document());
        paths.validate(verified.signer(), verified.presented(), CertificatePaths.Purpose.SIGNING);
        submission.signedBy(verified.signer(), verified.contentDigest());
    }
}
