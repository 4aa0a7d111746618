package se.assistansbryggan.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import se.assistansbryggan.message.Refusal;

/**
 * Validates a certificate for one use: algorithms ({@link AlgorithmPolicy}), validity dates, key
 * usage, the path to the configured trust anchors (Bouncy Castle's PKIX), and revocation
 * ({@link RevocationChecker}: OCSP and CRLs). A good result is remembered as long as a revocation
 * answer is (the configured freshness), never past the certificate's end.
 */
public final class CertificatePaths {

    /** What the certificate is used for here, and the key usage that allows it. */
    public enum Purpose {
        /** Signing a message: digitalSignature or nonRepudiation. */
        SIGNING,
        /** Authenticating a TLS client: digitalSignature, and clientAuth if extended key usage is present. */
        TLS_CLIENT
    }

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private final Set<TrustAnchor> anchors;
    private final RevocationChecker revocation;

    public CertificatePaths(List<X509Certificate> trusted, RevocationChecker revocation) {
        this.anchors = trusted.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toUnmodifiableSet());
        this.revocation = revocation;
    }

    /** A certificate already found good for a purpose, until its revocation answer or the certificate itself runs out. */
    private record Validated(X509Certificate certificate, Purpose purpose) {}

    private static final int MAX_REMEMBERED = 10_000;
    private final java.util.Map<Validated, java.time.Instant> remembered = new java.util.concurrent.ConcurrentHashMap<>();

    /** Reads CRLs (PEM or DER) from a file; none when the path is null. */
    public static List<X509CRL> readCrls(Path file) {
        if (file == null) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(file)) {
            List<X509CRL> out = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCRLs(in).forEach(c -> out.add((X509CRL) c));
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read CRL " + file + ": " + e.getMessage(), e);
        }
    }

    /** Refuses with a CERT_ or ALGORITHM_ code unless the certificate may be trusted for the purpose. */
    public void validate(X509Certificate certificate, Purpose purpose) {
        Validated key = new Validated(certificate, purpose);
        java.time.Instant until = remembered.get(key);
        if (until != null && java.time.Instant.now().isBefore(until)) {
            return;
        }
        validateNow(certificate, purpose);
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        java.time.Instant fresh = java.time.Instant.now().plus(revocation.freshness());
        java.time.Instant expires = certificate.getNotAfter().toInstant();
        remembered.put(key, fresh.isBefore(expires) ? fresh : expires);
    }

    private void validateNow(X509Certificate certificate, Purpose purpose) {
        AlgorithmPolicy.checkCertificate(certificate);
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw Refusal.CERT_EXPIRED.because("valid from " + certificate.getNotBefore() + " to " + certificate.getNotAfter());
        }
        checkKeyUsage(certificate, purpose);
        PKIXCertPathValidatorResult result = validatePath(certificate);
        revocation.check(certificate, result.getTrustAnchor().getTrustedCert());
    }

    private PKIXCertPathValidatorResult validatePath(X509Certificate certificate) {
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            CertPath path = CertificateFactory.getInstance("X.509", BC).generateCertPath(List.of(certificate));
            return (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX", BC).validate(path, parameters);
        } catch (CertPathValidatorException e) {
            throw refusalFor(e);
        } catch (GeneralSecurityException e) {
            throw Refusal.CERT_UNTRUSTED.because("the certificate path cannot be validated");
        }
    }

    private static void checkKeyUsage(X509Certificate certificate, Purpose purpose) {
        boolean[] usage = certificate.getKeyUsage();
        boolean digitalSignature = usage == null || usage[0];
        boolean nonRepudiation = usage != null && usage[1];
        boolean allowed = switch (purpose) {
            case SIGNING -> digitalSignature || nonRepudiation;
            case TLS_CLIENT -> digitalSignature && allowsClientAuth(certificate);
        };
        if (!allowed) {
            throw Refusal.CERT_KEY_USAGE.because("not issued for " + purpose.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
    }

    private static boolean allowsClientAuth(X509Certificate certificate) {
        try {
            List<String> extended = certificate.getExtendedKeyUsage();
            return extended == null || extended.contains(CLIENT_AUTH);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static RuntimeException refusalFor(CertPathValidatorException e) {
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            return Refusal.CERT_EXPIRED.because("a certificate in the path is expired");
        }
        if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
            return Refusal.CERT_UNTRUSTED.because("no trusted issuer");
        }
        return Refusal.CERT_UNTRUSTED.because("the path does not validate");
    }
}
