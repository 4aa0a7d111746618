package se.assistansbryggan.client;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.Optional;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** A consumer's side: reads messages from a party's queue over JMS (Artemis Core protocol). */
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
        return take(queue, consumer -> consumer.receive(timeoutMillis));
    }

    /**
     * Takes the next message if the queue holds one now, without waiting for one to come (the broker
     * is asked, so one already on the queue is not missed); acknowledged on return.
     */
    public Optional<Received> receiveNow(String queue) throws JMSException {
        return take(queue, MessageConsumer::receiveNoWait);
    }

    /**
     * Takes every message of the queue with one consumer, until none has come for {@code quietMillis};
     * each acknowledged as it is read.
     */
    public java.util.List<Received> drain(String queue, long quietMillis) throws JMSException {
        java.util.List<Received> all = new java.util.ArrayList<>();
        try (Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            for (Message message = consumer.receive(quietMillis); message != null; message = consumer.receive(quietMillis)) {
                all.add(received(message));
                message.acknowledge();
            }
        }
        return all;
    }

    private interface Receive {
        Message from(MessageConsumer consumer) throws JMSException;
    }

    private Optional<Received> take(String queue, Receive receive) throws JMSException {
        try (Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message message = receive.from(consumer);
            if (message == null) {
                return Optional.empty();
            }
            Received received = received(message);
            message.acknowledge();
            return Optional.of(received);
        }
    }

    private static Received received(Message message) throws JMSException {
        return new Received(((TextMessage) message).getText(), message.getStringProperty("AbMessageId"),
                message.getStringProperty("AbMessageType"), message.getStringProperty("AbRules"),
                message.getStringProperty("AbLegalBasis"), message.getStringProperty("_AMQ_ORIG_ADDRESS"), message.getJMSPriority(),
                message.getStringProperty("AbProviderPermit"));
    }

    @Override
    public void close() throws JMSException {
        connection.close();
        factory.close();
    }
}
