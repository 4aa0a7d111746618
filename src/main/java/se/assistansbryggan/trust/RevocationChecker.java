package se.assistansbryggan.trust;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import se.assistansbryggan.message.Refusal;

/**
 * Revocation status of a certificate, asked of its OCSP responder (Authority Information Access)
 * and of CRLs: configured files and, when online checking is on, the CRL distribution points the
 * certificate names. Answers are verified against the issuer and cached for the configured
 * freshness (never past a CRL's nextUpdate). A revoked certificate is refused (CERT_REVOKED);
 * when no source can tell, the default is to refuse (CERT_REVOCATION_UNKNOWN) unless soft-fail
 * is configured.
 */
public final class RevocationChecker {

    /**
     * What revocation checking may use and how strict it is. An OCSP answer counts only if it echoes
     * the request's nonce (unless {@code ocspNonceRequired} is off, for responders that answer from
     * a cache of presigned answers) and was produced, and its thisUpdate lies, within
     * {@code ocspMaxAge} (RFC 6960 §3.2, §4.4.1): an old "good" answer cannot be replayed.
     */
    public record Settings(boolean online, boolean softFail, Duration freshness, boolean ocspNonceRequired, Duration ocspMaxAge) {
        /** Strict OCSP: a nonce required, answers no older than the freshness. */
        public Settings(boolean online, boolean softFail, Duration freshness) {
            this(online, softFail, freshness, true, freshness);
        }
    }

    /** A clock difference between the gateway and a responder or CA that is tolerated. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    enum Status { GOOD, REVOKED, UNKNOWN }

    private record CachedCrl(X509CRL crl, Instant until) {}

    private record CachedStatus(Status status, Instant until) {}

    private final List<X509CRL> configuredCrls;
    private final Settings settings;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, CachedCrl> fetchedCrls = new ConcurrentHashMap<>();
    private final Map<String, CachedStatus> ocspAnswers = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public RevocationChecker(List<X509CRL> configuredCrls, Settings settings, Clock clock) {
        this.configuredCrls = List.copyOf(configuredCrls);
        this.settings = settings;
        this.clock = clock;
    }

    /** How long an answer about a certificate may be relied on. */
    public Duration freshness() {
        return settings.freshness();
    }

    /** Refuses a revoked certificate, and one whose status nobody can tell unless soft-fail is on. */
    public void check(X509Certificate certificate, X509Certificate issuer) {
        Status status = settings.online() ? ocsp(certificate, issuer) : Status.UNKNOWN;
        if (status == Status.UNKNOWN) {
            status = fromCrls(certificate, issuer);
        }
        if (status == Status.REVOKED) {
            throw Refusal.CERT_REVOKED.because("serial " + certificate.getSerialNumber().toString(16) + " is revoked");
        }
        if (status == Status.UNKNOWN && !settings.softFail()) {
            throw Refusal.CERT_REVOCATION_UNKNOWN.because("no OCSP responder or fresh CRL could tell");
        }
    }

    private Status fromCrls(X509Certificate certificate, X509Certificate issuer) {
        List<X509CRL> crls = new ArrayList<>(configuredCrls);
        if (settings.online()) {
            for (String url : CertificateUrls.crlDistributionPoints(certificate)) {
                X509CRL fetched = fetchCrl(url);
                if (fetched != null) {
                    crls.add(fetched);
                }
            }
        }
        Status status = Status.UNKNOWN;
        for (X509CRL crl : crls) {
            if (!issuedBy(crl, issuer) || !fresh(crl)) {
                continue;
            }
            if (crl.isRevoked(certificate)) {
                return Status.REVOKED;
            }
            status = Status.GOOD;
        }
        return status;
    }

    private X509CRL fetchCrl(String url) {
        CachedCrl cached = fetchedCrls.get(url);
        if (cached != null && clock.instant().isBefore(cached.until())) {
            return cached.crl();
        }
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return null;
            }
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new java.io.ByteArrayInputStream(response.body()));
            Instant until = clock.instant().plus(settings.freshness());
            if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(until)) {
                until = crl.getNextUpdate().toInstant();
            }
            fetchedCrls.put(url, new CachedCrl(crl, until));
            return crl;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Status ocsp(X509Certificate certificate, X509Certificate issuer) {
        String key = issuer.getSubjectX500Principal().getName() + "#" + certificate.getSerialNumber();
        CachedStatus cached = ocspAnswers.get(key);
        if (cached != null && clock.instant().isBefore(cached.until())) {
            return cached.status();
        }
        for (String url : CertificateUrls.ocspResponders(certificate)) {
            Status status = askResponder(url, certificate, issuer);
            if (status != Status.UNKNOWN) {
                ocspAnswers.put(key, new CachedStatus(status, clock.instant().plus(settings.freshness())));
                return status;
            }
        }
        return Status.UNKNOWN;
    }

    private Status askResponder(String url, X509Certificate certificate, X509Certificate issuer) {
        try {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuer), certificate.getSerialNumber());
            byte[] nonceBytes = new byte[16];
            random.nextBytes(nonceBytes);
            // RFC 8954: the extension's value is the DER encoding of Nonce ::= OCTET STRING
            DEROctetString nonce = new DEROctetString(new DEROctetString(nonceBytes).getEncoded());
            byte[] request = new OCSPReqBuilder().addRequest(id)
                    .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, nonce)))
                    .build().getEncoded();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/ocsp-request")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return Status.UNKNOWN;
            }
            return statusIn(new OCSPResp(response.body()), id, nonce, issuer);
        } catch (IOException | OCSPException | OperatorCreationException | GeneralSecurityException | RuntimeException e) {
            return Status.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.UNKNOWN;
        }
    }

    private Status statusIn(OCSPResp response, CertificateID id, DEROctetString nonce, X509Certificate issuer)
            throws OCSPException, OperatorCreationException, GeneralSecurityException {
        if (response.getStatus() != OCSPResp.SUCCESSFUL || !(response.getResponseObject() instanceof BasicOCSPResp basic)) {
            return Status.UNKNOWN;
        }
        if (!OcspResponders.signedByIssuerOrDelegate(basic, issuer)) {
            return Status.UNKNOWN;
        }
        Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (echoed == null ? settings.ocspNonceRequired() : !echoed.getExtnValue().equals(nonce)) {
            return Status.UNKNOWN;
        }
        if (!recent(basic.getProducedAt().toInstant())) {
            return Status.UNKNOWN;
        }
        for (SingleResp single : basic.getResponses()) {
            if (!single.getCertID().equals(id) || !current(single)) {
                continue;
            }
            CertificateStatus status = single.getCertStatus();
            if (status == CertificateStatus.GOOD) {
                return Status.GOOD;
            }
            return status instanceof RevokedStatus ? Status.REVOKED : Status.UNKNOWN;
        }
        return Status.UNKNOWN;
    }

    private boolean current(SingleResp single) {
        return recent(single.getThisUpdate().toInstant())
                && (single.getNextUpdate() == null || single.getNextUpdate().toInstant().isAfter(clock.instant()));
    }

    /** Within the configured OCSP age, and not from the future beyond the tolerated skew. */
    private boolean recent(Instant time) {
        Instant now = clock.instant();
        return !time.isAfter(now.plus(SKEW)) && !time.isBefore(now.minus(settings.ocspMaxAge()).minus(SKEW));
    }

    private boolean fresh(X509CRL crl) {
        Instant now = clock.instant();
        // a CRL that names no next update is relied on for the freshness only, not for ever
        return !crl.getThisUpdate().toInstant().isAfter(now.plus(SKEW)) && (crl.getNextUpdate() == null
                ? crl.getThisUpdate().toInstant().plus(settings.freshness()).isAfter(now) : crl.getNextUpdate().toInstant().isAfter(now));
    }

    private static boolean issuedBy(X509CRL crl, X509Certificate issuer) {
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            crl.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Used by {@link OcspResponders}: a content verifier for a certificate. */
    static boolean verifies(BasicOCSPResp basic, X509Certificate signer) throws OperatorCreationException, OCSPException {
        return basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signer.getPublicKey()));
    }
}
