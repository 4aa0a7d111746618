package se.assistansbryggan.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.delivery.Handoff;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

/**
 * Receipts are kept as long as the creation-time window lets a resend in. If an operator widens
 * the window later, a resend whose receipt is gone is still never delivered twice: DUPLICATE.
 */
class ReceiptRetentionTest {
    @TempDir
    Path data;

    @Test
    void a_resend_after_its_receipt_expired_is_refused_as_duplicate_and_not_delivered_again() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start(Map.of(
                "gateway.replay.max-age", "PT3S", "gateway.replay.clock-skew", "PT0S", "gateway.broker.expiry-scan-period", "PT1S"))) {
            byte[] notice = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
            assertEquals("ACCEPTED", Receipt.parse(harness.clientAs("fk").post(notice).body()).status());
            harness.awaitReceiptsMoved();
            assertEquals(1, harness.gateway().broker().depth(Handoff.receiptQueue(GatewayHarness.messageIdOf(notice))),
                    "kept once, where its id belongs");
            awaitEmpty(harness, Duration.ofSeconds(20));

            harness.restart(Map.of("gateway.replay.max-age", "PT1H"));

            Receipt resent = Receipt.parse(harness.clientAs("fk").post(notice).body());
            assertEquals("DUPLICATE", resent.code());
            assertEquals(1, harness.gateway().broker().depth("kommun.0180"));
        }
    }

    @Test
    void receipts_paged_to_disk_expire_too_and_their_page_files_go() throws Exception {
        // kept for 10 s: long enough that all 200 are still kept when the sending ends, on a slow or shared machine too
        try (GatewayHarness harness = new GatewayHarness(data).start(Map.of("gateway.broker.memory-mb", "1",
                "gateway.replay.max-age", "PT10S", "gateway.replay.clock-skew", "PT0S", "gateway.broker.expiry-scan-period", "PT1S"))) {
            for (int i = 0; i < 200; i++) {
                byte[] notice = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
                assertEquals("ACCEPTED", Receipt.parse(harness.clientAs("fk").post(notice).body()).status());
            }
            var paging = harness.gateway().broker().server().getPagingManager();
            long pagedQueues = Handoff.receiptQueues().stream()
                    .filter(q -> pageStore(paging, q).isPaging()).count();
            assertTrue(pagedQueues > 0, "200 receipts in a 1 MB broker: the receipt queues should page");
            long pagesBefore = Handoff.receiptQueues().stream().mapToLong(q -> pageStore(paging, q).getNumberOfPages()).max().orElseThrow();
            assertTrue(pagesBefore > 1, "some receipt queue should have written more than one page file");

            Instant deadline = Instant.now().plus(Duration.ofSeconds(40));
            while (keptReceipts(harness) > 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
            assertEquals(0, keptReceipts(harness), "paged receipts expire like the others");
            // the broker removes page files in the background once their messages are gone: give it a moment
            Instant cleaned = Instant.now().plus(Duration.ofSeconds(20));
            while (Handoff.receiptQueues().stream().anyMatch(q -> pageStore(paging, q).getNumberOfPages() > 1)
                    && Instant.now().isBefore(cleaned)) {
                Thread.sleep(200);
            }
            for (String queue : Handoff.receiptQueues()) {
                assertTrue(pageStore(paging, queue).getNumberOfPages() <= 1, queue + " still holds page files");
            }
            assertEquals(200, harness.gateway().broker().depth("kommun.0180"), "the deliveries stay");
            assertTrue(harness.gateway().broker().nonEmptyQueues().keySet().stream().noneMatch(q -> q.contains("receipts")),
                    "expired receipts go, not to an expiry queue: " + harness.gateway().broker().nonEmptyQueues());
        }
    }

    @Test
    void expired_receipts_an_earlier_version_kept_on_an_expiry_queue_go_at_start() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            var broker = harness.gateway().broker();
            // as an earlier version left them: expired receipts moved to ExpiryQueue's EXP.gateway.receipts.3 for good
            String left = "EXP.gateway.receipts.3";
            broker.server().createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of(left).setAddress("ExpiryQueue")
                    .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST).setDurable(true), true);
            try (var factory = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(broker.inVmUrl(),
                    broker.internalUser(), broker.internalPassword()); jakarta.jms.Connection connection = factory.createConnection()) {
                jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue("ExpiryQueue::" + left)).send(session.createTextMessage("<Kvittens/>"));
            }
            assertEquals(1, broker.depth(left));

            harness.restart();
            assertEquals(-1, harness.gateway().broker().depth(left), "the queue and what it kept are gone");
            assertEquals(-1, harness.gateway().broker().depth("EXP.gateway.receipts.4"), "none made where there was none");
        }
    }

    private static org.apache.activemq.artemis.core.paging.PagingStore pageStore(
            org.apache.activemq.artemis.core.paging.PagingManager paging, String queue) {
        try {
            return paging.getPageStore(org.apache.activemq.artemis.api.core.SimpleString.of(queue));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long keptReceipts(GatewayHarness harness) {
        return Handoff.receiptQueues().stream().mapToLong(q -> harness.gateway().broker().depth(q)).sum();
    }

    /** The one receipt is kept (on the recent queue, its bucket, or both for a moment while it is moved), then expires. */
    private static void awaitEmpty(GatewayHarness harness, Duration patience) throws InterruptedException {
        assertTrue(keptReceipts(harness) >= 1, "the receipt is kept at first");
        Instant deadline = Instant.now().plus(patience);
        while (keptReceipts(harness) > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertEquals(0, keptReceipts(harness), "the kept receipt did not expire");
    }
}
