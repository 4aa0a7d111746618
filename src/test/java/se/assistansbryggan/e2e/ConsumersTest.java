package se.assistansbryggan.e2e;

import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.delivery.EmbeddedBroker;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kommun and FK systems read their own queues with standard clients (Artemis Core and AMQP 1.0),
 * each with its own broker user, and cannot read anyone else's. A message a consumer keeps
 * rolling back ends in the dead-letter queue of its address.
 */
class ConsumersTest {
    static final String STOCKHOLM_PASSWORD = "sample-0180-NOT-FOR-PRODUCTION";
    @TempDir
    static Path data;
    static GatewayHarness harness;
    static String acceptor;

    @BeforeAll
    static void start() throws Exception {
        int port = GatewayHarness.freePort();
        acceptor = "tcp://127.0.0.1:" + port;
        harness = new GatewayHarness(data).start(Map.of(
                "gateway.broker.acceptor", acceptor + "?protocols=CORE,AMQP",
                "gateway.broker.redelivery.max-attempts", "3",
                "gateway.broker.redelivery.first-delay", "PT0.05S",
                "gateway.broker.redelivery.max-delay", "PT0.2S"));
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @AfterEach
    void queues_are_left_empty() throws InterruptedException {
        // an AMQP acknowledgement is settled by the broker after the client's connection has closed: wait for it
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (harness.gateway().broker().totalMessages() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, harness.gateway().broker().totalMessages());
    }

    @Test
    void a_kommun_reads_its_own_queue_over_core() throws Exception {
        String id = send();
        try (QueueReader stockholm = new QueueReader(acceptor, "kommun-0180", STOCKHOLM_PASSWORD)) {
            assertEquals(id, stockholm.receive("kommun.0180", 5000).orElseThrow().messageId());
        }
    }

    @Test
    void a_kommun_reads_its_own_queue_over_amqp() throws Exception {
        String id = send();
        JmsConnectionFactory amqp = new JmsConnectionFactory("kommun-0180", STOCKHOLM_PASSWORD,
                "amqp://127.0.0.1:" + acceptor.substring(acceptor.lastIndexOf(':') + 1));
        try (Connection connection = amqp.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("kommun.0180"));
            Message message = consumer.receive(5000);
            assertNotNull(message);
            assertEquals(id, message.getStringProperty("AbMessageId"));
            assertNotNull(((TextMessage) message).getText());
            message.acknowledge();
        }
    }

    @Test
    void a_kommun_cannot_read_another_kommuns_queue() throws Exception {
        send();
        try (QueueReader goteborg = new QueueReader(acceptor, "kommun-1480", "sample-1480-NOT-FOR-PRODUCTION")) {
            assertThrows(JMSSecurityException.class, () -> goteborg.receive("kommun.0180", 1000));
        }
        try (QueueReader stockholm = new QueueReader(acceptor, "kommun-0180", STOCKHOLM_PASSWORD)) {
            stockholm.receive("kommun.0180", 5000).orElseThrow();
        }
    }

    @Test
    void the_acceptor_can_require_tls() throws Exception {
        String tlsPort = Integer.toString(GatewayHarness.freePort());
        try (GatewayHarness tls = new GatewayHarness(data.resolve("tls")).start(Map.of("gateway.broker.acceptor",
                "tcp://127.0.0.1:" + tlsPort + "?protocols=CORE,AMQP;sslEnabled=true;keyStorePath=certs-sample/gateway-tls.p12"
                        + ";keyStorePassword=changeit;keyStoreType=PKCS12"))) {
            String id = Receipt.parse(tls.clientAs("fk").post(
                    GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body()).messageId();
            String client = "tcp://127.0.0.1:" + tlsPort + "?sslEnabled=true&trustStorePath=certs-sample/truststore.p12"
                    + "&trustStorePassword=changeit&trustStoreType=PKCS12";
            try (QueueReader stockholm = new QueueReader(client, "kommun-0180", STOCKHOLM_PASSWORD)) {
                assertEquals(id, stockholm.receive("kommun.0180", 5000).orElseThrow().messageId());
            }
            String plain = "tcp://127.0.0.1:" + tlsPort + "?callTimeout=2000&initialConnectAttempts=1";
            assertThrows(jakarta.jms.JMSException.class, () -> new QueueReader(plain, "kommun-0180", STOCKHOLM_PASSWORD).close());
        }
    }

    /** An acceptor that asks for client certificates lets in no revoked one: the same gate as every other door. */
    @Test
    void a_revoked_certificate_cannot_log_in_to_the_broker() throws Exception {
        String tlsPort = Integer.toString(GatewayHarness.freePort());
        String trust = "trustStorePath=certs-sample/truststore.p12;trustStorePassword=changeit;trustStoreType=PKCS12";
        try (GatewayHarness tls = new GatewayHarness(data.resolve("mtls")).start(Map.of("gateway.broker.acceptor",
                "tcp://127.0.0.1:" + tlsPort + "?protocols=CORE,AMQP;sslEnabled=true;keyStorePath=certs-sample/gateway-tls.p12"
                        + ";keyStorePassword=changeit;keyStoreType=PKCS12;needClientAuth=true;" + trust))) {
            String client = "tcp://127.0.0.1:" + tlsPort + "?sslEnabled=true&" + trust.replace(';', '&')
                    + "&keyStorePassword=changeit&keyStoreType=PKCS12&callTimeout=3000&initialConnectAttempts=1&keyStorePath=certs-sample/";
            try (QueueReader goteborg = new QueueReader(client + "kommun-1480.p12", "kommun-1480", "sample-1480-NOT-FOR-PRODUCTION")) {
                assertTrue(goteborg.receive("kommun.1480", 100).isEmpty(), "its own certificate logs in");
            }
            assertThrows(JMSSecurityException.class, () -> new QueueReader(client + "kommun-1480-revoked.p12", "kommun-1480",
                    "sample-1480-NOT-FOR-PRODUCTION").close(), "the right password does not let a revoked certificate in");
        }
    }

    /**
     * On an acceptor that requires client certificates, a kommun logs in with its organisation
     * certificate alone, over AMQP 1.0 (SASL EXTERNAL) and over Core: no password. It reads its own
     * queue; another kommun's certificate is refused on it; a revoked certificate gets no connection;
     * a kommun without a configured password (Kiruna, its certificate issued by the sample CA) reads its own.
     */
    @Test
    void a_kommun_logs_in_to_the_broker_with_its_certificate() throws Exception {
        String tlsPort = Integer.toString(GatewayHarness.freePort());
        String trust = "trustStorePath=certs-sample/truststore.p12;trustStorePassword=changeit;trustStoreType=PKCS12";
        // the shipped certificate acceptor, on a free port
        String shipped = se.assistansbryggan.app.GatewayConfig.load(Path.of("config/application.properties"), Map.of())
                .get("gateway.broker.certificate-acceptor");
        assertTrue(shipped.contains(":61617?") && shipped.contains("needClientAuth=true"), shipped);
        try (GatewayHarness tls = new GatewayHarness(data.resolve("certificate-login")).start(Map.of(
                "gateway.broker.certificate-acceptor", shipped.replace(":61617?", ":" + tlsPort + "?")))) {
            String core = "tcp://127.0.0.1:" + tlsPort + "?sslEnabled=true&" + trust.replace(';', '&')
                    + "&keyStorePassword=changeit&keyStoreType=PKCS12&callTimeout=3000&initialConnectAttempts=1&keyStorePath=";
            String amqp = "amqps://127.0.0.1:" + tlsPort + "?transport.trustStoreLocation=certs-sample/truststore.p12"
                    + "&transport.trustStorePassword=changeit&transport.trustStoreType=PKCS12&transport.keyStorePassword=changeit"
                    + "&transport.keyStoreType=PKCS12&amqp.saslMechanisms=EXTERNAL&transport.keyStoreLocation=";
            String first = Receipt.parse(tls.clientAs("fk").post(
                    GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body()).messageId();
            String second = Receipt.parse(tls.clientAs("fk").post(
                    GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body()).messageId();

            // over AMQP 1.0 with SASL EXTERNAL: the certificate is the login
            try (Connection stockholm = new JmsConnectionFactory(amqp + "certs-sample/kommun-0180.p12").createConnection()) {
                stockholm.start();
                Session session = stockholm.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                Message message = session.createConsumer(session.createQueue("kommun.0180")).receive(5000);
                assertNotNull(message, "nothing read over AMQP with the certificate");
                assertEquals(first, message.getStringProperty("AbMessageId"));
                message.acknowledge();
            }
            // over Core with no user name
            try (QueueReader stockholm = new QueueReader(core + "certs-sample/kommun-0180.p12", null, null)) {
                assertEquals(second, stockholm.receive("kommun.0180", 5000).orElseThrow().messageId());
            }
            // another kommun's certificate logs in as that kommun, and may not read Stockholm's queue
            try (QueueReader goteborg = new QueueReader(core + "certs-sample/kommun-1480.p12", null, null)) {
                assertThrows(JMSSecurityException.class, () -> goteborg.receive("kommun.0180", 1000));
            }
            try (Connection goteborg = new JmsConnectionFactory(amqp + "certs-sample/kommun-1480.p12").createConnection()) {
                goteborg.start();
                Session session = goteborg.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                assertThrows(JMSSecurityException.class, () -> session.createConsumer(session.createQueue("kommun.0180")));
            }
            // Artemis' well-known cluster-admin login, which no security manager sees, gets nothing on either acceptor
            for (String url : List.of(core + "certs-sample/kommun-1480-revoked.p12", acceptor)) {
                assertThrows(JMSSecurityException.class, () -> new QueueReader(url, "ACTIVEMQ.CLUSTER.ADMIN.USER", "CHANGE ME!!").close(), url);
            }
            // a certificate with another party's user name and that party's password gets nothing
            assertThrows(JMSSecurityException.class, () -> new QueueReader(core + "certs-sample/kommun-1480.p12", "kommun-0180",
                    STOCKHOLM_PASSWORD).close());
            // a revoked certificate gets no connection, over either protocol
            assertThrows(JMSSecurityException.class, () -> new QueueReader(core + "certs-sample/kommun-1480-revoked.p12", null, null).close());
            try (Connection revoked = new JmsConnectionFactory(amqp + "certs-sample/kommun-1480-revoked.p12").createConnection()) {
                assertThrows(JMSSecurityException.class, revoked::start, "Qpid JMS connects on start");
            }
            // Kiruna has no password anywhere: its certificate is all it needs
            // (issued as ./bryggan sample-pki --party kommun-2584 does, from a copy of the sample CA)
            Path ca = java.nio.file.Files.createDirectories(data.resolve("kiruna-ca"));
            for (String file : List.of("issuing-ca.p12", "root-ca.p12")) {
                java.nio.file.Files.copy(GatewayHarness.CERTS.resolve(file), ca.resolve(file));
            }
            Path kiruna = new se.assistansbryggan.client.SamplePki(ca, GatewayHarness.PASSWORD)
                    .issueParty(new se.assistansbryggan.client.SamplePki.SampleParty("kommun-2584", "Kiruna", "212000-2783"));
            try (QueueReader reader = new QueueReader(core + kiruna.toAbsolutePath(), null, null)) {
                assertTrue(reader.receive("kommun.2584", 200).isEmpty());
            }
        }
    }

    @Test
    void a_wrong_password_gets_no_connection() {
        assertThrows(JMSSecurityException.class, () -> new QueueReader(acceptor, "kommun-0180", "guess").close());
    }

    @Test
    void a_message_rolled_back_every_time_ends_in_the_dead_letter_queue_of_its_address() throws Exception {
        String id = send();
        var factory = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(acceptor, "kommun-0180", STOCKHOLM_PASSWORD);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue("kommun.0180"));
            for (int attempt = 1; attempt <= 3; attempt++) {
                assertNotNull(consumer.receive(5000), "attempt " + attempt);
                session.rollback();
            }
            assertNull(consumer.receive(500));
        }
        try (QueueReader gateway = harness.reader()) {
            var dead = gateway.receive(EmbeddedBroker.DEAD_LETTERS + "::" + EmbeddedBroker.DEAD_LETTER_PREFIX + "kommun.0180", 5000).orElseThrow();
            assertEquals(id, dead.messageId());
            assertEquals("kommun.0180", dead.originalAddress());
        }
    }

    /**
     * Whatever an AMQP 1.0 consumer answers about a message it could not process (modified
     * delivery-failed, released, rejected, or its connection dropped), the documented policy holds:
     * redelivery with back-off, then the dead-letter queue of its address, with a reason that says
     * what happened.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"MODIFIED_FAILED", "MODIFIED_FAILED_ON_ONE_LINK", "RELEASED",
            "RELEASED_ON_ONE_LINK", "REJECTED", "DROPPED"})
    void an_amqp_consumer_that_fails_gets_back_off_then_a_dead_letter(String outcome) throws Exception {
        String id = send();
        JmsConnectionFactory amqp = new JmsConnectionFactory("kommun-0180", STOCKHOLM_PASSWORD,
                "amqp://127.0.0.1:" + acceptor.substring(acceptor.lastIndexOf(':') + 1));
        int deliveries = 0;
        long first = 0;
        long last = 0;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        // a consumer that stays connected and fails on every delivery, as a stuck system would
        Connection kept = outcome.endsWith("ON_ONE_LINK") ? amqp.createConnection() : null;
        Session keptSession = kept == null ? null : kept.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer keptConsumer = kept == null ? null : keptSession.createConsumer(keptSession.createQueue("kommun.0180"));
        if (kept != null) {
            kept.start();
        }
        while (System.nanoTime() < deadline && deliveries < 20) {
            try (Connection connection = kept != null ? null : amqp.createConnection()) {
                MessageConsumer consumer = keptConsumer;
                if (connection != null) {
                    connection.start();
                    Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                    consumer = session.createConsumer(session.createQueue("kommun.0180"));
                }
                Message message = consumer.receive(1000);
                if (message == null) {
                    break;
                }
                deliveries++;
                last = System.nanoTime();
                first = deliveries == 1 ? last : first;
                switch (outcome) {
                    case "MODIFIED_FAILED", "MODIFIED_FAILED_ON_ONE_LINK" -> message.setIntProperty("JMS_AMQP_ACK_TYPE", 4);
                    case "RELEASED", "RELEASED_ON_ONE_LINK" -> message.setIntProperty("JMS_AMQP_ACK_TYPE", 3);
                    case "REJECTED" -> message.setIntProperty("JMS_AMQP_ACK_TYPE", 2);
                    default -> { } // DROPPED: the connection closes without settling it
                }
                if (!outcome.equals("DROPPED")) {
                    message.acknowledge();
                }
            }
        }
        if (kept != null) {
            kept.close();
        }
        System.out.println("AMQP " + outcome + ": " + deliveries + " deliveries before the queue was empty");
        se.assistansbryggan.client.OperatorClient operator = new se.assistansbryggan.client.OperatorClient(harness.gateway().baseUrl(),
                GatewayHarness.CERTS.resolve("operator.p12"), GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        String letters = "";
        for (long wait = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5); !letters.contains(id) && System.nanoTime() < wait; ) {
            letters = operator.deadLetters("queue=" + EmbeddedBroker.DEAD_LETTER_PREFIX + "kommun.0180").body();
        }
        assertTrue(letters.contains(outcome.equals("REJECTED") ? "rejected by its consumer"
                : outcome.startsWith("RELEASED") ? "it answered released" : "in 3 delivery attempts"),
                outcome + ": the dead letter says what happened: " + letters);
        try (QueueReader gateway = harness.reader()) {
            var dead = gateway.receive(EmbeddedBroker.DEAD_LETTERS + "::" + EmbeddedBroker.DEAD_LETTER_PREFIX + "kommun.0180", 5000)
                    .orElseThrow(() -> new AssertionError(outcome + ": no dead letter after the consumer failed"));
            assertEquals(id, dead.messageId());
            if (outcome.equals("REJECTED")) {
                assertEquals(1, deliveries, "a rejected message goes to the dead letters at once");
                assertTrue(dead.text() != null);
            } else {
                // a release is seen (and counted) only at the next delivery: a consumer that only releases gets one more
                assertEquals(outcome.startsWith("RELEASED") ? 4 : 3, deliveries, outcome + ": max-attempts 3");
                // back-off: 50 ms, then 100 ms (first-delay 0.05 s, multiplier 2) between the three deliveries
                assertTrue(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(last - first) >= 150,
                        outcome + ": redelivered without back-off");
            }
        }
    }

    /**
     * Consumers that take one message per connection, over AMQP and Core (each prefetches more and
     * hands the rest back when it closes), and the HTTPS pull door: more messages than max-attempts,
     * every one delivered, none dead-lettered. Handed-back prefetches are not failed attempts.
     */
    @Test
    void consumers_that_prefetch_and_close_lose_nothing_to_the_dead_letters() throws Exception {
        JmsConnectionFactory amqp = new JmsConnectionFactory("kommun-0180", STOCKHOLM_PASSWORD,
                "amqp://127.0.0.1:" + acceptor.substring(acceptor.lastIndexOf(':') + 1));
        for (String consumer : List.of("AMQP", "CORE", "PULL")) {
            List<String> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sent.add(send());
            }
            List<String> read = new java.util.ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                switch (consumer) {
                    case "AMQP" -> {
                        try (Connection connection = amqp.createConnection()) {
                            connection.start();
                            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                            Message message = session.createConsumer(session.createQueue("kommun.0180")).receive(5000);
                            read.add(message.getStringProperty("AbMessageId"));
                            message.acknowledge();
                        }
                    }
                    case "CORE" -> {
                        try (QueueReader stockholm = new QueueReader(acceptor, "kommun-0180", STOCKHOLM_PASSWORD)) {
                            read.add(stockholm.receive("kommun.0180", 5000).orElseThrow().messageId());
                        }
                    }
                    default -> {
                        var stockholm = harness.clientAs("kommun-0180");
                        var pulled = stockholm.pullNext();
                        String id = pulled.header("X-Message-Id").orElseThrow(() -> new AssertionError(pulled.status() + " " + pulled.body()));
                        read.add(id);
                        assertEquals(200, stockholm.acknowledge(id).status());
                    }
                }
            }
            assertEquals(new java.util.HashSet<>(sent), new java.util.HashSet<>(read), consumer);
            assertTrue(harness.gateway().broker().depth(EmbeddedBroker.DEAD_LETTER_PREFIX + "kommun.0180") <= 0, consumer + ": dead-lettered");
        }
    }

    private static String send() throws Exception {
        byte[] notice = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(notice).body());
        assertEquals("ACCEPTED", receipt.status());
        return receipt.messageId();
    }
}
