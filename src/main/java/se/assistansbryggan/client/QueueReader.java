package se.assistansbryggan.client;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.Optional;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** A consumer's side: reads one message from a party's queue over JMS (Artemis Core protocol). */
public final class QueueReader implements AutoCloseable {
    private final ActiveMQConnectionFactory factory;
    private final Connection connection;

    public QueueReader(String brokerUrl, String user, String password) throws JMSException {
        this.factory = new ActiveMQConnectionFactory(brokerUrl, user, password);
        this.connection = factory.createConnection();
        connection.start();
    }

    /**
     * A received message: its text, the gateway's metadata, for a dead letter where it came from, and
     * the permit status of a provider it concerns whose permit IVO revoked or suspended (null: none).
     */
    public record Received(String text, String messageId, String type, String rules, String legalBasis,
            String originalAddress, int priority, String providerPermit) {}

    /** Takes the next message from the queue, waiting up to the timeout; acknowledged on return. */
    public Optional<Received> receive(String queue, long timeoutMillis) throws JMSException {
        try (Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message message = consumer.receive(timeoutMillis);
            if (message == null) {
                return Optional.empty();
            }
            Received received = new Received(((TextMessage) message).getText(), message.getStringProperty("AbMessageId"),
                    message.getStringProperty("AbMessageType"), message.getStringProperty("AbRules"),
                    message.getStringProperty("AbLegalBasis"), message.getStringProperty("_AMQ_ORIG_ADDRESS"), message.getJMSPriority(),
                    message.getStringProperty("AbProviderPermit"));
            message.acknowledge();
            return Optional.of(received);
        }
    }

    @Override
    public void close() throws JMSException {
        connection.close();
        factory.close();
    }
}
