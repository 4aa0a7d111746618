package se.assistansbryggan.e2e;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.transform.FamilyGoldenTest;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kommun is connected: a notice reaches any of the 290, and a revocation naming them all reaches each once. */
class EveryKommunTest extends SharedGateway {

    @Test
    void a_withdrawal_notice_reaches_kiruna_and_ale() throws Exception {
        for (String kod : List.of("2584", "1440")) {
            Party kommun = harness.gateway().directory().byKommunkod(kod).orElseThrow();
            byte[] notice = GatewayHarness.signedEdited("withdrawal-with-reasons-no-consent.xml", GatewayHarness.key("fk"), root -> {
                GatewayHarness.at(root, "Huvud", "Mottagare", "Organisationsnummer").setTextContent(kommun.orgnr().value());
                GatewayHarness.at(root, "Huvud", "Mottagare", "Kommunkod").setTextContent(kod);
                GatewayHarness.at(root, "Forsakrad", "Bosattningskommun").setTextContent(kod);
            });
            Receipt receipt = Receipt.parse(harness.clientAs("fk").post(notice).body());
            assertEquals("ACCEPTED", receipt.status(), kommun.name());
            try (QueueReader reader = harness.reader()) {
                var delivered = reader.receive("kommun." + kod, 5000).orElseThrow(() -> new AssertionError("nothing on kommun." + kod));
                assertEquals(receipt.messageId(), delivered.messageId());
            }
        }
    }

    /** The README's step 3 for a kommun without a sample certificate of its own: the Kiruna sample is delivered. */
    @Test
    void the_kiruna_sample_of_the_readme_is_delivered_to_kiruna() throws Exception {
        Document sample = SecureXml.parse(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("samples/withdrawal-notice-kiruna.xml")));
        MessageSigner.stampFresh(sample);
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(MessageSigner.sign(sample, GatewayHarness.key("fk"))).body());
        assertEquals("ACCEPTED", receipt.status());
        try (QueueReader reader = harness.reader()) {
            assertEquals(receipt.messageId(), reader.receive("kommun.2584", 5000).orElseThrow().messageId());
        }
    }

    /**
     * IVO revokes a provider's permit active in every kommun: FK and all 290 kommuner get their own
     * signed copy, once, in one transaction. When the broker fails in the middle of it (at the
     * 150th copy), no queue gets anything and IVO is told to send again; sent again, every queue
     * gets its copy once.
     */
    @Test
    void a_permit_revocation_naming_all_290_kommuner_reaches_each_once_or_none() throws Exception {
        byte[] signed = MessageSigner.sign(revocationOfAll(), GatewayHarness.key("ivo"));
        List<Party> recipients = harness.gateway().directory().all().stream()
                .filter(p -> p.kind() == Party.Kind.FK || p.kind() == Party.Kind.KOMMUN).toList();
        java.util.concurrent.atomic.AtomicInteger copies = new java.util.concurrent.atomic.AtomicInteger();
        org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin failInTheMiddle =
                new org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin() {
                    @Override
                    public void beforeSend(org.apache.activemq.artemis.core.server.ServerSession session,
                            org.apache.activemq.artemis.core.transaction.Transaction tx, org.apache.activemq.artemis.api.core.Message message,
                            boolean direct, boolean noAutoCreateQueue) throws org.apache.activemq.artemis.api.core.ActiveMQException {
                        if (message.getAddress().startsWith("kommun.") && copies.incrementAndGet() == 150) {
                            throw new org.apache.activemq.artemis.api.core.ActiveMQIOErrorException("the journal fails in the middle");
                        }
                    }
                };
        var server = harness.gateway().broker().server();
        harness.awaitReceiptsMoved();
        long heldBefore = harness.gateway().broker().totalMessages();
        long clocksBefore = harness.gateway().broker().depth(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS);
        long openBefore = harness.gateway().openFollowUps();
        java.util.function.LongSupplier held = () -> harness.gateway().broker().nonEmptyQueues().entrySet().stream()
                .filter(q -> q.getKey().startsWith(se.assistansbryggan.delivery.HeldClocks.PREFIX)).mapToLong(java.util.Map.Entry::getValue).sum();
        long heldClocksBefore = held.getAsLong();
        long receiptsBefore = se.assistansbryggan.delivery.Handoff.receiptQueues().stream()
                .mapToLong(q -> harness.gateway().broker().depth(q)).sum();
        server.registerBrokerPlugin(failInTheMiddle);
        try {
            Receipt refused = Receipt.parse(harness.clientAs("ivo").post(signed).body());
            assertEquals("BROKER_UNAVAILABLE", refused.code());
        } finally {
            server.unRegisterBrokerPlugin(failInTheMiddle);
        }
        assertTrue(copies.get() >= 150, "the failure came in the middle of the fan-out: " + copies.get());
        for (Party recipient : recipients) {
            assertEquals(0, harness.gateway().broker().depth(recipient.queue()), "none: " + recipient.queue());
        }
        // nor any unit's queue, clock or kept receipt
        assertEquals(heldBefore, harness.gateway().broker().totalMessages());
        assertEquals(clocksBefore, harness.gateway().broker().depth(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS));
        assertEquals(heldClocksBefore, held.getAsLong(), "no clock held for a later day either");
        assertEquals(openBefore, harness.gateway().openFollowUps(), "nor counted open");
        harness.awaitReceiptsMoved();
        assertEquals(receiptsBefore, se.assistansbryggan.delivery.Handoff.receiptQueues().stream()
                .mapToLong(q -> harness.gateway().broker().depth(q)).sum());

        Receipt receipt = Receipt.parse(harness.clientAs("ivo").post(signed).body());
        assertEquals("ACCEPTED", receipt.status());
        // (a queue's count may show a message a moment after the commit that stored it returned)
        BrokerCrashTest.await(() -> held.getAsLong() == heldClocksBefore + harness.gateway().openFollowUps() - openBefore);
        assertTrue(held.getAsLong() > heldClocksBefore, "the revocation's clocks, held for the end of its grace period");
        assertEquals(openBefore + held.getAsLong() - heldClocksBefore, harness.gateway().openFollowUps());
        // the transaction's one duplicate id is the kept receipt's: the fan-out made no duplicate-id cache (allocated at
        // full size, one per address) on any of the 290 kommuner's addresses, nor an id record per delivery
        var caches = ((org.apache.activemq.artemis.core.postoffice.impl.PostOfficeImpl) server.getPostOffice()).getDuplicateIDCaches().keySet().stream().map(Object::toString).toList();
        assertTrue(caches.contains(se.assistansbryggan.delivery.Handoff.receiptQueue(receipt.messageId())), caches.toString());
        // each receipt queue remembers its sixteenth of the ids (and a quarter over), not all of them
        assertEquals(harness.gateway().config().integer("gateway.broker.id-cache-size") / 16 * 5 / 4,
                server.getPostOffice().getDuplicateIDCache(org.apache.activemq.artemis.api.core.SimpleString.of(
                        se.assistansbryggan.delivery.Handoff.receiptQueue(receipt.messageId()))).getSize());
        assertTrue(caches.stream().noneMatch(address -> address.startsWith("kommun.") || address.equals("fk")
                || address.equals(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS)), caches.toString());
        try (QueueReader reader = harness.reader()) {
            for (Party recipient : recipients) {
                var copy = reader.receive(recipient.queue(), 5000).orElseThrow(() -> new AssertionError("nothing on " + recipient.queue()));
                assertEquals(receipt.messageId(), copy.messageId(), recipient.queue());
                Document delivered = SecureXml.parse(copy.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(recipient.family().namespace(), delivered.getDocumentElement().getNamespaceURI(), recipient.queue());
                assertEquals(GATEWAY_SIGNER, XmlSignatures.verify(delivered), recipient.queue());
                assertEquals(0, harness.gateway().broker().depth(recipient.queue()), "delivered twice to " + recipient.queue());
            }
        }
    }

    private static Document revocationOfAll() throws Exception {
        Document revocation = FamilyGoldenTest.golden(MessageType.PERMIT_REVOCATION, SchemaFamily.FK);
        MessageSigner.stampFresh(revocation);
        Element decision = Dom.child(revocation.getDocumentElement(), "Tillstandsbeslut");
        Dom.children(decision, "BerordKommun").forEach(decision::removeChild);
        List<Party> kommuner = harness.gateway().directory().ofKind(Party.Kind.KOMMUN);
        assertEquals(290, kommuner.size());
        for (Party kommun : kommuner) {
            Element affected = revocation.createElementNS(decision.getNamespaceURI(), decision.getPrefix() + ":BerordKommun");
            affected.setTextContent(kommun.kommunkod());
            decision.appendChild(affected);
        }
        return revocation;
    }
}
