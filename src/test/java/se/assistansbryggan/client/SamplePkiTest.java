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
        paths = new CertificatePaths(KeyMaterial.trustedCertificates(dir.resolve("truststore.p12"), PASSWORD),
                new RevocationChecker(CertificatePaths.readCrls(dir.resolve("ca.crl")), OFFLINE, Clock.systemUTC()));
    }

    @Test
    void every_party_certificate_chains_to_the_sample_ca() {
        for (SamplePki.SampleParty party : SamplePki.PARTIES) {
            paths.validate(certificate(party.file()), CertificatePaths.Purpose.SIGNING);
        }
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
