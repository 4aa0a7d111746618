package se.assistansbryggan.trust;

import java.security.cert.X509Certificate;
import org.apache.camel.ExchangeProperty;
import se.assistansbryggan.intake.Submission;

/** Trust station, first half: the enveloped signature verifies and its certificate is trusted. */
public final class SignatureVerifier {
    private final CertificatePaths paths;

    public SignatureVerifier(CertificatePaths paths) {
        this.paths = paths;
    }

    public void verify(@ExchangeProperty(Submission.PROPERTY) Submission submission) {
        byte[] digest = XmlSignatures.digest(submission.document());
        X509Certificate signer = XmlSignatures.verify(submission.document());
        paths.validate(signer);
        submission.signedBy(signer, digest);
    }
}
