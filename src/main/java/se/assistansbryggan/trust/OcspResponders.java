package se.assistansbryggan.trust;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Who may sign an OCSP answer (RFC 6960 §4.2.2.2): the issuing CA itself, or a responder
 * certificate the CA issued for that purpose (extended key usage OCSPSigning).
 */
final class OcspResponders {
    private static final String OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";

    private OcspResponders() {}

    static boolean signedByIssuerOrDelegate(BasicOCSPResp basic, X509Certificate issuer)
            throws OCSPException, OperatorCreationException, GeneralSecurityException {
        if (RevocationChecker.verifies(basic, issuer)) {
            return true;
        }
        for (X509CertificateHolder holder : basic.getCerts()) {
            X509Certificate delegate = new JcaX509CertificateConverter().getCertificate(holder);
            if (isDelegate(delegate, issuer) && RevocationChecker.verifies(basic, delegate)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDelegate(X509Certificate delegate, X509Certificate issuer) throws GeneralSecurityException {
        if (!delegate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        delegate.verify(issuer.getPublicKey());
        delegate.checkValidity();
        return delegate.getExtendedKeyUsage() != null && delegate.getExtendedKeyUsage().contains(OCSP_SIGNING);
    }
}
