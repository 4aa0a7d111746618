package se.assistansbryggan.delivery;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.message.ClockKind;
import se.assistansbryggan.message.DueClock;

/**
 * Fires the clocks on {@value Handoff#FOLLOW_UPS} (scheduled messages, so they live in the broker
 * and survive restarts): an escalation clock becomes a signed Eskalering on the kommun's
 * escalation queue, a reminder clock a signed Paminnelse on the recipient's own queue, each in one
 * transaction with taking the clock. A clock stopped in time (the
 * kommun acknowledged) was removed before it came due. With several gateway instances, the
 * broker hands each due clock to exactly one of them.
 */
public final class FollowUpWatcher extends BrokerListener {
    private static final java.util.regex.Pattern SAFE = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Logger LOG = LoggerFactory.getLogger(FollowUpWatcher.class);

    private final Function<DueClock, String> escalation;
    private final AuditTrail audit;
    private final String auditQueue;
    private final java.util.function.Consumer<DueClock> counted;
    private Session session;

    public FollowUpWatcher(BrokerAccess broker, Function<DueClock, String> escalation, AuditTrail audit,
            java.util.function.Consumer<DueClock> counted) {
        super(broker);
        this.escalation = escalation;
        this.audit = audit;
        this.auditQueue = AuditWriter.queue(audit.instance());
        this.counted = counted;
    }

    public void start() throws JMSException {
        Connection connection = connection();
        session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = session.createConsumer(session.createQueue(Handoff.FOLLOW_UPS));
        MessageProducer producer = session.createProducer(null);
        consumer.setMessageListener(message -> escalate(message, producer));
        connection.start();
    }

    /** Clocks stored before reminders existed carry no kind: they are escalations. */
    private static ClockKind kind(Message clock) throws JMSException {
        String kind = clock.getStringProperty("AbClockKind");
        return kind == null ? ClockKind.ESCALATION : ClockKind.valueOf(kind);
    }

    /**
     * When the party's system acknowledged receiving the clock's message, taking the record in the
     * same transaction as the escalation; null when it did not.
     */
    private Instant received(Message clock) throws JMSException {
        if (kind(clock) != ClockKind.ESCALATION || !SAFE.matcher(String.valueOf(clock.getStringProperty("AbMessageId"))).matches()
                || !SAFE.matcher(String.valueOf(clock.getStringProperty("AbParty"))).matches()) {
            return null;
        }
        String sender = clock.getStringProperty("AbSender");
        String selector = "AbMessageId = '" + clock.getStringProperty("AbMessageId") + "' AND AbParty = '"
                + clock.getStringProperty("AbParty") + "'"
                + (sender != null && SAFE.matcher(sender).matches() ? " AND (AbSender = '" + sender + "' OR AbSender IS NULL)" : "");
        try (MessageConsumer records = session.createConsumer(session.createQueue(Handoff.RECEIVED), selector)) {
            Message record = records.receiveNoWait();
            return record == null ? null : Instant.ofEpochMilli(record.getLongProperty("AbReceivedAt"));
        }
    }

    private static Map<String, Object> auditFields(DueClock due, String sender) {
        Map<String, Object> fields = new java.util.HashMap<>();
        fields.put("messageId", due.messageId());
        fields.put("recipient", due.recipient());
        fields.put("type", due.type());
        fields.put("sender", sender);
        fields.put("received", due.receivedAt() == null ? "not acknowledged" : due.receivedAt().toString());
        return fields;
    }

    private void escalate(Message clock, MessageProducer producer) {
        try {
            DueClock due = new DueClock(clock.getStringProperty("AbMessageId"), clock.getStringProperty("AbMessageType"),
                    clock.getStringProperty("AbRecipient"), Instant.ofEpochMilli(clock.getLongProperty("AbDue")),
                    kind(clock), clock.getStringProperty("AbDate"), received(clock));
            String queue = clock.propertyExists("AbTargetQueue") ? clock.getStringProperty("AbTargetQueue")
                    : clock.getStringProperty("AbEscalationQueue"); // a clock stored by a gateway before reminders existed
            TextMessage reminder = session.createTextMessage(escalation.apply(due));
            reminder.setStringProperty("AbMessageId", due.messageId());
            reminder.setStringProperty("AbMessageType", due.kind().name());
            reminder.setStringProperty("AbRecipient", due.recipient());
            // a message id is its sender's: two senders' clocks for the same id each send theirs (a clock stored
            // before clocks named their sender keeps the key it had)
            String sender = clock.getStringProperty("AbSender");
            reminder.setStringProperty(Handoff.DUPLICATE_ID,
                    (sender == null ? "" : sender + "/") + due.messageId() + "/" + queue + "/" + due.kind());
            producer.send(session.createQueue(queue), reminder, DeliveryMode.PERSISTENT, 7, 0);
            // audited in the same transaction: an escalation is never sent without its record, nor recorded twice
            String event = audit.encode(java.util.List.of(new AuditTrail.Event(due.kind() == ClockKind.ESCALATION ? "ESCALATED" : "REMINDED",
                    auditFields(due, clock.getStringProperty("AbSender")))));
            producer.send(session.createQueue(auditQueue), AuditWriter.events(session, event), DeliveryMode.PERSISTENT, 4, 0);
            session.commit();
            counted.accept(due);
        } catch (JMSException | RuntimeException e) {
            LOG.error("could not escalate follow-up; the broker will offer it again", e);
            try {
                session.rollback();
            } catch (JMSException ignored) {
                // the broker redelivers the clock after the session is gone
            }
        }
    }
}
