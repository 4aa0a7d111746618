package se.assistansbryggan.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.client.OperatorClient;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One trust gate for every door: a revoked client certificate is refused on the message doors, on
 * /pull and on /operations alike (the TLS layer only checks that it chains to the CA), and an
 * expired one never gets past the handshake.
 */
class TrustGateTest {
    @TempDir
    static Path dir;
    static GatewayHarness harness;
    static Path revokedOperator;
    static String console;

    @BeforeAll
    static void start() throws Exception {
        revokedOperator = TestIssuer.issue(dir, "Driftoperator spärrad", "559911-2231", KeyUsage.digitalSignature);
        KeyMaterial operator = KeyMaterial.fromPkcs12(revokedOperator, GatewayHarness.PASSWORD);
        Path crl = crlAlsoRevoking(operator.certificate().getSerialNumber());
        int consolePort = GatewayHarness.freePort();
        console = "https://127.0.0.1:" + consolePort;
        harness = new GatewayHarness(dir.resolve("data")).start(Map.of("gateway.crl", crl.toString(),
                "gateway.operations.console-port", Integer.toString(consolePort),
                "gateway.operations.operators", operator.certificate().getSubjectX500Principal().getName()
                        + ";CN=Driftoperator (sample),OU=Drift,O=Assistansbryggan (sample),C=SE"));
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @Test
    void a_revoked_certificate_cannot_pull_a_kommuns_queue() throws Exception {
        harness.clientAs("fk").post(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"));
        Answer refused = harness.clientAs("kommun-1480-revoked").pullNext();
        assertEquals(403, refused.status(), refused.body());
        Receipt receipt = Receipt.parse(refused.body());
        assertEquals("CERT_REVOKED", receipt.code());
        assertEquals(GatewayHarness.key("gateway-sign").certificate(), XmlSignatures.verify(receipt.document()));
        assertEquals(403, harness.clientAs("kommun-1480-revoked").acknowledge("00000000-0000-4000-8000-000000000102").status());
        assertEquals(200, harness.clientAs("kommun-0180").pullNext().status(), "the kommun's own certificate still pulls");
    }

    @Test
    void a_revoked_operator_certificate_cannot_use_the_operations_api() throws Exception {
        OperatorClient revoked = new OperatorClient(harness.gateway().baseUrl(), revokedOperator,
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        Answer answer = revoked.queues();
        assertEquals(403, answer.status(), answer.body());
        assertTrue(answer.body().contains("CERT_REVOKED"), answer.body());
        OperatorClient good = new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("operator.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        assertEquals(200, good.queues().status());
    }

    /** The console's listener asks for a client certificate without requiring one: a revoked one is refused there too. */
    @Test
    void a_revoked_operator_certificate_cannot_sign_in_on_the_console() throws Exception {
        OperatorClient revoked = new OperatorClient(console, revokedOperator, GatewayHarness.CERTS.resolve("truststore.p12"),
                GatewayHarness.PASSWORD);
        Answer answer = revoked.queues();
        assertEquals(403, answer.status(), answer.body());
        assertTrue(answer.body().contains("CERT_REVOKED"), answer.body());
        OperatorClient good = new OperatorClient(console, GatewayHarness.CERTS.resolve("operator.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        assertEquals(200, good.queues().status());
    }

    @Test
    void an_expired_certificate_gets_no_further_than_the_handshake_on_any_door() {
        GatewayClient expired = harness.clientAs("kommun-1280-expired");
        IOException refused = assertThrows(IOException.class, expired::pullNext);
        boolean handshake = false;
        for (Throwable t = refused; t != null; t = t.getCause()) {
            handshake |= t instanceof javax.net.ssl.SSLException || String.valueOf(t.getMessage()).contains("certificate");
        }
        assertTrue(handshake, "refused in the TLS handshake, not by some other failure: " + refused);
    }

    /** The sample CRLs with one more certificate revoked by the issuing CA. */
    private static Path crlAlsoRevoking(BigInteger serial) throws Exception {
        KeyMaterial ca = KeyMaterial.fromPkcs12(GatewayHarness.CERTS.resolve("issuing-ca.p12"), GatewayHarness.PASSWORD);
        X509CRL sample;
        try (InputStream in = Files.newInputStream(GatewayHarness.CERTS.resolve("issuing-ca.crl"))) {
            sample = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        }
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(now.minus(Duration.ofMinutes(1))));
        builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
        builder.addCRL(new X509CRLHolder(sample.getEncoded()));
        builder.addCRLEntry(serial, Date.from(now.minus(Duration.ofMinutes(1))), CRLReason.keyCompromise);
        byte[] crl = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.privateKey())).getEncoded();
        Path file = dir.resolve("ca-test.crl");
        // the root's CRL (for the issuing CA) and the issuing CA's, as gateway.crl holds them
        String pem = "-----BEGIN X509 CRL-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(crl)
                + "\n-----END X509 CRL-----\n";
        Files.writeString(file, Files.readString(GatewayHarness.CERTS.resolve("root-ca.crl")) + pem);
        return file;
    }
}
