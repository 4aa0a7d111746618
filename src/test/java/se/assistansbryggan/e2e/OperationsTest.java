package se.assistansbryggan.e2e;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.client.OperatorClient;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Operators see queues and dead letters, read one with personal numbers masked, and retry or discard it, audited. */
class OperationsTest {
    static final String DLQ = "DLQ.kommun.0180";
    @TempDir
    static Path data;
    static GatewayHarness harness;
    static String acceptor;
    static OperatorClient operator;

    @BeforeAll
    static void start() throws Exception {
        acceptor = "tcp://127.0.0.1:" + GatewayHarness.freePort();
        harness = new GatewayHarness(data).start(Map.of("gateway.broker.acceptor", acceptor,
                "gateway.broker.redelivery.max-attempts", "2", "gateway.broker.redelivery.first-delay", "PT0.05S"));
        operator = new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("operator.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @Test
    void a_dead_letter_is_listed_shown_masked_and_retried_back_to_its_queue() throws Exception {
        String id = deadLetter();
        awaitAudited("DEAD_LETTERED", id);
        Answer list = operator.deadLetters("queue=" + DLQ + "&type=WITHDRAWAL_NOTICE&sender=fk");
        assertEquals(200, list.status());
        assertTrue(list.body().contains(id), list.body());
        assertTrue(list.body().contains("\"originalAddress\":\"kommun.0180\""), list.body());
        assertTrue(list.body().contains("\"attempts\":2"), list.body());
        assertTrue(list.body().contains("\"reason\":\"not acknowledged by its consumer in 2 delivery attempts\""), list.body());
        assertTrue(list.body().contains("\"deadLetteredAt\":1"), list.body());

        Answer shown = operator.show(DLQ, id);
        assertEquals(200, shown.status());
        assertTrue(shown.body().contains("1984****-****"), shown.body());
        assertFalse(shown.body().contains("19840709-2389"));

        assertEquals(200, operator.retry(DLQ, id, "the kommun's system is fixed").status());
        assertEquals(0, harness.gateway().broker().depth(DLQ));
        try (var reader = harness.reader()) {
            assertEquals(id, reader.receive("kommun.0180", 5000).orElseThrow().messageId());
        }
        assertAudited("OPERATOR_RETRIED", "the kommun's system is fixed");
    }

    @Test
    void many_dead_letters_are_retried_at_once_each_audited() throws Exception {
        String first = deadLetter();
        String second = deadLetter();
        assertEquals(404, operator.retryAll("kommun.0180", null, null, "not a dead-letter queue").status());
        Answer retried = operator.retryAll(DLQ, "WITHDRAWAL_NOTICE", "fk", "Stockholm's consumer is fixed");
        assertEquals(200, retried.status());
        assertTrue(retried.body().contains(first) && retried.body().contains(second), retried.body());
        assertEquals(0, harness.gateway().broker().depth(DLQ));
        try (var reader = harness.reader()) {
            java.util.Set<String> back = java.util.Set.of(reader.receive("kommun.0180", 5000).orElseThrow().messageId(),
                    reader.receive("kommun.0180", 5000).orElseThrow().messageId());
            assertEquals(java.util.Set.of(first, second), back);
        }
        assertAudited("OPERATOR_RETRIED", first);
        assertAudited("OPERATOR_RETRIED", second);
    }

    @Test
    void a_dead_letter_is_discarded_only_with_a_reason() throws Exception {
        String id = deadLetter();
        assertEquals(400, operator.discard(DLQ, id, "").status());
        assertEquals(200, operator.discard(DLQ, id, "sent again by FK under a new id").status());
        assertFalse(operator.deadLetters("queue=" + DLQ).body().contains(id));
        assertAudited("OPERATOR_DISCARDED", "sent again by FK under a new id");
    }

    @Test
    void acting_on_a_queue_that_is_not_a_dead_letter_queue_finds_nothing() throws Exception {
        String id = GatewayHarness.messageIdOf(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"));
        assertEquals(404, operator.retry("DLQ.kommun.9999", id, "no such queue").status());
        assertEquals(404, operator.show("kommun.0180", id).status());
        assertEquals(404, operator.discard("kommun.0180", id, "not a dead letter queue").status());
    }

    @Test
    void queues_are_listed_with_their_depth() throws Exception {
        Answer queues = operator.queues();
        assertEquals(200, queues.status());
        assertTrue(queues.body().contains("\"queue\":\"kommun.0180\""), queues.body());
        // the kept receipts are spread over several queues, shown as one
        assertTrue(queues.body().contains("\"queue\":\"gateway.receipts\""), queues.body());
        assertFalse(queues.body().contains("\"queue\":\"gateway.receipts.0\""), queues.body());
    }

    @Test
    void a_party_certificate_is_not_an_operator() throws Exception {
        OperatorClient impostor = new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("fk.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        assertEquals(403, impostor.queues().status());
        assertAudited("OPERATOR_REFUSED", "Försäkringskassan");
    }

    private static String deadLetter() throws Exception {
        return deadLetter(harness, acceptor);
    }

    /** A notice that Stockholm's system rolls back (twice: start the gateway with max-attempts 2) until the broker gives up on it. */
    static String deadLetter(GatewayHarness harness, String acceptor) throws Exception {
        byte[] notice = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(notice).body());
        var factory = new ActiveMQConnectionFactory(acceptor, "kommun-0180", "sample-0180-NOT-FOR-PRODUCTION");
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue("kommun.0180"));
            for (int attempt = 0; attempt < 2; attempt++) {
                assertNotNull(consumer.receive(5000));
                session.rollback();
            }
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (harness.gateway().broker().depth(DLQ) < 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return receipt.messageId();
    }

    /** The dead letter reaches the trail through the broker's divert, asynchronously. */
    private static void awaitAudited(String event, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            String trail = Files.readString(data.resolve("audit/trail.jsonl"));
            if (trail.lines().anyMatch(l -> l.contains("\"event\":\"" + event + "\"") && l.contains(text))) {
                return;
            }
            Thread.sleep(50);
        }
        assertAudited(event, text);
    }

    /** An operator's action is answered once its audit event is committed to the broker; the trail's writer follows. */
    private static void assertAudited(String event, String text) throws Exception {
        harness.gateway().awaitAudit(java.time.Duration.ofSeconds(10));
        String trail = Files.readString(data.resolve("audit/trail.jsonl"));
        assertTrue(trail.lines().anyMatch(l -> l.contains("\"event\":\"" + event + "\"") && l.contains(text)), trail);
    }
}
