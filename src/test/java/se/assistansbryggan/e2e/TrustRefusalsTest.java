package se.assistansbryggan.e2e;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.SecureXml;

import static se.assistansbryggan.e2e.GatewayHarness.at;
import static se.assistansbryggan.e2e.GatewayHarness.key;
import static se.assistansbryggan.e2e.GatewayHarness.signedEdited;

/**
 * Refusals of who sent what to whom, and when: certificates, signature shape, algorithms,
 * parties and the creation-time window. Each asserts the code, the gateway's signature on the
 * refusal, and that no queue received anything.
 */
class TrustRefusalsTest extends SharedGateway.LeavesNoTrace {
    static final String NOTICE = "withdrawal-with-reasons-no-consent.xml";
    static final DateTimeFormatter XS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    @Test
    void created_two_days_ago() throws Exception {
        byte[] old = signedEdited(NOTICE, key("fk"), root -> at(root, "Huvud", "Skapad")
                .setTextContent(OffsetDateTime.now(ZoneOffset.UTC).minusDays(2).format(XS)));
        assertRefused("STALE_MESSAGE", harness.clientAs("fk").post(old));
    }

    @Test
    void created_an_hour_in_the_future() throws Exception {
        byte[] future = signedEdited(NOTICE, key("fk"), root -> at(root, "Huvud", "Skapad")
                .setTextContent(OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).format(XS)));
        assertRefused("STALE_MESSAGE", harness.clientAs("fk").post(future));
    }

    @Test
    void kommunkod_that_does_not_belong_to_the_recipient() throws Exception {
        byte[] wrong = signedEdited(NOTICE, key("fk"), root -> at(root, "Huvud", "Mottagare", "Kommunkod").setTextContent("1480"));
        assertRefused("UNKNOWN_RECIPIENT", harness.clientAs("fk").post(wrong));
    }

    @Test
    void recipient_not_in_the_directory() throws Exception {
        byte[] unknown = signedEdited(NOTICE, key("fk"),
                root -> at(root, "Huvud", "Mottagare", "Organisationsnummer").setTextContent("556677-8899"));
        assertRefused("UNKNOWN_RECIPIENT", harness.clientAs("fk").post(unknown));
    }

    @Test
    void withdrawal_notice_to_ivo() throws Exception {
        byte[] toIvo = signedEdited(NOTICE, key("fk"), root -> {
            at(root, "Huvud", "Mottagare", "Organisationsnummer").setTextContent("202100-6255");
            at(root, "Huvud", "Mottagare").removeChild(at(root, "Huvud", "Mottagare", "Kommunkod"));
        });
        assertRefused("RECIPIENT_NOT_ALLOWED", harness.clientAs("fk").post(toIvo));
    }

    @Test
    void sender_with_a_trusted_certificate_but_not_in_the_directory() throws Exception {
        Path unknown = TestIssuer.issue(data, "okand-assistans-ab", "556677-8899", KeyUsage.digitalSignature);
        byte[] fromUnknown = signedEdited(NOTICE, KeyMaterial.fromPkcs12(unknown, GatewayHarness.PASSWORD),
                root -> at(root, "Huvud", "Avsandare", "Organisationsnummer").setTextContent("556677-8899"));
        assertRefused("UNKNOWN_SENDER", harness.clientWith(unknown).post(fromUnknown));
    }

    @Test
    void signed_with_a_self_signed_certificate_naming_fk() throws Exception {
        Path forged = TestIssuer.selfSigned(data, "forged-fk", "202100-5521");
        byte[] notice = signedEdited(NOTICE, KeyMaterial.fromPkcs12(forged, GatewayHarness.PASSWORD), root -> { });
        assertRefused("CERT_UNTRUSTED", harness.clientAs("fk").post(notice));
    }

    @Test
    void signed_with_a_certificate_not_issued_for_signing() throws Exception {
        Path encryptionOnly = TestIssuer.issue(data, "fk-encryption", "202100-5521", KeyUsage.keyEncipherment);
        byte[] notice = signedEdited(NOTICE, KeyMaterial.fromPkcs12(encryptionOnly, GatewayHarness.PASSWORD), root -> { });
        assertRefused("CERT_KEY_USAGE", harness.clientAs("fk").post(notice));
    }

    @Test
    void signed_twice_is_not_a_valid_document() throws Exception {
        Document document = GatewayHarness.freshFixture(NOTICE);
        MessageSigner.sign(document, key("fk"));
        byte[] twice = MessageSigner.sign(document, key("fk"));
        assertRefused("SCHEMA_INVALID", harness.clientAs("fk").post(twice));
    }

    @Test
    void signed_with_inclusive_canonicalisation() throws Exception {
        byte[] inclusive = signWith(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, "http://www.w3.org/TR/2001/REC-xml-c14n-20010315");
        assertRefused("SIGNATURE_POLICY_VIOLATED", harness.clientAs("fk").post(inclusive));
    }

    @Test
    void signed_with_rsa_sha1() throws Exception {
        byte[] sha1 = signWith(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1, "http://www.w3.org/2001/10/xml-exc-c14n#");
        assertRefused("ALGORITHM_REJECTED", harness.clientAs("fk").post(sha1));
    }

    /** FK's signature made with Santuario directly, with the algorithms under test. */
    private static byte[] signWith(String signatureMethod, String canonicalisation) throws Exception {
        Document document = GatewayHarness.freshFixture(NOTICE);
        KeyMaterial fk = key("fk");
        XMLSignature signature = new XMLSignature(document, "", signatureMethod, canonicalisation);
        document.getDocumentElement().appendChild(signature.getElement());
        Transforms transforms = new Transforms(document);
        transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
        transforms.addTransform("http://www.w3.org/2001/10/xml-exc-c14n#");
        signature.addDocument("", transforms, "http://www.w3.org/2001/04/xmlenc#sha256");
        signature.addKeyInfo(fk.certificate());
        signature.sign(fk.privateKey());
        return SecureXml.serialize(document);
    }

}
