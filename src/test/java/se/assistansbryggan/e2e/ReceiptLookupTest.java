package se.assistansbryggan.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.delivery.EmbeddedBroker;
import se.assistansbryggan.delivery.Handoff;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

/**
 * A resend is answered with the original receipt, looked up in the one receipt queue its message
 * id belongs to (a lookup walks its queue, so the receipts are spread over several), or where an
 * earlier version of the gateway kept it.
 */
class ReceiptLookupTest {
    @TempDir
    Path data;

    /**
     * The same message sent twice at once (a client retrying on a second connection before the first
     * answered) is delivered once: the broker adds a transaction's duplicate id to its cache only when
     * the transaction is stored, so two hand-offs of one id in flight together would both pass its check.
     */
    @Test
    void the_same_message_sent_twice_at_once_is_delivered_once() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            int pairs = 30;
            java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                for (int i = 0; i < pairs; i++) {
                    byte[] notice = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
                    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                    java.util.concurrent.Callable<Receipt> send = () -> {
                        together.await();
                        return Receipt.parse(harness.clientAs("fk").post(notice).body());
                    };
                    var first = two.submit(send);
                    var second = two.submit(send);
                    Receipt a = first.get();
                    Receipt b = second.get();
                    assertEquals("ACCEPTED", a.status(), a.code());
                    assertEquals("ACCEPTED", b.status(), b.code());
                    assertEquals(a.receiptId(), b.receiptId(), "both answered with the one receipt");
                }
            } finally {
                two.shutdownNow();
            }
            assertEquals(pairs, harness.gateway().broker().depth("kommun.0180"), "each message delivered once");
        }
    }

    @Test
    void receipts_are_spread_over_their_queues_and_every_resend_gets_its_own_original_receipt() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            List<byte[]> notices = new ArrayList<>();
            List<Receipt> originals = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                byte[] notice = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
                notices.add(notice);
                originals.add(Receipt.parse(harness.clientAs("fk").post(notice).body()));
                assertEquals("ACCEPTED", originals.get(i).status());
            }
            EmbeddedBroker broker = harness.gateway().broker();
            harness.awaitReceiptsMoved();
            long kept = 0;
            int used = 0;
            for (String queue : Handoff.receiptQueues()) {
                kept += broker.depth(queue);
                used += broker.depth(queue) > 0 ? 1 : 0;
            }
            assertEquals(24, kept, "one receipt kept per accepted message");
            assertTrue(used >= 4, "24 receipts in " + used + " of the queues");
            assertEquals(0, broker.depth(Handoff.RECEIPTS), "new receipts go to their buckets");
            for (int i = 0; i < notices.size(); i += 5) {
                assertTrue(broker.depth(Handoff.receiptQueue(originals.get(i).messageId())) > 0, "kept where its id belongs");
                Receipt resent = Receipt.parse(harness.clientAs("fk").post(notices.get(i)).body());
                assertEquals(originals.get(i).receiptId(), resent.receiptId(), "the resend gets its own original receipt");
            }
            assertEquals(24, broker.depth("kommun.0180"), "resends are not delivered again");
        }
    }

    @Test
    void a_receipt_kept_by_an_earlier_version_still_answers_a_resend() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            byte[] notice = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
            Receipt original = Receipt.parse(harness.clientAs("fk").post(notice).body());
            assertEquals("ACCEPTED", original.status());
            EmbeddedBroker broker = harness.gateway().broker();
            harness.awaitReceiptsMoved();
            // as an earlier version kept it: on the single receipt queue
            try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.inVmUrl(), broker.internalUser(),
                    broker.internalPassword()); Connection connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer bucket = session.createConsumer(session.createQueue(Handoff.receiptQueue(original.messageId())));
                TextMessage kept = (TextMessage) bucket.receive(2000);
                assertNotNull(kept);
                TextMessage old = session.createTextMessage(kept.getText());
                old.setStringProperty("AbMessageId", kept.getStringProperty("AbMessageId"));
                old.setStringProperty("AbContentDigest", kept.getStringProperty("AbContentDigest"));
                session.createProducer(session.createQueue(Handoff.RECEIPTS)).send(old);
                session.commit();
            }
            assertEquals(0, broker.depth(Handoff.receiptQueue(original.messageId())));
            assertEquals(1, broker.depth(Handoff.RECEIPTS));

            Receipt resent = Receipt.parse(harness.clientAs("fk").post(notice).body());
            assertEquals(original.receiptId(), resent.receiptId(), "found where the earlier version kept it");
            assertEquals(1, broker.depth("kommun.0180"));
        }
    }
}
