package se.assistansbryggan.delivery;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the embedded broker a hand-off keeps its receipt on the recent queue, and the mover takes
 * receipts to their buckets in batches: each receipt is found, and its id stopped, wherever it is
 * (on the recent queue, in its bucket, on both while it is moved, after a restart); the mover
 * moves each once, keeps its text, properties and expiry, and a hand-off keeps its receipt in the
 * bucket at once while too many wait to be moved. The mover runs here only when the test says so.
 */
class KeptReceiptsTest {
    private static final String FK = "202100-5489";
    private static final long HOUR = 3_600_000;

    @TempDir
    Path data;

    private EmbeddedBroker broker() {
        return TestBrokers.started(data, 64L << 20);
    }

    private static Handoff handoff(EmbeddedBroker broker, int lagLimit) throws Exception {
        return TestBrokers.handoff(broker, lagLimit);
    }

    private static void commit(Handoff handoff, String id) throws Exception {
        handoff.commit(FK, id, new byte[] {7}, "<Kvittens id=\"" + id + "\"/>",
                List.of(new Handoff.Delivery("kommun.0180", "<Dokument/>", Map.of("AbMessageId", id, "AbSender", "fk"), 4, 0)),
                List.of(), "[]");
    }

    @Test
    void a_receipt_is_found_and_its_id_stopped_on_the_recent_queue_and_in_its_bucket_and_is_moved_once() throws Exception {
        try (EmbeddedBroker broker = broker(); Handoff handoff = handoff(broker, KeptReceipts.LAG_LIMIT)) {
            String id = UUID.randomUUID().toString();
            long before = System.currentTimeMillis();
            commit(handoff, id);
            assertEquals(1, depthSoon(broker, Handoff.RECENT_RECEIPTS, 1), "kept on the recent queue first");
            assertEquals(0, depthSoon(broker, Handoff.receiptQueue(id), 0));
            assertEquals("<Kvittens id=\"" + id + "\"/>", handoff.storedReceipt(FK, id).orElseThrow().receiptXml());
            assertThrows(Handoff.AlreadyStored.class, () -> commit(handoff, id), "the recent queue remembers the id");

            assertEquals(1, handoff.keptReceipts().move());
            assertEquals(0, depthSoon(broker, Handoff.RECENT_RECEIPTS, 0));
            assertEquals(1, depthSoon(broker, Handoff.receiptQueue(id), 1), "in the bucket its id belongs to");
            Message moved = receiptIn(broker, Handoff.receiptQueue(id));
            assertEquals("<Kvittens id=\"" + id + "\"/>", ((TextMessage) moved).getText());
            assertEquals(id, moved.getStringProperty("AbMessageId"));
            assertEquals(FK, moved.getStringProperty(Handoff.SENDER));
            assertEquals("Bw==", moved.getStringProperty("AbContentDigest"));
            assertTrue(moved.getJMSExpiration() >= before + HOUR && moved.getJMSExpiration() <= System.currentTimeMillis() + HOUR,
                    "kept as long as the hand-off said, not longer for the move: " + moved.getJMSExpiration());
            assertTrue(broker.server().getPostOffice().getDuplicateIDCache(SimpleString.of(Handoff.receiptQueue(id)))
                    .contains(SimpleString.of(FK + "/" + id).getData()), "the bucket remembers the id");
            assertEquals("<Kvittens id=\"" + id + "\"/>", handoff.storedReceipt(FK, id).orElseThrow().receiptXml());
            assertThrows(Handoff.AlreadyStored.class, () -> commit(handoff, id), "moved, the id stays stopped");

            assertEquals(0, handoff.keptReceipts().move(), "nothing left to move");
            assertEquals(1, depthSoon(broker, Handoff.receiptQueue(id), 1));
            assertEquals(2, depthSoon(broker, "kommun.0180", 2), "one delivery and its audit events (sent there too here), nothing of the resends");
        }
    }

    @Test
    void a_receipt_copied_to_its_bucket_before_a_crash_took_the_delete_is_only_deleted() throws Exception {
        String id = UUID.randomUUID().toString();
        try (EmbeddedBroker broker = broker(); Handoff handoff = handoff(broker, KeptReceipts.LAG_LIMIT)) {
            commit(handoff, id);
            // the mover's first transaction, as a crash left it: the copy stored in the bucket, the original still on the recent queue
            var original = firstOn(broker, Handoff.RECENT_RECEIPTS);
            var copy = original.copy();
            copy.setAddress(Handoff.receiptQueue(id));
            ServerSends sends = new ServerSends(broker.server(), broker.internalUser(), broker.internalPassword(), 5_000, "test-");
            sends.commitCopies(List.of(copy));
            sends.close();
            assertEquals(1, depthSoon(broker, Handoff.RECENT_RECEIPTS, 1));
            assertEquals(1, depthSoon(broker, Handoff.receiptQueue(id), 1));
        }
        try (EmbeddedBroker broker = broker(); Handoff handoff = handoff(broker, KeptReceipts.LAG_LIMIT)) {
            assertThrows(Handoff.AlreadyStored.class, () -> commit(handoff, id), "remembered across the restart");
            assertEquals(1, handoff.keptReceipts().move());
            assertEquals(0, depthSoon(broker, Handoff.RECENT_RECEIPTS, 0));
            assertEquals(1, depthSoon(broker, Handoff.receiptQueue(id), 1), "not a second copy");
            assertEquals("<Kvittens id=\"" + id + "\"/>", handoff.storedReceipt(FK, id).orElseThrow().receiptXml());
        }
    }

    @Test
    void a_stop_moves_what_waits_so_that_an_earlier_version_finds_every_receipt_in_its_bucket() throws Exception {
        List<String> ids = new ArrayList<>();
        try (EmbeddedBroker broker = broker()) {
            try (Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, true)) {
                for (int i = 0; i < 3; i++) {
                    ids.add(UUID.randomUUID().toString());
                    commit(handoff, ids.get(i));
                }
            }
            assertEquals(0, depthSoon(broker, Handoff.RECENT_RECEIPTS, 0), "nothing left on the recent queue");
            long inBuckets = 0;
            for (int tries = 0; tries < 100 && (inBuckets = kept(broker)) != 3; tries++) {
                Thread.sleep(20);
            }
            assertEquals(3, inBuckets, "each in its bucket, once");
            for (String id : ids) {
                assertTrue(depthSoon(broker, Handoff.receiptQueue(id), 1) >= 1, id);
            }
        }
    }

    @Test
    void while_too_many_wait_to_be_moved_a_hand_off_keeps_its_receipt_in_its_bucket_and_every_id_stays_stopped() throws Exception {
        try (EmbeddedBroker broker = broker(); Handoff handoff = handoff(broker, 3)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(UUID.randomUUID().toString());
                commit(handoff, ids.get(i));
                // the limit is read from the queue's count, which shows a receipt once the queue took it in (so a limit is
                // passed by at most the hand-offs under way at once: far below the ids the recent queue remembers)
                depthSoon(broker, Handoff.RECENT_RECEIPTS, Math.min(i + 1, 3));
            }
            assertEquals(3, depthSoon(broker, Handoff.RECENT_RECEIPTS, 3), "three wait to be moved");
            long inBuckets = 0;
            for (int tries = 0; tries < 100 && (inBuckets = kept(broker) - broker.depth(Handoff.RECENT_RECEIPTS)) != 2; tries++) {
                Thread.sleep(20);
            }
            assertEquals(2, inBuckets, "past the limit, the last two kept in their buckets at once");
            for (String id : ids.subList(3, 5)) {
                assertTrue(broker.depth(Handoff.receiptQueue(id)) >= 1, "in the bucket its id belongs to");
            }
            for (String id : ids) {
                assertThrows(Handoff.AlreadyStored.class, () -> commit(handoff, id), id);
                assertTrue(handoff.storedReceipt(FK, id).isPresent(), id);
            }
            assertEquals(3, handoff.keptReceipts().move());
            long kept = 0;
            for (int tries = 0; tries < 100 && (kept = kept(broker)) != 5; tries++) {
                Thread.sleep(20);
            }
            assertEquals(5, kept, "each receipt once");
            for (String id : ids) {
                assertThrows(Handoff.AlreadyStored.class, () -> commit(handoff, id), id);
            }
            // moved, the recent queue takes new receipts again
            String next = UUID.randomUUID().toString();
            commit(handoff, next);
            assertEquals(1, depthSoon(broker, Handoff.RECENT_RECEIPTS, 1));
        }
    }

    private static long kept(EmbeddedBroker broker) {
        return Handoff.receiptQueues().stream().mapToLong(broker::depth).sum();
    }

    /** A queue's depth once it is what is expected, or after two seconds: a queue counts a message routed a moment ago once its executor took it in. */
    private static long depthSoon(EmbeddedBroker broker, String queue, long expected) throws InterruptedException {
        for (int tries = 0; tries < 100 && broker.depth(queue) != expected; tries++) {
            Thread.sleep(20);
        }
        return broker.depth(queue);
    }

    /** The first message on a queue, as the broker holds it (a message routed a moment ago may not be browsable yet). */
    private static org.apache.activemq.artemis.api.core.Message firstOn(EmbeddedBroker broker, String queue) throws InterruptedException {
        for (int tries = 0; tries < 100; tries++) {
            try (var refs = broker.server().locateQueue(queue).browserIterator()) {
                if (refs.hasNext()) {
                    return refs.next().getMessage();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing on " + queue);
    }

    private static Message receiptIn(EmbeddedBroker broker, String queue) throws Exception {
        try (var factory = new BrokerAccess(broker.inVmUrl(), broker.internalUser(), broker.internalPassword()).factory();
                Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var found = session.createBrowser(session.createQueue(queue)).getEnumeration();
            return (Message) found.nextElement();
        }
    }
}
