package se.assistansbryggan.delivery;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Pull over HTTPS for a kommun without a broker client. Fetching takes the next message off the
 * party's queue and, in the same transaction, puts it back scheduled for the end of the
 * visibility timeout: unless it is acknowledged by then, it comes back (at least once, explicit
 * acknowledgement). Acknowledging removes the waiting copy.
 */
public final class PullQueue implements AutoCloseable {
    static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";
    private final ActiveMQConnectionFactory factory;
    private final Duration visibility;

    public PullQueue(BrokerAccess broker, Duration visibility) {
        this.factory = broker.factory();
        this.visibility = visibility;
    }

    /** A fetched message: its id, body and the gateway's metadata. */
    public record Fetched(String messageId, String type, String sender, String body) {}

    public Optional<Fetched> fetch(String queueName) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue queue = session.createQueue(queueName);
            try (MessageConsumer consumer = session.createConsumer(queue, "AbMessageId IS NOT NULL");
                    MessageProducer producer = session.createProducer(queue)) {
                Message message = consumer.receive(200);
                if (message == null) {
                    return Optional.empty();
                }
                TextMessage copy = session.createTextMessage(((TextMessage) message).getText());
                for (Object name : Collections.list(message.getPropertyNames())) {
                    String key = (String) name;
                    if (key.startsWith("Ab")) {
                        copy.setStringProperty(key, message.getStringProperty(key));
                    }
                }
                copy.setStringProperty(Handoff.DUPLICATE_ID, message.getStringProperty("AbMessageId") + "/lease/" + UUID.randomUUID());
                copy.setLongProperty(SCHEDULED, System.currentTimeMillis() + visibility.toMillis());
                producer.send(copy, DeliveryMode.PERSISTENT, message.getJMSPriority(), 0);
                session.commit();
                return Optional.of(new Fetched(message.getStringProperty("AbMessageId"),
                        message.getStringProperty("AbMessageType"), message.getStringProperty("AbSender"),
                        ((TextMessage) message).getText()));
            }
        }
    }

    /**
     * Records that a party's system acknowledged receiving a message: receipt, not contact. A running
     * follow-up clock stays; its escalation will say when the message was received.
     */
    public void markReceived(String messageId, String partyId, String senderId, java.time.Instant at) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Message record = session.createMessage();
            record.setStringProperty("AbMessageId", messageId);
            record.setStringProperty("AbParty", partyId);
            if (senderId != null) {
                record.setStringProperty("AbSender", senderId);
            }
            record.setLongProperty("AbReceivedAt", at.toEpochMilli());
            // no duplicate id: acknowledged twice (after a retry), the escalation takes one and the other expires;
            // a follow-up clock runs days, not weeks: a record no clock takes expires and is dropped (no expiry queue)
            session.createProducer(session.createQueue(Handoff.RECEIVED)).send(record, DeliveryMode.PERSISTENT, 4,
                    java.time.Duration.ofDays(30).toMillis());
            session.commit();
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
