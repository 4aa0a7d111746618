package se.assistansbryggan.client;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.trust.CertificatePaths;
import se.assistansbryggan.trust.RevocationChecker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A freshly generated sample PKI: parties chain to the CA, the revoked and expired ones are refused. */
class SamplePkiTest {
    static final char[] PASSWORD = "test-password".toCharArray();
    @TempDir
    static Path dir;
    static final RevocationChecker.Settings OFFLINE = new RevocationChecker.Settings(false, false, Duration.ofHours(1));
    static CertificatePaths paths;

    @BeforeAll
    static void generate() throws Exception {
        new SamplePki(dir, PASSWORD).generate();
        paths = pathsWith(CertificatePaths.readCrls(dir.resolve("ca.crl")));
    }

    /** The sample PKI's anchors and issuing CA, with these CRLs. */
    private static CertificatePaths pathsWith(java.util.List<java.security.cert.X509CRL> crls) {
        return new CertificatePaths(KeyMaterial.trustedCertificates(dir.resolve("truststore.p12"), PASSWORD),
                CertificatePaths.readCertificates(dir.resolve("issuing-ca.crt")), new RevocationChecker(crls, OFFLINE, Clock.systemUTC()));
    }

    @Test
    void every_party_certificate_chains_to_the_sample_ca() {
        for (SamplePki.SampleParty party : SamplePki.PARTIES) {
            paths.validate(certificate(party.file()), CertificatePaths.Purpose.SIGNING);
        }
    }

    @Test
    void every_certificate_is_issued_by_the_issuing_ca_below_the_root_and_needs_it_for_a_path() {
        java.security.cert.X509Certificate root = KeyMaterial.trustedCertificates(dir.resolve("truststore.p12"), PASSWORD).get(0);
        java.security.cert.X509Certificate issuing = CertificatePaths.readCertificates(dir.resolve("issuing-ca.crt")).get(0);
        assertEquals(root.getSubjectX500Principal(), issuing.getIssuerX500Principal());
        assertEquals(0, issuing.getBasicConstraints(), "the issuing CA issues end certificates only");
        for (String file : java.util.List.of("fk", "operator", "gateway-tls", "gateway-sign")) {
            assertEquals(issuing.getSubjectX500Principal(), certificate(file).getIssuerX500Principal(), file);
        }
        CertificatePaths rootOnly = new CertificatePaths(KeyMaterial.trustedCertificates(dir.resolve("truststore.p12"), PASSWORD),
                new RevocationChecker(CertificatePaths.readCrls(dir.resolve("ca.crl")), OFFLINE, Clock.systemUTC()));
        RefusedException e = assertThrows(RefusedException.class, () -> rootOnly.validate(certificate("fk"), CertificatePaths.Purpose.SIGNING));
        assertEquals(Refusal.CERT_UNTRUSTED, e.refusal());
        // the issuing CA presented with the certificate (a TLS chain) is enough
        rootOnly.validate(certificate("fk"), java.util.List.of(issuing), CertificatePaths.Purpose.SIGNING);
    }

    @Test
    void a_revoked_issuing_ca_takes_every_certificate_it_issued_with_it() throws Exception {
        KeyMaterial root = KeyMaterial.fromPkcs12(dir.resolve("root-ca.p12"), PASSWORD);
        java.security.cert.X509Certificate issuing = CertificatePaths.readCertificates(dir.resolve("issuing-ca.crt")).get(0);
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(root.certificate(), java.util.Date.from(java.time.Instant.now()));
        builder.setNextUpdate(java.util.Date.from(java.time.Instant.now().plus(Duration.ofDays(1))));
        builder.addCRLEntry(issuing.getSerialNumber(), java.util.Date.from(java.time.Instant.now()), org.bouncycastle.asn1.x509.CRLReason.cACompromise);
        java.security.cert.X509CRL rootRevokesIssuing = new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(
                builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(root.privateKey())));
        CertificatePaths compromised = pathsWith(java.util.List.of(rootRevokesIssuing,
                CertificatePaths.readCrls(dir.resolve("issuing-ca.crl")).get(0)));
        RefusedException e = assertThrows(RefusedException.class, () -> compromised.validate(certificate("fk"), CertificatePaths.Purpose.SIGNING));
        assertEquals(Refusal.CERT_REVOKED, e.refusal());
    }

    @Test
    void without_the_roots_crl_the_issuing_cas_status_is_unknown_and_refused() {
        CertificatePaths onlyIssuingCrl = pathsWith(CertificatePaths.readCrls(dir.resolve("issuing-ca.crl")));
        RefusedException e = assertThrows(RefusedException.class, () -> onlyIssuingCrl.validate(certificate("fk"), CertificatePaths.Purpose.SIGNING));
        assertEquals(Refusal.CERT_REVOCATION_UNKNOWN, e.refusal());
    }

    @Test
    void the_revoked_certificate_is_refused_as_revoked() {
        assertRefusal(Refusal.CERT_REVOKED, "kommun-1480-revoked");
    }

    @Test
    void the_expired_certificate_is_refused_as_expired() {
        assertRefusal(Refusal.CERT_EXPIRED, "kommun-1280-expired");
    }

    @Test
    void a_certificate_from_another_ca_is_untrusted() {
        CertificatePaths committed = new CertificatePaths(
                KeyMaterial.trustedCertificates(Path.of("certs-sample/truststore.p12"), "changeit".toCharArray()),
                new RevocationChecker(java.util.List.of(), OFFLINE, Clock.systemUTC()));
        RefusedException e = assertThrows(RefusedException.class, () -> committed.validate(certificate("fk"), CertificatePaths.Purpose.SIGNING));
        assertEquals(Refusal.CERT_UNTRUSTED, e.refusal());
    }

    @Test
    void the_gateway_tls_certificate_may_not_act_as_a_tls_client() {
        assertRefusal(Refusal.CERT_KEY_USAGE, "gateway-tls", CertificatePaths.Purpose.TLS_CLIENT);
    }

    private static void assertRefusal(Refusal expected, String file, CertificatePaths.Purpose purpose) {
        RefusedException e = assertThrows(RefusedException.class, () -> paths.validate(certificate(file), purpose));
        assertEquals(expected, e.refusal());
    }

    private static void assertRefusal(Refusal expected, String file) {
        RefusedException e = assertThrows(RefusedException.class, () -> paths.validate(certificate(file), CertificatePaths.Purpose.SIGNING));
        assertEquals(expected, e.refusal());
    }

    private static java.security.cert.X509Certificate certificate(String file) {
        return KeyMaterial.fromPkcs12(dir.resolve(file + ".p12"), PASSWORD).certificate();
    }
}
