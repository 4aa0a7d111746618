package se.assistansbryggan.trust;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import se.assistansbryggan.client.SamplePki;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Revocation over the network, on loopback: party certificates that name a CRL distribution point
 * and an OCSP responder, served by {@link RevocationServer} with the sample CA's key.
 */
class RevocationTest {
    static final char[] PASSWORD = "test-password".toCharArray();
    static final Duration FRESHNESS = Duration.ofMinutes(10);
    @TempDir
    static Path dir;
    static RevocationServer server;
    static List<X509Certificate> anchors;
    static X509Certificate fk;
    static X509Certificate stockholm;
    static X509Certificate malmo;
    static List<X509Certificate> intermediates;
    /** The root's CRL, which says whether the issuing CA itself is revoked (it names no responder). */
    static List<java.security.cert.X509CRL> rootCrl;

    @BeforeAll
    static void start() throws Exception {
        server = new RevocationServer();
        Path withUrls = dir.resolve("with-urls");
        new SamplePki(withUrls, PASSWORD).withRevocationUrls(server.crlUrl(), server.ocspUrl()).generate();
        server.signWith(KeyMaterial.fromPkcs12(withUrls.resolve("issuing-ca.p12"), PASSWORD));
        intermediates = CertificatePaths.readCertificates(withUrls.resolve("issuing-ca.crt"));
        rootCrl = CertificatePaths.readCrls(withUrls.resolve("root-ca.crl"));
        anchors = KeyMaterial.trustedCertificates(withUrls.resolve("truststore.p12"), PASSWORD);
        fk = KeyMaterial.fromPkcs12(withUrls.resolve("fk.p12"), PASSWORD).certificate();
        stockholm = KeyMaterial.fromPkcs12(withUrls.resolve("kommun-0180.p12"), PASSWORD).certificate();
        malmo = KeyMaterial.fromPkcs12(withUrls.resolve("kommun-1280.p12"), PASSWORD).certificate();
        server.revoke(stockholm);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void ocsp_says_good_and_the_answer_is_cached() {
        CertificatePaths paths = paths(true, false);
        int before = server.ocspRequests.get();
        paths.validate(fk, CertificatePaths.Purpose.SIGNING);
        paths.validate(fk, CertificatePaths.Purpose.SIGNING);
        assertEquals(before + 1, server.ocspRequests.get());
    }

    @Test
    void ocsp_says_revoked() {
        assertRefusal(Refusal.CERT_REVOKED, paths(true, false), stockholm);
    }

    @Test
    void without_ocsp_the_crl_from_the_distribution_point_decides() {
        server.answeringOcsp = false;
        try {
            assertRefusal(Refusal.CERT_REVOKED, paths(true, false), stockholm);
            paths(true, false).validate(malmo, CertificatePaths.Purpose.SIGNING);
        } finally {
            server.answeringOcsp = true;
        }
    }

    @Test
    void when_nobody_can_tell_the_default_is_to_refuse_and_soft_fail_lets_it_through() {
        server.answering = false;
        try {
            assertRefusal(Refusal.CERT_REVOCATION_UNKNOWN, paths(true, false), malmo);
            paths(true, true).validate(malmo, CertificatePaths.Purpose.SIGNING);
        } finally {
            server.answering = true;
        }
    }

    /**
     * A responder's "good" for a revoked certificate counts only if it is the CA's (or its delegate's)
     * answer to this request, recent: forged, replayed, nonce-less or old answers are set aside, and
     * the CA's CRL decides.
     */
    @ParameterizedTest
    @EnumSource(value = RevocationServer.Ocsp.class, names = {"FORGED_GOOD", "GOOD_WITHOUT_NONCE", "GOOD_WITH_OTHER_NONCE", "OLD_GOOD"})
    void an_ocsp_answer_that_is_not_this_requests_fresh_answer_from_the_ca_is_set_aside(RevocationServer.Ocsp lie) {
        server.ocspMode = lie;
        try {
            assertRefusal(Refusal.CERT_REVOKED, paths(true, false), stockholm);
        } finally {
            server.ocspMode = RevocationServer.Ocsp.HONEST;
        }
    }

    @Test
    void the_check_that_sets_answers_aside_is_the_only_thing_between_a_lie_and_acceptance() {
        server.ocspMode = RevocationServer.Ocsp.GOOD_FOR_ALL;
        try {
            // the CA's own fresh answer to this request is believed: the tests above fail for their lie alone
            paths(true, false).validate(stockholm, CertificatePaths.Purpose.SIGNING);
            server.ocspMode = RevocationServer.Ocsp.GOOD_WITHOUT_NONCE;
            new CertificatePaths(anchors, intermediates, new RevocationChecker(rootCrl,
                    new RevocationChecker.Settings(true, false, FRESHNESS, false, FRESHNESS), Clock.systemUTC()))
                    .validate(stockholm, CertificatePaths.Purpose.SIGNING);
        } finally {
            server.ocspMode = RevocationServer.Ocsp.HONEST;
        }
    }

    @Test
    void an_expired_crl_tells_nothing() throws Exception {
        KeyMaterial ca = KeyMaterial.fromPkcs12(dir.resolve("with-urls").resolve("issuing-ca.p12"), PASSWORD);
        java.time.Instant now = java.time.Instant.now();
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(ca.certificate(), java.util.Date.from(now.minus(Duration.ofDays(2))));
        builder.setNextUpdate(java.util.Date.from(now.minus(Duration.ofDays(1))));
        java.security.cert.X509CRL expired = new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(
                builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(ca.privateKey())));
        List<java.security.cert.X509CRL> crls = new java.util.ArrayList<>(rootCrl);
        crls.add(expired);
        CertificatePaths offline = new CertificatePaths(anchors, intermediates, new RevocationChecker(crls,
                new RevocationChecker.Settings(false, false, FRESHNESS), Clock.systemUTC()));
        assertRefusal(Refusal.CERT_REVOCATION_UNKNOWN, offline, malmo);
    }

    @Test
    void offline_without_a_crl_file_nothing_can_tell() {
        assertRefusal(Refusal.CERT_REVOCATION_UNKNOWN, paths(false, false), fk);
    }

    private static CertificatePaths paths(boolean online, boolean softFail) {
        return new CertificatePaths(anchors, intermediates, new RevocationChecker(rootCrl,
                new RevocationChecker.Settings(online, softFail, FRESHNESS), Clock.systemUTC()));
    }

    private static void assertRefusal(Refusal expected, CertificatePaths paths, X509Certificate certificate) {
        RefusedException e = assertThrows(RefusedException.class, () -> paths.validate(certificate, CertificatePaths.Purpose.SIGNING));
        assertEquals(expected, e.refusal());
    }
}
