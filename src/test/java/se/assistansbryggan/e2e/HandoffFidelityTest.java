package se.assistansbryggan.e2e;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.delivery.BrokerAccess;
import se.assistansbryggan.delivery.EmbeddedBroker;
import se.assistansbryggan.delivery.Handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded broker takes a hand-off on the caller's thread, below JMS: a consumer reads what it
 * stored as any JMS message (text, properties, priority, expiry, persistence, an id), a follow-up
 * clock waits for its time, a transaction with a text the JMS client would send as a large message
 * goes over JMS and is kept as one, and a resent id fails the whole transaction, leaving nothing
 * and the thread's next hand-off unharmed.
 */
class HandoffFidelityTest {
    @TempDir
    Path data;

    @Test
    void a_consumer_reads_what_the_hand_off_stored_as_a_jms_producer_would_have_sent_it() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            EmbeddedBroker broker = harness.gateway().broker();
            BrokerAccess access = new BrokerAccess(broker.inVmUrl(), broker.internalUser(), broker.internalPassword());
            // the "audit events" go to a kommun's queue here, where this test reads them, not to the trail's writer
            try (Handoff handoff = new Handoff(access, broker.server(), Duration.ofHours(1), "kommun.1480")) {
                String id = UUID.randomUUID().toString();
                String text = "<Dokument>" + "å".repeat(20_000) + "</Dokument>";
                long before = System.currentTimeMillis();
                java.time.Instant due = java.time.Instant.ofEpochMilli(before + 3_600_000);
                handoff.commit("202100-5489", id, new byte[] {1, 2, 3}, "<Kvittens/>",
                        // the lower priority first: the broker offers the higher one first all the same
                        List.of(new Handoff.Delivery("kommun.0180", "<Kort/>", Map.of("AbMessageId", id, "AbSender", "fk"), 4, 0),
                                new Handoff.Delivery("kommun.0180", text, Map.of("AbMessageId", id, "AbSender", "fk"), 7, 3_600_000)),
                        List.of(new Handoff.FollowUp("kommun-0180", "kommun-0180", "kommun.0180", due,
                                se.assistansbryggan.message.ClockKind.values()[0], null)), "[\"events\"]");
                List<String> sessions = handoffSessions(broker);
                assertEquals(1, sessions.size(), "taken by a broker session of this thread's own, not over JMS: " + sessions);
                String handoffSession = sessions.get(0);

                ActiveMQConnectionFactory factory = access.factory();
                try (Connection connection = factory.createConnection()) {
                    connection.start();
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageConsumer consumer = session.createConsumer(session.createQueue("kommun.0180"));
                    TextMessage big = (TextMessage) consumer.receive(5000);
                    assertNotNull(big);
                    assertEquals(text, big.getText());
                    assertEquals(id, big.getStringProperty("AbMessageId"));
                    assertEquals("fk", big.getStringProperty("AbSender"));
                    assertEquals(7, big.getJMSPriority());
                    assertEquals(DeliveryMode.PERSISTENT, big.getJMSDeliveryMode());
                    assertNotNull(big.getJMSMessageID());
                    assertTrue(big.getJMSTimestamp() >= before, "a timestamp of the hand-off");
                    assertTrue(big.getJMSExpiration() >= before + 3_600_000 && big.getJMSExpiration() <= System.currentTimeMillis() + 3_600_000,
                            "expires an hour after the hand-off: " + big.getJMSExpiration());
                    TextMessage small = (TextMessage) consumer.receive(5000);
                    assertEquals("<Kort/>", small.getText());
                    assertEquals(0, small.getJMSExpiration());
                    assertEquals(4, small.getJMSPriority());
                    Message events = session.createConsumer(session.createQueue("kommun.1480")).receive(5000);
                    assertEquals("[\"events\"]", ((TextMessage) events).getText());
                }
                // the clock waits in the broker's schedule for its time (an hour: the gateway's watcher does not take it here)
                var scheduled = broker.server().locateQueue(Handoff.FOLLOW_UPS).getScheduledMessages();
                assertEquals(1, scheduled.size());
                org.apache.activemq.artemis.api.core.Message clock = scheduled.get(0).getMessage();
                assertEquals(due.toEpochMilli(), clock.getScheduledDeliveryTime());
                assertEquals(due.toEpochMilli(), clock.getLongProperty("AbDue"));
                assertEquals(id, clock.getStringProperty("AbMessageId"));
                assertEquals("fk", clock.getStringProperty("AbSender"));
                assertEquals("kommun.0180", clock.getStringProperty("AbTargetQueue"));
                assertTrue(clock.isDurable());
                assertTrue(handoff.storedReceipt("202100-5489", id).isPresent());

                // the same sender and id again: refused as already stored, and nothing of the transaction kept (read below:
                // a queue's count right after a commit may not show a message yet, so the queues are read, not counted)
                assertThrows(Handoff.AlreadyStored.class, () -> handoff.commit("202100-5489", id, new byte[] {1, 2, 3}, "<Kvittens/>",
                        List.of(new Handoff.Delivery("kommun.0180", "<Igen/>", Map.of("AbMessageId", id), 4, 0)),
                        List.of(new Handoff.FollowUp("kommun-0180", "kommun-0180", "kommun.0180", due.plusSeconds(60),
                                se.assistansbryggan.message.ClockKind.values()[0], null)), "[\"again\"]"));
                assertEquals(1, broker.server().locateQueue(Handoff.FOLLOW_UPS).getScheduledMessages().size(), "no second clock");
                harness.awaitReceiptsMoved();
                assertEquals(1, keptReceipts(access, id), "no second receipt");

                // the same thread hands off again after the refusal, in the same broker session: only the new message arrives
                String next = UUID.randomUUID().toString();
                handoff.commit("202100-5489", next, new byte[] {4}, "<Kvittens/>",
                        List.of(new Handoff.Delivery("kommun.0180", "<Nasta/>", Map.of("AbMessageId", next), 4, 0)), List.of(), "[\"next\"]");
                assertEquals(List.of(handoffSession), handoffSessions(broker), "the thread's session, kept after the refusal");
                // a text the JMS client sends as a large message (over 100 KiB as the broker stores text) goes over JMS, kept so
                String last = UUID.randomUUID().toString();
                String large = "<Dokument>" + "å".repeat(60_000) + "</Dokument>";
                handoff.commit("202100-5489", last, new byte[] {5}, "<Kvittens/>",
                        List.of(new Handoff.Delivery("kommun.0180", large, Map.of("AbMessageId", last), 4, 0)), List.of(), "[\"last\"]");
                assertEquals(List.of(handoffSession), handoffSessions(broker), "no broker session of its own for the JMS path");
                try (var files = java.nio.file.Files.list(data.resolve("large-messages"))) {
                    assertEquals(1, files.filter(f -> f.toString().endsWith(".msg")).count(), "kept as a large message");
                }
                try (Connection connection = access.factory().createConnection()) {
                    connection.start();
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageConsumer kommun = session.createConsumer(session.createQueue("kommun.0180"));
                    TextMessage first = (TextMessage) kommun.receive(5000);
                    assertEquals("<Nasta/>", first.getText(), "nothing of the refused transaction");
                    assertEquals(next, first.getStringProperty("AbMessageId"));
                    TextMessage second = (TextMessage) kommun.receive(5000);
                    assertEquals(large, second.getText());
                    assertEquals(last, second.getStringProperty("AbMessageId"));
                    assertNull(kommun.receive(1000), "nothing of the refused transaction");
                    MessageConsumer events = session.createConsumer(session.createQueue("kommun.1480"));
                    assertEquals("[\"next\"]", ((TextMessage) events.receive(5000)).getText());
                    assertEquals("[\"last\"]", ((TextMessage) events.receive(5000)).getText());
                    assertNull(events.receive(1000), "no events of the refused transaction");
                }
            }
            assertEquals(List.of(), handoffSessions(broker), "closed with the hand-off");
        }
    }

    /** The names of the broker sessions hand-offs opened on the broker's side. */
    private static List<String> handoffSessions(EmbeddedBroker broker) {
        return broker.server().getSessions().stream().map(org.apache.activemq.artemis.core.server.ServerSession::getName)
                .filter(name -> name.startsWith("handoff-")).sorted().toList();
    }

    /** How many receipts are kept for this message id (on its bucket, where the mover has taken it). */
    private static int keptReceipts(BrokerAccess access, String id) throws Exception {
        try (Connection connection = access.factory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var found = session.createBrowser(session.createQueue(Handoff.receiptQueue(id)), "AbMessageId = '" + id + "'").getEnumeration();
            int count = 0;
            for (; found.hasMoreElements(); found.nextElement()) {
                count++;
            }
            return count;
        }
    }
}
