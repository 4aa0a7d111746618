package se.assistansbryggan.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import se.assistansbryggan.intake.Refusal;

/**
 * Validates a certificate's path to the configured trust anchors with Bouncy Castle's PKIX
 * implementation, checking validity dates and, when a CRL file is configured, revocation.
 */
public final class CertificatePaths {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private final Set<TrustAnchor> anchors;
    private final List<X509CRL> crls;

    public CertificatePaths(List<X509Certificate> trusted, List<X509CRL> crls) {
        this.anchors = trusted.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toUnmodifiableSet());
        this.crls = List.copyOf(crls);
    }

    /** Reads CRLs (PEM or DER) from a file; none when the path is null. */
    public static List<X509CRL> readCrls(Path file) {
        if (file == null) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.CRL> read = CertificateFactory.getInstance("X.509").generateCRLs(in);
            List<X509CRL> out = new ArrayList<>();
            read.forEach(c -> out.add((X509CRL) c));
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read CRL " + file + ": " + e.getMessage(), e);
        }
    }

    /** Refuses (CERT_UNTRUSTED, CERT_EXPIRED or CERT_REVOKED) unless the certificate chains to an anchor. */
    public void validate(X509Certificate certificate) {
        AlgorithmPolicy.checkCertificate(certificate);
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw Refusal.CERT_EXPIRED.because("valid from " + certificate.getNotBefore() + " to " + certificate.getNotAfter());
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(!crls.isEmpty());
            if (!crls.isEmpty()) {
                parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            }
            var path = CertificateFactory.getInstance("X.509", BC).generateCertPath(List.of(certificate));
            CertPathValidator.getInstance("PKIX", BC).validate(path, parameters);
        } catch (CertPathValidatorException e) {
            throw refusalFor(e);
        } catch (GeneralSecurityException e) {
            throw Refusal.CERT_UNTRUSTED.because("the certificate path cannot be validated");
        }
    }

    private static RuntimeException refusalFor(CertPathValidatorException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED || text.contains("revoked")) {
            return Refusal.CERT_REVOKED.because("the certificate is on the issuer's revocation list");
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            return Refusal.CERT_EXPIRED.because("a certificate in the path is expired");
        }
        if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR || text.contains("trust anchor")) {
            return Refusal.CERT_UNTRUSTED.because("no trusted issuer");
        }
        return Refusal.CERT_UNTRUSTED.because(String.valueOf(e.getMessage()));
    }
}
