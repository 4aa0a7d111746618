package se.assistansbryggan.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.client.QueueReader.Received;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.trust.IndependentToolkitInteropTest;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.assistansbryggan.e2e.GatewayHarness.signedFixture;

/** FK's signed withdrawal notice, over HTTPS with mutual TLS, to kommun 0180's queue. */
class WithdrawalNoticeEndToEndTest extends SharedGateway {

    @Test
    void withdrawal_without_consent_reaches_the_kommun_signed_in_the_municipal_schema_without_reasons() throws Exception {
        byte[] notice = signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        Answer answer = harness.clientAs("fk").post(notice);

        assertEquals(200, answer.status());
        Receipt receipt = Receipt.parse(answer.body());
        assertEquals("ACCEPTED", receipt.status());
        assertEquals(GatewayHarness.messageIdOf(notice), receipt.messageId());
        assertSignedByGateway(receipt.document());

        Document delivered = takeFrom("kommun.0180", receipt.messageId());
        Element root = delivered.getDocumentElement();
        assertEquals(SchemaGuard.KOMMUN_NS, root.getNamespaceURI());
        assertEquals("MeddelandeOmIndragenAssistansersattning", root.getLocalName());
        SchemaGuard.validate(delivered);
        assertSignedByGateway(delivered);
        assertNull(Dom.childOrNull(Dom.child(root, "Beslut"), "Motivering"));
        assertEquals("Beslut/Motivering", Dom.text(Dom.child(root, "Leverans"), "UtelamnadUppgift"));
        assertEquals("51 kap. 21 § SFB", Dom.text(Dom.child(root, "Leverans"), "Rattsliggrund"));
        // the original is named by the digest its sender signed, which the recipient can check against the sender's copy
        Document sent = SecureXml.parse(notice);
        String signedDigest = sent.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "DigestValue").item(0).getTextContent();
        assertEquals(signedDigest, Dom.text(Dom.child(root, "Leverans"), "Sammandrag"));
        assertFalse(new String(SecureXml.serialize(delivered), StandardCharsets.UTF_8).contains("understiga 20 timmar"));
    }

    @Test
    void a_notice_signed_with_another_toolkit_is_accepted() throws Exception {
        Document notice = GatewayHarness.freshFixture("withdrawal-with-reasons-no-consent.xml");
        IndependentToolkitInteropTest.signWithJdk(notice, GatewayHarness.key("fk"));
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(SecureXml.serialize(notice)).body());
        assertEquals("ACCEPTED", receipt.status());
        takeFrom("kommun.0180", receipt.messageId());
    }

    @Test
    void withdrawal_with_consent_reaches_the_kommun_with_reasons() throws Exception {
        byte[] notice = signedFixture("withdrawal-with-reasons-and-consent.xml", "fk");
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(notice).body());
        assertEquals("ACCEPTED", receipt.status());

        Element root = takeFrom("kommun.0180", receipt.messageId()).getDocumentElement();
        assertTrue(Dom.text(Dom.child(root, "Beslut"), "Motivering").contains("understiga 20 timmar"));
        assertNull(Dom.childOrNull(Dom.child(root, "Leverans"), "UtelamnadUppgift"));
    }

    @Test
    void withdrawn_consent_counts_as_none() throws Exception {
        byte[] notice = signedFixture("withdrawal-with-reasons-consent-withdrawn.xml", "fk");
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(notice).body());
        assertEquals("ACCEPTED", receipt.status());

        Element root = takeFrom("kommun.0180", receipt.messageId()).getDocumentElement();
        assertNull(Dom.childOrNull(Dom.child(root, "Beslut"), "Motivering"));
    }

    @Test
    void the_soap_service_feeds_the_same_route() throws Exception {
        byte[] notice = signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        Answer answer = harness.clientAs("fk").postSoap(new String(notice, StandardCharsets.UTF_8));

        assertEquals(200, answer.status());
        Element kvittens = soapReceipt(answer);
        assertEquals("ACCEPTED", Dom.text(kvittens, "Status"));
        Document standalone = SecureXml.parse(SecureXml.serialize(kvittens));
        assertSignedByGateway(standalone);
        takeFrom("kommun.0180", Dom.text(kvittens, "MeddelandeId"));
    }

    @Test
    void the_same_message_sent_twice_is_delivered_once_and_the_resend_gets_the_original_receipt() throws Exception {
        byte[] notice = signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        Answer first = harness.clientAs("fk").post(notice);
        Answer second = harness.clientAs("fk").postSoap(new String(notice, StandardCharsets.UTF_8));

        Receipt original = Receipt.parse(first.body());
        assertEquals("ACCEPTED", original.status());
        assertEquals(200, second.status());
        Element resent = soapReceipt(second);
        assertEquals(original.receiptId(), Dom.text(resent, "KvittensId"), "the resend is answered with the original receipt");
        assertEquals(1, harness.gateway().broker().depth("kommun.0180"));
        takeFrom("kommun.0180", original.messageId());
    }

    @Test
    void a_different_message_reusing_an_accepted_id_is_refused_and_the_first_stands() throws Exception {
        Document original = GatewayHarness.freshFixture("withdrawal-with-reasons-no-consent.xml");
        Document changed = (Document) original.cloneNode(true);
        Dom.child(changed.getDocumentElement(), "Beslut").getElementsByTagNameNS("*", "Arendenummer").item(0)
                .setTextContent("FK-2026-999999");
        Receipt first = Receipt.parse(harness.clientAs("fk").post(MessageSigner.sign(original, GatewayHarness.key("fk"))).body());
        Receipt second = Receipt.parse(harness.clientAs("fk").post(MessageSigner.sign(changed, GatewayHarness.key("fk"))).body());

        assertEquals("ACCEPTED", first.status());
        assertEquals("DUPLICATE_CONFLICT", second.code());
        Element delivered = takeFrom("kommun.0180", first.messageId()).getDocumentElement();
        assertEquals("FK-2026-104233", Dom.text(Dom.child(delivered, "Beslut"), "Beslutsnummer"));
        assertEquals(0, harness.gateway().broker().depth("kommun.0180"));
    }

    @Test
    void every_outcome_is_in_a_verifiable_audit_trail_without_personal_numbers() throws Exception {
        byte[] notice = signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(notice).body());
        takeFrom("kommun.0180", receipt.messageId());

        Path trail = data.resolve("data/audit/trail.jsonl");
        harness.gateway().awaitAudit(java.time.Duration.ofSeconds(20));
        String text = java.nio.file.Files.readString(trail);
        assertTrue(text.contains("\"messageId\":\"" + receipt.messageId() + "\""));
        assertFalse(text.contains("198407092389"));
        assertFalse(text.contains("19840709-2389"));
        byte[] secret = harness.gateway().config().get("gateway.audit.hmac-secret").getBytes(StandardCharsets.UTF_8);
        assertEquals(java.util.Optional.empty(), se.assistansbryggan.audit.AuditTrail.verify(trail, secret));
    }

    private static Element soapReceipt(Answer answer) {
        Document envelope = SecureXml.parse(answer.body().getBytes(StandardCharsets.UTF_8));
        return (Element) envelope.getElementsByTagNameNS(SchemaGuard.RECEIPT_NS, "Kvittens").item(0);
    }

    private static Document takeFrom(String queue, String messageId) throws Exception {
        try (QueueReader reader = harness.reader()) {
            Received received = reader.receive(queue, 5000).orElseThrow(() -> new AssertionError("nothing on " + queue));
            assertEquals(messageId, received.messageId());
            assertEquals("WITHDRAWAL_NOTICE", received.type());
            return SecureXml.parse(received.text().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Signed by the gateway: by our verifier, and by an independent one (the JDK's XMLDSig). */
    private static void assertSignedByGateway(Document document) throws Exception {
        SchemaGuard.validate(document);
        assertEquals(GATEWAY_SIGNER, XmlSignatures.verify(document));
        assertTrue(IndependentToolkitInteropTest.verifyWithJdk(SecureXml.parse(SecureXml.serialize(document)),
                GATEWAY_SIGNER.getPublicKey()));
    }
}
