package se.assistansbryggan.e2e;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;
import se.assistansbryggan.trust.CertificatePaths;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With no issuing CA configured, the path from a sender's certificate to the root is built from
 * what the sender presents: its TLS chain and the certificates in its signature's KeyInfo.
 */
class IssuingCaPathsTest {
    private static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";
    @TempDir
    static Path data;
    static GatewayHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = new GatewayHarness(data.resolve("data")).start(Map.of("gateway.intermediates", ""));
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @Test
    void the_issuing_ca_in_keyinfo_and_in_the_tls_chain_completes_the_path() throws Exception {
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(signed(true, "fk")).body());
        assertEquals("ACCEPTED", receipt.status(), receipt.code());
    }

    /** IVO's certificate, never validated by this gateway before (a path found good is remembered for a while). */
    @Test
    void without_the_issuing_ca_anywhere_the_signer_is_untrusted() throws Exception {
        Receipt receipt = Receipt.parse(harness.clientAs("ivo").post(signed(false, "ivo")).body());
        assertEquals("CERT_UNTRUSTED", receipt.code());
    }

    /** FK's notice, signed; KeyInfo carries the issuing CA after FK's certificate when asked (KeyInfo is not signed). */
    private static byte[] signed(boolean withIssuingCa, String signer) throws Exception {
        Document document = GatewayHarness.freshFixture("withdrawal-with-reasons-no-consent.xml");
        XmlSigner.sign(document, GatewayHarness.key(signer));
        if (withIssuingCa) {
            Element data = (Element) document.getElementsByTagNameNS(DSIG, "X509Data").item(0);
            Element issuing = document.createElementNS(DSIG, "ds:X509Certificate");
            issuing.setTextContent(Base64.getEncoder().encodeToString(
                    CertificatePaths.readCertificates(GatewayHarness.CERTS.resolve("issuing-ca.crt")).get(0).getEncoded()));
            data.appendChild(issuing);
        }
        return SecureXml.serialize(document);
    }
}
