package se.assistansbryggan.delivery;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import se.assistansbryggan.audit.AuditTrail;

/**
 * Puts every dead letter in the audit trail. The broker moves a message the consumer did not take
 * within its delivery attempts to the dead-letter address; a non-exclusive divert on that address
 * (set up by {@link EmbeddedBroker}; for an external broker see the README) copies it to
 * {@value #EVENTS}, which this watcher reads: DEAD_LETTERED with message id, type, parties and the
 * address it failed on, then the copy is acknowledged. The dead letter itself stays for operators.
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
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        session.createConsumer(session.createQueue(EVENTS)).setMessageListener(this::record);
        connection.start();
    }

    private void record(Message copy) {
        try {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("messageId", copy.getStringProperty("AbMessageId"));
            event.put("type", copy.getStringProperty("AbMessageType"));
            event.put("sender", copy.getStringProperty("AbSender"));
            event.put("recipient", copy.getStringProperty("AbRecipient"));
            event.put("address", copy.getStringProperty("_AMQ_ORIG_ADDRESS"));
            event.put("attempts", copy.getObjectProperty(DeadLetterStamp.ATTEMPTS));
            event.put("reason", copy.getStringProperty(DeadLetterStamp.REASON));
            audit.record("DEAD_LETTERED", event);
            counted.run();
            copy.acknowledge();
        } catch (JMSException | RuntimeException e) {
            // not acknowledged: the broker offers the copy again, so the event is recorded at least once
            LOG.error("a dead letter could not be audited yet", e);
        }
    }
}
