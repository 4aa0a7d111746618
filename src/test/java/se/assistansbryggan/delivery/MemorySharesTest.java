package se.assistansbryggan.delivery;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.message.ClockKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Open follow-up clocks wait for days: many of them page on their own address instead of filling
 * the broker's memory, after which every address would page (each hand-off then waiting for page
 * syncs of its deliveries, audit events and receipt too).
 */
class MemorySharesTest {
    @TempDir
    Path data;

    @Test
    void many_open_clocks_page_on_their_own_address_and_leave_the_other_queues_in_memory() throws Exception {
        long memory = 1L << 20;
        try (EmbeddedBroker broker = TestBrokers.started(data, memory); Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT)) {
            var server = broker.server();
            var kommun = server.locateQueue("kommun.0180");
            var paging = server.getPagingManager();
            java.time.Instant due = java.time.Instant.now().plusSeconds(86_400);
            List<String> paged = new java.util.ArrayList<>();
            // some 1,000 clocks: more than the broker's whole memory (each takes some 2 KB of it while it waits)
            for (int i = 0; i < 1_000; i++) {
                String id = UUID.randomUUID().toString();
                handoff.commit("202100-5489", id, new byte[] {1}, "<Kvittens/>",
                        List.of(new Handoff.Delivery("kommun.0180", "<Dokument/>", Map.of("AbMessageId", id, "AbSender", "fk"), 4, 0)),
                        List.of(new Handoff.FollowUp("kommun-0180", "kommun-0180", "kommun.0180", due, ClockKind.ESCALATION, null)), "[]");
                if (i % 50 == 49) {
                    for (String other : List.of("kommun.0180", Handoff.RECENT_RECEIPTS)) {
                        if (paging.getPageStore(SimpleString.of(other)).isPaging() || paging.isGlobalFull()) {
                            paged.add(other + " after " + (i + 1) + " clocks" + (paging.isGlobalFull() ? " (the broker's memory full)" : ""));
                        }
                    }
                    // as the kommun and the trail's writer read them
                    kommun.deleteAllReferences();
                    handoff.keptReceipts().move();
                }
            }
            assertTrue(paging.getPageStore(SimpleString.of(Handoff.FOLLOW_UPS)).isPaging(), "the clocks page past their share");
            assertEquals(List.of(), paged, "the clocks filled the broker's memory, and other queues paged");
            assertEquals(1_000, server.locateQueue(Handoff.FOLLOW_UPS).getMessageCount(), "every clock kept");

            // one more, due in a moment, written to the clocks' page file behind a day's worth: it fires at its time all the same
            String soon = UUID.randomUUID().toString();
            handoff.commit("202100-5489", soon, new byte[] {1}, "<Kvittens/>",
                    List.of(new Handoff.Delivery("kommun.0180", "<Dokument/>", Map.of("AbMessageId", soon, "AbSender", "fk"), 4, 0)),
                    List.of(new Handoff.FollowUp("kommun-0180", "kommun-0180", "kommun.0180", java.time.Instant.now().plusSeconds(1),
                            ClockKind.ESCALATION, null)), "[]");
            assertTrue(paging.getPageStore(SimpleString.of(Handoff.FOLLOW_UPS)).isPaging());
            try (var factory = new BrokerAccess(broker.inVmUrl(), broker.internalUser(), broker.internalPassword()).factory();
                    jakarta.jms.Connection connection = factory.createConnection()) {
                connection.start();
                jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
                jakarta.jms.Message fired = session.createConsumer(session.createQueue(Handoff.FOLLOW_UPS)).receive(15_000);
                assertTrue(fired != null, "the paged clock did not fire");
                assertEquals(soon, fired.getStringProperty("AbMessageId"));
            }
        }
    }
}
