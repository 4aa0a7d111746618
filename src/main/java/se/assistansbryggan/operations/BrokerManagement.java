package se.assistansbryggan.operations;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import se.assistansbryggan.delivery.BrokerAccess;
import se.assistansbryggan.delivery.EmbeddedBroker;
import se.assistansbryggan.delivery.Handoff;

/**
 * The operators' view of the broker, through Artemis management messages (so it works the same
 * with the embedded broker and an external cluster): queues with depth and oldest-message age,
 * dead letters, and retrying or discarding one of them. Messages are named by the gateway's
 * message id (AbMessageId) and the queue they are on.
 */
public final class BrokerManagement implements AutoCloseable {
    /** Clients' temporary reply queues are named by a bare UUID. */
    private static final Pattern TEMPORARY = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final long ANSWER_MILLIS = 5_000;
    private final ActiveMQConnectionFactory factory;
    private Requests requests;

    public BrokerManagement(BrokerAccess broker) {
        this.factory = broker.factory();
        // a call the broker does not answer (a primary gone mid-call) fails instead of waiting 30 s
        this.factory.setCallTimeout(ANSWER_MILLIS);
        this.factory.setCallFailoverTimeout(ANSWER_MILLIS);
    }

    /** A queue as operators see it. */
    public record QueueStatus(String name, long depth, Long oldestAgeMillis) {}

    /** A dead letter: where it is, what it is, and where it came from. */
    public record DeadLetter(String queue, String messageId, String type, String sender, String originalAddress,
            long sentAt, long brokerId, Integer attempts, Long deadLetteredAt, String reason) {}

    /** Every queue with its depth and oldest message; the queues kept receipts are spread over show as one. */
    /** The broker's queue names: one request, so it also tells whether the broker answers. */
    public Object[] queueNames() throws Exception {
        return (Object[]) invoke(ResourceNames.BROKER, "getQueueNames");
    }

    /** Messages on every queue of the broker together (one request). */
    public long totalMessageCount() throws Exception {
        return ((Number) attribute(ResourceNames.BROKER, "totalMessageCount")).longValue();
    }

    /** One queue's depth (one request). */
    public long depth(String queue) throws Exception {
        return ((Number) attribute(ResourceNames.QUEUE + safe(queue), "messageCount")).longValue();
    }

    public List<QueueStatus> queues() throws Exception {
        List<QueueStatus> out = new ArrayList<>();
        List<QueueStatus> receipts = new ArrayList<>();
        for (Object name : (Object[]) invoke(ResourceNames.BROKER, "getQueueNames")) {
            String queue = name.toString();
            if (queue.startsWith("activemq.") || queue.startsWith("$") || TEMPORARY.matcher(queue).matches()) {
                continue;
            }
            try {
                Number depth = (Number) attribute(ResourceNames.QUEUE + queue, "messageCount");
                Number age = (Number) invoke(ResourceNames.QUEUE + queue, "getFirstMessageAge");
                QueueStatus status = new QueueStatus(queue, depth.longValue(), age == null ? null : age.longValue());
                (Handoff.receiptQueues().contains(queue) ? receipts : out).add(status);
            } catch (IllegalStateException goneMeanwhile) {
                // a queue deleted between listing and asking (e.g. another client's temporary queue)
            }
        }
        if (!receipts.isEmpty()) {
            out.add(new QueueStatus(Handoff.RECEIPTS, receipts.stream().mapToLong(QueueStatus::depth).sum(),
                    receipts.stream().map(QueueStatus::oldestAgeMillis).filter(java.util.Objects::nonNull)
                            .max(Long::compare).orElse(null)));
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /** Dead letters on every DLQ (or one), filtered by type and sender when given. */
    public List<DeadLetter> deadLetters(String onlyQueue, String type, String sender) throws Exception {
        List<String> filters = new ArrayList<>();
        if (type != null) {
            filters.add("AbMessageType = '" + safe(type) + "'");
        }
        if (sender != null) {
            filters.add("AbSender = '" + safe(sender) + "'");
        }
        List<DeadLetter> out = new ArrayList<>();
        for (QueueStatus queue : queues()) {
            if (queue.name().startsWith(EmbeddedBroker.DEAD_LETTER_PREFIX) && (onlyQueue == null || onlyQueue.equals(queue.name()))) {
                out.addAll(list(queue.name(), String.join(" AND ", filters)));
            }
        }
        return out;
    }

    /** The body of one dead letter, or empty. */
    public Optional<String> body(String queue, String messageId) throws Exception {
        if (!isDeadLetterQueue(queue)) {
            return Optional.empty();
        }
        try (QueueConnection connection = factory.createQueueConnection()) {
            connection.start();
            QueueSession session = connection.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
            String fqqn = EmbeddedBroker.DEAD_LETTERS + "::" + safe(queue);
            try (QueueBrowser browser = session.createBrowser(session.createQueue(fqqn), "AbMessageId = '" + safe(messageId) + "'")) {
                for (Object found : Collections.list(browser.getEnumeration())) {
                    return Optional.of(((TextMessage) found).getText());
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Every gateway instance's audit mark as the broker keeps it: how far its trail reached at the
     * writer's last commit (instance, chain, line, MAC) and its newest signed checkpoint.
     */
    public List<Map<String, Object>> auditMarks() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (Object name : queueNames()) {
                String queue = name.toString();
                if (!se.assistansbryggan.delivery.AuditWriter.isMark(queue)) {
                    continue;
                }
                // browsed, not listed: a management listing cuts long properties (the signed checkpoint) short
                try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                    for (Object found : Collections.list(browser.getEnumeration())) {
                        Message m = (Message) found;
                        Map<String, Object> mark = new java.util.LinkedHashMap<>();
                        mark.put("instance", m.getStringProperty("AbInstance"));
                        mark.put("chain", m.getStringProperty("AbChain"));
                        mark.put("seq", m.getLongProperty("AbSeq"));
                        mark.put("mac", m.getStringProperty("AbMac"));
                        String checkpoint = m.getStringProperty("AbCheckpoint");
                        mark.put("checkpoint", checkpoint == null ? null : Jsoner.deserialize(checkpoint));
                        out.add(mark);
                    }
                }
            }
        }
        return out;
    }

    /** Audit events to commit with an operator's action: encoded events and the instance's audit queue. */
    public record AuditRecord(String queue, String encodedEvents) {}

    /** Sends a dead letter back to its original queue, audited in the same transaction; false if it is not there. */
    public boolean retry(String queue, String messageId, AuditRecord audit) throws Exception {
        Optional<DeadLetter> found = find(queue, messageId);
        return found.isPresent() && retry(found.get(), audit);
    }

    /** Sends a dead letter already listed back to its original queue, audited in the same transaction. */
    public boolean retry(DeadLetter letter, AuditRecord audit) throws Exception {
        return take(letter, true, audit);
    }

    /** Removes a dead letter for good, audited in the same transaction; false if it is not there. */
    public boolean discard(String queue, String messageId, AuditRecord audit) throws Exception {
        Optional<DeadLetter> found = find(queue, messageId);
        return found.isPresent() && take(found.get(), false, audit);
    }

    /** Properties the broker and the dead-letter stamp set: not carried back to the recipient's queue. */
    private static final java.util.Set<String> NOT_CARRIED = java.util.Set.of("AbAttempts", "AbFailureReason", "AbDeadLetteredAt");

    /**
     * Takes a dead letter off its queue in one transaction with its audit event and, for a retry, a
     * copy of it on the queue it failed on (same body and properties, a fresh delivery count): the
     * action and its record happen together or not at all, once.
     */
    private boolean take(DeadLetter letter, boolean retry, AuditRecord audit) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            String selector = "AbMessageId = '" + safe(letter.messageId()) + "'"
                    + (letter.sender() == null ? "" : " AND AbSender = '" + safe(letter.sender()) + "'");
            try (MessageConsumer taking = session.createConsumer(
                    session.createQueue(EmbeddedBroker.DEAD_LETTERS + "::" + safe(letter.queue())), selector)) {
                Message dead = taking.receive(ANSWER_MILLIS);
                if (dead == null) {
                    session.rollback();
                    return false;
                }
                MessageProducer producer = session.createProducer(null);
                if (retry) {
                    TextMessage again = session.createTextMessage(((TextMessage) dead).getText());
                    for (Object name : Collections.list(dead.getPropertyNames())) {
                        String key = name.toString();
                        if (!key.startsWith("_AMQ") && !key.startsWith("JMSX") && !NOT_CARRIED.contains(key)) {
                            again.setObjectProperty(key, dead.getObjectProperty(key));
                        }
                    }
                    long expires = dead.getJMSExpiration();
                    producer.send(session.createQueue(letter.originalAddress()), again, jakarta.jms.DeliveryMode.PERSISTENT,
                            dead.getJMSPriority(), expires == 0 ? 0 : Math.max(1, expires - System.currentTimeMillis()));
                }
                producer.send(session.createQueue(audit.queue()),
                        se.assistansbryggan.delivery.AuditWriter.events(session, audit.encodedEvents()),
                        jakarta.jms.DeliveryMode.PERSISTENT, 4, 0);
                session.commit();
                return true;
            }
        }
    }

    /** Escalations waiting on the kommuner's escalation queues: which notice, for whom, since when. */
    public List<Map<String, Object>> escalations() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (QueueStatus queue : queues()) {
            if (!queue.name().endsWith(".escalations") || queue.depth() == 0) {
                continue;
            }
            JsonArray messages = (JsonArray) Jsoner.deserialize((String) invoke(ResourceNames.QUEUE + queue.name(),
                    "listMessagesAsJSON", ""));
            for (Object o : messages) {
                Map<?, ?> m = (Map<?, ?>) o;
                out.add(Map.of("queue", queue.name(), "messageId", String.valueOf(m.get("AbMessageId")),
                        "recipient", String.valueOf(m.get("AbRecipient")), "since", String.valueOf(m.get("timestamp"))));
            }
        }
        return out;
    }

    /** Open follow-up clocks: which notice, for whom, due when. */
    public List<Map<String, Object>> scheduled(String queue) throws Exception {
        JsonArray messages = (JsonArray) Jsoner.deserialize((String) invoke(ResourceNames.QUEUE + safe(queue),
                "listScheduledMessagesAsJSON"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : messages) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.add(Map.of("messageId", String.valueOf(m.get("AbMessageId")), "type", String.valueOf(m.get("AbMessageType")),
                    "recipient", String.valueOf(m.get("AbRecipient")), "due", String.valueOf(m.get("AbDue")),
                    "kind", String.valueOf(m.get("AbClockKind"))));
        }
        return out;
    }

    /** Removes every copy of a message (waiting or scheduled) from a queue; how many were removed. */
    public int removeAll(String queue, String messageId) throws Exception {
        return removeAll(queue, messageId, null);
    }

    /** Removes a message from a queue by its id and, where given, its sender's party id (ids are the sender's). */
    public int removeAll(String queue, String messageId, String senderId) throws Exception {
        Object removed = invoke(ResourceNames.QUEUE + safe(queue), "removeMessages", ofMessage(messageId, senderId));
        return ((Number) removed).intValue();
    }

    /** How many messages with this id wait on a queue, pulled ones (scheduled to come back) included. */
    public long count(String queue, String messageId) throws Exception {
        return sendersOf(queue, messageId).size();
    }

    /**
     * Removes the escalation clocks one party started by receiving a sender's message (contact
     * confirmed; reminders stay). Clocks of earlier versions name no sender and match any.
     */
    public int removeFollowUps(String messageId, String partyId, String senderId) throws Exception {
        return removeFollowUps(messageId, partyId, senderId, null, java.util.Set.of());
    }

    /**
     * Removes the escalation clocks of a message: for this recipient party (and, when given, only the
     * clock of this recipient unit, e.g. kommun-0180/sdn-farsta), started by this sender, and (when
     * given) only those of these message types.
     */
    public int removeFollowUps(String messageId, String partyId, String senderId, String recipientId, java.util.Set<String> types)
            throws Exception {
        String selector = ofMessage(messageId, null) + " AND AbParty = '" + safe(partyId) + "' AND AbClockKind = 'ESCALATION'"
                + (senderId == null ? "" : " AND (AbSender = '" + safe(senderId) + "' OR AbSender IS NULL)")
                + (recipientId == null ? "" : " AND AbRecipient = '" + safeRecipient(recipientId) + "'")
                + (types.isEmpty() ? "" : " AND AbMessageType IN (" + String.join(", ", types.stream().map(t -> "'" + safe(t) + "'").toList()) + ")");
        Object removed = invoke(ResourceNames.QUEUE + se.assistansbryggan.delivery.Handoff.FOLLOW_UPS, "removeMessages", selector);
        return ((Number) removed).intValue();
    }

    /** A recipient id (party, or party/unit) fit for a selector. */
    private static String safeRecipient(String recipientId) {
        if (!recipientId.matches("[A-Za-z0-9._-]{1,100}(/[A-Za-z0-9._-]{1,100})?")) {
            throw new IllegalArgumentException("not a recipient id: " + recipientId);
        }
        return recipientId;
    }

    /**
     * The senders (party ids) of the messages with this id waiting on a queue, including those a
     * pull has leased (scheduled to come back unless acknowledged), which a filtered listing skips.
     */
    public List<String> sendersOf(String queue, String messageId) throws Exception {
        List<String> senders = new ArrayList<>(list(safe(queue), ofMessage(messageId, null)).stream().map(DeadLetter::sender).toList());
        JsonArray scheduled = (JsonArray) Jsoner.deserialize((String) invoke(ResourceNames.QUEUE + safe(queue), "listScheduledMessagesAsJSON"));
        for (Object o : scheduled) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (JsonObject) o;
            if (messageId.equals(str(m, "AbMessageId"))) {
                senders.add(str(m, "AbSender"));
            }
        }
        return senders;
    }

    /** Removes the pull acknowledgements recorded for a party's message (its clock is closed). */
    public int removeReceived(String messageId, String partyId, String senderId) throws Exception {
        Object removed = invoke(ResourceNames.QUEUE + se.assistansbryggan.delivery.Handoff.RECEIVED, "removeMessages",
                ofMessage(messageId, null) + " AND AbParty = '" + safe(partyId) + "'"
                        + (senderId == null ? "" : " AND (AbSender = '" + safe(senderId) + "' OR AbSender IS NULL)"));
        return ((Number) removed).intValue();
    }

    private static String ofMessage(String messageId, String senderId) {
        return "AbMessageId = '" + safe(messageId) + "'" + (senderId == null ? "" : " AND AbSender = '" + safe(senderId) + "'");
    }

    private Optional<DeadLetter> find(String queue, String messageId) throws Exception {
        if (!isDeadLetterQueue(queue)) {
            return Optional.empty();
        }
        return list(safe(queue), "AbMessageId = '" + safe(messageId) + "'").stream().findFirst();
    }

    /** True for an existing dead-letter queue (operators may name any queue; only these are theirs to act on). */
    public boolean isDeadLetterQueue(String queue) throws Exception {
        return queue.startsWith(EmbeddedBroker.DEAD_LETTER_PREFIX)
                && queues().stream().anyMatch(q -> q.name().equals(queue));
    }

    private List<DeadLetter> list(String queue, String filter) throws Exception {
        JsonArray messages = (JsonArray) Jsoner.deserialize((String) invoke(ResourceNames.QUEUE + queue, "listMessagesAsJSON", filter));
        List<DeadLetter> out = new ArrayList<>();
        for (Object o : messages) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (JsonObject) o;
            out.add(new DeadLetter(queue, str(m, "AbMessageId"), str(m, "AbMessageType"), str(m, "AbSender"),
                    str(m, "_AMQ_ORIG_ADDRESS"), ((Number) m.getOrDefault("timestamp", 0)).longValue(),
                    ((Number) m.get("messageID")).longValue(),
                    m.get("AbAttempts") instanceof Number n ? n.intValue() : null,
                    m.get("AbDeadLetteredAt") instanceof Number t ? t.longValue() : null,
                    str(m, "AbFailureReason")));
        }
        return out;
    }

    private Object invoke(String resource, String operation, Object... args) throws Exception {
        return request(resource, message -> JMSManagementHelper.putOperationInvocation(message, resource, operation, args));
    }

    private Object attribute(String resource, String attribute) throws Exception {
        return request(resource, message -> JMSManagementHelper.putAttribute(message, resource, attribute));
    }

    private interface Filler {
        void fill(Message message) throws JMSException;
    }

    /**
     * One request to the broker's management address over this instance's long-lived connection,
     * answered within {@link #ANSWER_MILLIS} or failed: a broker that does not answer (a primary
     * gone, a backup not yet live) never holds a caller for longer.
     */
    private synchronized Object request(String resource, Filler filler) throws Exception {
        try {
            Requests requests = requests();
            Message message = requests.session().createMessage();
            filler.fill(message);
            String correlation = java.util.UUID.randomUUID().toString();
            message.setJMSCorrelationID(correlation);
            message.setJMSReplyTo(requests.replies());
            requests.producer().send(message);
            long until = System.currentTimeMillis() + ANSWER_MILLIS;
            Message reply = requests.consumer().receive(ANSWER_MILLIS);
            // a late answer to an earlier request that failed is not this request's answer
            while (reply != null && !correlation.equals(reply.getJMSCorrelationID()) && System.currentTimeMillis() < until) {
                reply = requests.consumer().receive(Math.max(1, until - System.currentTimeMillis()));
            }
            if (reply == null || !correlation.equals(reply.getJMSCorrelationID())) {
                throw new JMSException("the broker's management did not answer within " + ANSWER_MILLIS + " ms");
            }
            if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                throw new IllegalStateException("management of " + resource + " failed: " + JMSManagementHelper.getResult(reply));
            }
            return JMSManagementHelper.getResult(reply);
        } catch (JMSException | RuntimeException e) {
            // whatever went wrong, the next request starts on a new connection
            dropConnection();
            throw e;
        }
    }

    private record Requests(Connection connection, Session session, MessageProducer producer, TemporaryQueue replies,
            MessageConsumer consumer) {}

    private Requests requests() throws JMSException {
        if (requests == null) {
            Connection connection = factory.createConnection();
            try {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                TemporaryQueue replies = session.createTemporaryQueue();
                requests = new Requests(connection, session, session.createProducer(session.createQueue("activemq.management")),
                        replies, session.createConsumer(replies));
            } catch (JMSException e) {
                connection.close();
                throw e;
            }
        }
        return requests;
    }

    private synchronized void dropConnection() {
        if (requests != null) {
            try {
                requests.connection().close();
            } catch (JMSException | RuntimeException ignored) {
                // already broken
            }
            requests = null;
        }
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    private static String safe(String value) {
        if (!SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a queue name, id, type or party: " + value);
        }
        return value;
    }

    @Override
    public void close() {
        dropConnection();
        factory.close();
    }
}
