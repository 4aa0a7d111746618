package se.assistansbryggan.e2e;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.delivery.Handoff;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded broker holds at most gateway.broker.memory-mb of messages in the heap; beyond it,
 * it pages to disk. A kommun that stops reading, or a day of kept receipts, then costs disk, not
 * the gateway's memory, and nothing accepted is lost or doubled on the way.
 */
class BrokerMemoryTest {
    @TempDir
    Path data;

    @Test
    void past_its_memory_the_broker_pages_to_disk_and_every_accepted_message_is_still_delivered_once() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start(Map.of("gateway.broker.memory-mb", "1"))) {
            Set<String> accepted = new HashSet<>();
            for (int i = 0; i < 150; i++) {
                Receipt receipt = Receipt.parse(harness.clientAs("fk").post(
                        GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body());
                assertEquals("ACCEPTED", receipt.status());
                accepted.add(receipt.messageId());
            }
            var server = harness.gateway().broker().server();
            boolean receiptsPaging = false;
            for (String queue : Handoff.receiptQueues()) {
                receiptsPaging |= server.getPagingManager().getPageStore(SimpleString.of(queue)).isPaging();
            }
            assertTrue(server.getPagingManager().getPageStore(SimpleString.of("kommun.0180")).isPaging() || receiptsPaging,
                    "150 notices and their receipts are more than 1 MB: the broker should be paging");
            assertEquals(150, harness.gateway().broker().depth("kommun.0180"));

            Set<String> read = new HashSet<>();
            try (QueueReader reader = harness.reader()) {
                for (Optional<QueueReader.Received> r = reader.receive("kommun.0180", 2000); r.isPresent();
                        r = reader.receive("kommun.0180", 2000)) {
                    assertTrue(read.add(r.get().messageId()), "read twice: " + r.get().messageId());
                }
            }
            assertEquals(accepted, read);
        }
    }
}
