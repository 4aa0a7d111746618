package se.assistansbryggan.e2e;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.delivery.EmbeddedBroker;
import se.assistansbryggan.delivery.Handoff;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.transform.FamilyGoldenTest;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A message id is its sender's: (sender organisation, message id) decides what is a resend, a
 * conflict, or another party's independent message; receipts kept before ids were scoped by sender
 * still answer their resends after an upgrade.
 */
class MessageIdScopeTest {
    @TempDir
    Path data;

    @Test
    void a_kommun_cannot_take_an_id_that_fk_will_use() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            String id = UUID.randomUUID().toString();
            byte[] kommunReferral = referral(id);
            Receipt kommun = Receipt.parse(harness.clientAs("kommun-0180").post(kommunReferral).body());
            assertEquals("ACCEPTED", kommun.status(), kommun.code());

            byte[] fkNotice = notice(id, "FK-2026-104233");
            Receipt fk = Receipt.parse(harness.clientAs("fk").post(fkNotice).body());
            assertEquals("ACCEPTED", fk.status(), "another sender's id is no conflict: " + fk.code());
            assertNotEquals(kommun.receiptId(), fk.receiptId());
            assertEquals(1, harness.gateway().broker().depth("kommun.0180"));
            assertEquals(1, harness.gateway().broker().depth("fk"));

            assertEquals(fk.receiptId(), Receipt.parse(harness.clientAs("fk").post(fkNotice).body()).receiptId());
            assertEquals(kommun.receiptId(), Receipt.parse(harness.clientAs("kommun-0180").post(kommunReferral).body()).receiptId());
            Receipt conflict = Receipt.parse(harness.clientAs("fk").post(notice(id, "FK-2026-999999")).body());
            assertEquals("DUPLICATE_CONFLICT", conflict.code());
            assertEquals(1, harness.gateway().broker().depth("kommun.0180"), "resends and conflicts deliver nothing");
            assertEquals(1, harness.gateway().broker().depth("fk"));
        }
    }

    /** Two senders' messages with one id on a kommun's queue: an acknowledgement says whose, and takes only that one. */
    @Test
    void a_pull_acknowledgement_names_the_sender_when_an_id_is_shared() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            String id = UUID.randomUUID().toString();
            assertEquals("ACCEPTED", Receipt.parse(harness.clientAs("fk").post(notice(id, "FK-2026-104233")).body()).status());
            Document revocation = FamilyGoldenTest.golden(MessageType.PERMIT_REVOCATION, SchemaFamily.FK);
            MessageSigner.stampFresh(revocation);
            GatewayHarness.at(revocation.getDocumentElement(), "Huvud", "MeddelandeId").setTextContent(id);
            Receipt ivo = Receipt.parse(harness.clientAs("ivo").post(MessageSigner.sign(revocation, GatewayHarness.key("ivo"))).body());
            assertEquals("ACCEPTED", ivo.status(), ivo.code());
            assertEquals(2, harness.gateway().broker().depth("kommun.0180"));

            var stockholm = harness.clientAs("kommun-0180");
            java.util.Set<String> senders = new java.util.HashSet<>();
            for (int i = 0; i < 2; i++) {
                var pulled = stockholm.pullNext();
                assertEquals(200, pulled.status());
                senders.add(pulled.header("X-Message-Sender").orElseThrow());
            }
            assertEquals(java.util.Set.of("fk", "ivo"), senders, "each pulled message says whose id it is");
            assertEquals(409, stockholm.acknowledge(id).status(), "which of the two?");
            assertEquals(2, harness.gateway().broker().depth("kommun.0180"));
            assertEquals(200, stockholm.acknowledge(id, null, "ivo").status());
            assertEquals(1, harness.gateway().broker().depth("kommun.0180"), "only IVO's message is gone");
            assertEquals(200, stockholm.acknowledge(id).status(), "one left: no need to say whose");
            assertEquals(0, harness.gateway().broker().depth("kommun.0180"));
        }
    }

    @Test
    void a_receipt_kept_before_ids_were_scoped_by_sender_answers_its_resend_after_an_upgrade() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            Receipt earlier = Receipt.parse(harness.clientAs("fk").post(notice(UUID.randomUUID().toString(), "FK-2026-104233")).body());
            byte[] notice = notice(UUID.randomUUID().toString(), "FK-2026-104234");
            String id = GatewayHarness.messageIdOf(notice);
            keptByAnEarlierVersion(harness.gateway().broker(), id, notice, earlier);
            harness.restart();

            Receipt resent = Receipt.parse(harness.clientAs("fk").post(notice).body());
            assertEquals(earlier.receiptId(), resent.receiptId(), "answered with the receipt the earlier version kept");
            assertEquals(1, harness.gateway().broker().depth("kommun.0180"), "and not delivered again");
            Receipt kommun = Receipt.parse(harness.clientAs("kommun-0180").post(referral(id)).body());
            assertEquals("ACCEPTED", kommun.status(), "another sender's message with that id is independent: " + kommun.code());
        }
    }

    /** A receipt as a version before this one kept it: keyed by the message id alone, no sender. */
    private static void keptByAnEarlierVersion(EmbeddedBroker broker, String id, byte[] notice, Receipt receipt) throws Exception {
        byte[] digest = XmlSignatures.check(SecureXml.parse(notice)).contentDigest();
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.inVmUrl(), broker.internalUser(),
                broker.internalPassword()); Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            TextMessage old = session.createTextMessage(new String(SecureXml.serialize(receipt.document()), java.nio.charset.StandardCharsets.UTF_8));
            old.setStringProperty("AbMessageId", id);
            old.setStringProperty("AbContentDigest", Base64.getEncoder().encodeToString(digest));
            old.setStringProperty("_AMQ_DUPL_ID", id);
            MessageProducer producer = session.createProducer(session.createQueue(Handoff.receiptQueue(id)));
            producer.send(old, DeliveryMode.PERSISTENT, 4, 3_600_000);
            session.commit();
        }
    }

    private static byte[] notice(String id, String arendenummer) throws Exception {
        return GatewayHarness.signedEdited("withdrawal-with-reasons-no-consent.xml", GatewayHarness.key("fk"), root -> {
            GatewayHarness.at(root, "Huvud", "MeddelandeId").setTextContent(id);
            GatewayHarness.at(root, "Beslut", "Arendenummer").setTextContent(arendenummer);
        });
    }

    private static byte[] referral(String id) throws Exception {
        Document document = FamilyGoldenTest.golden(MessageType.ENTITLEMENT_REFERRAL, SchemaFamily.KOMMUN);
        MessageSigner.stampFresh(document);
        GatewayHarness.at(document.getDocumentElement(), "Meddelande", "Id").setTextContent(id);
        return MessageSigner.sign(document, GatewayHarness.key("kommun-0180"));
    }
}
