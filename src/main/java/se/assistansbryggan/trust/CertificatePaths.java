package se.assistansbryggan.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
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
 * usage, the path to the configured trust anchors through any issuing CAs (Bouncy Castle's PKIX
 * path builder, with the intermediates the client presented and those configured), and the
 * revocation of every certificate in that path ({@link RevocationChecker}: OCSP and CRLs). A good
 * result is remembered as long as a revocation answer is (the configured freshness), never past
 * the certificate's end.
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
    private final List<X509Certificate> intermediates;
    private final RevocationChecker revocation;

    public CertificatePaths(List<X509Certificate> trusted, RevocationChecker revocation) {
        this(trusted, List.of(), revocation);
    }

    /** @param intermediates issuing CAs that may stand between a certificate and the trust anchors */
    public CertificatePaths(List<X509Certificate> trusted, List<X509Certificate> intermediates, RevocationChecker revocation) {
        this.anchors = trusted.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toUnmodifiableSet());
        this.intermediates = List.copyOf(intermediates);
        this.revocation = revocation;
    }

    /** Reads certificates (PEM or DER, one or more) from a file; none when the path is null. */
    public static List<X509Certificate> readCertificates(Path file) {
        if (file == null) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read certificates " + file + ": " + e.getMessage(), e);
        }
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
        validate(certificate, List.of(), purpose);
    }

    /** As {@link #validate(X509Certificate, Purpose)}, with the intermediates that came with it (a TLS chain). */
    public void validate(X509Certificate certificate, List<X509Certificate> presented, Purpose purpose) {
        Validated key = new Validated(certificate, purpose);
        java.time.Instant until = remembered.get(key);
        if (until != null && java.time.Instant.now().isBefore(until)) {
            return;
        }
        validateNow(certificate, presented, purpose);
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        java.time.Instant fresh = java.time.Instant.now().plus(revocation.freshness());
        java.time.Instant expires = certificate.getNotAfter().toInstant();
        remembered.put(key, fresh.isBefore(expires) ? fresh : expires);
    }

    private void validateNow(X509Certificate certificate, List<X509Certificate> presented, Purpose purpose) {
        AlgorithmPolicy.checkCertificate(certificate);
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw Refusal.CERT_EXPIRED.because("valid from " + certificate.getNotBefore() + " to " + certificate.getNotAfter());
        }
        checkKeyUsage(certificate, purpose);
        PKIXCertPathBuilderResult result = buildPath(certificate, presented);
        checkRevocation(result);
    }

    /** Every certificate of the path, the end certificate and each issuing CA, against its own issuer. */
    private void checkRevocation(PKIXCertPathBuilderResult result) {
        List<? extends java.security.cert.Certificate> path = result.getCertPath().getCertificates();
        for (int i = 0; i < path.size(); i++) {
            X509Certificate issuer = i + 1 < path.size() ? (X509Certificate) path.get(i + 1) : result.getTrustAnchor().getTrustedCert();
            X509Certificate subject = (X509Certificate) path.get(i);
            if (i > 0) {
                AlgorithmPolicy.checkCertificate(subject);
            }
            revocation.check(subject, issuer);
        }
    }

    /** A path from the certificate to a trust anchor, through the intermediates presented or configured. */
    private PKIXCertPathBuilderResult buildPath(X509Certificate certificate, List<X509Certificate> presented) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(certificate);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false);
            List<X509Certificate> known = new ArrayList<>(intermediates);
            known.addAll(presented);
            known.add(certificate);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(known), BC));
            return (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX", BC).build(parameters);
        } catch (CertPathBuilderException e) {
            throw e.getCause() instanceof CertPathValidatorException invalid ? refusalFor(invalid) : refusalFor(e);
        } catch (GeneralSecurityException e) {
            throw Refusal.CERT_UNTRUSTED.because("the certificate path cannot be built");
        }
    }

    private static RuntimeException refusalFor(CertPathBuilderException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (text.contains("expired") || text.contains("not yet valid")) {
            return Refusal.CERT_EXPIRED.because("a certificate in the path is expired or not yet valid");
        }
        return Refusal.CERT_UNTRUSTED.because("no path to a trusted issuer");
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
