package se.assistansbryggan.delivery;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import se.assistansbryggan.audit.AuditTrail;

/**
 * Puts every dead letter in the audit trail. The broker moves a message the consumer did not take
 * within its delivery attempts to the dead-letter address; a non-exclusive divert on that address
 * (set up by {@link EmbeddedBroker}; for an external broker see the README) copies it to
 * {@value #EVENTS}, which this watcher reads: DEAD_LETTERED with message id, type, parties and the
 * address it failed on, committed to the audit queue in the transaction that takes the copy. The
 * dead letter itself stays for operators.
 */
public final class DeadLetterWatcher extends BrokerListener {
    public static final String EVENTS = "gateway.deadletter-events";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWatcher.class);
    private final AuditTrail audit;
    private final Runnable counted;

    public DeadLetterWatcher(BrokerAccess broker, AuditTrail audit, Runnable counted) {
        super(broker);
        this.audit = audit;
        this.counted = counted;
    }

    public void start() throws JMSException {
        Connection connection = connection();
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer producer = session.createProducer(session.createQueue(AuditWriter.queue(audit.instance())));
        session.createConsumer(session.createQueue(EVENTS)).setMessageListener(copy -> record(copy, session, producer));
        connection.start();
    }

    /** The record goes to the audit queue in the transaction that takes the copy: once, and never lost. */
    private void record(Message copy, Session session, MessageProducer producer) {
        try {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("messageId", copy.getStringProperty("AbMessageId"));
            event.put("type", copy.getStringProperty("AbMessageType"));
            event.put("sender", copy.getStringProperty("AbSender"));
            event.put("recipient", copy.getStringProperty("AbRecipient"));
            event.put("address", copy.getStringProperty("_AMQ_ORIG_ADDRESS"));
            event.put("attempts", copy.getObjectProperty(DeadLetterStamp.ATTEMPTS));
            event.put("reason", copy.getStringProperty(DeadLetterStamp.REASON));
            producer.send(AuditWriter.events(session, audit.encode(List.of(new AuditTrail.Event("DEAD_LETTERED", event)))),
                    DeliveryMode.PERSISTENT, 4, 0);
            session.commit();
            counted.run();
        } catch (JMSException | RuntimeException e) {
            // rolled back: the broker offers the copy again
            LOG.error("a dead letter could not be audited yet", e);
            try {
                session.rollback();
            } catch (JMSException ignored) {
                // the broker redelivers the copy after the session is gone
            }
        }
    }
}
