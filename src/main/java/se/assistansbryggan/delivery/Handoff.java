package se.assistansbryggan.delivery;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import se.assistansbryggan.message.ClockKind;

/**
 * The transactional hand-off to the broker. One broker transaction holds the message for the
 * recipient's queue, the sender's receipt (kept for resends) and, where the policy says so,
 * the follow-up clock on {@value #FOLLOW_UPS}; the commit returns only when the broker has
 * stored them all. On the embedded broker the transaction is a broker session's of the calling
 * thread ({@link ServerSends}); on an external broker, and for a text the JMS client sends as a
 * large message, a JMS session's. Artemis duplicate detection makes a reused message id fail the
 * commit (the receipt record's duplicate id is the sender and message id; the transaction
 * holds the deliveries and clocks too, so the one id decides for them all), so nothing is ever
 * stored twice, whichever gateway instance sees the retry.
 */
public final class Handoff implements AutoCloseable {
    /**
     * Where accepted receipts are kept for as long as a resend is possible: in one of
     * {@value #RECEIPT_BUCKETS} queues {@code gateway.receipts.<n>} chosen by the message id, so a
     * resend's lookup (a browse with a selector, which the broker answers by walking the queue)
     * walks a sixteenth of them. The queue of this name holds receipts kept by earlier versions.
     */
    public static final String RECEIPTS = "gateway.receipts";
    public static final int RECEIPT_BUCKETS = 16;
    /**
     * Where the embedded broker keeps a receipt until it is moved to its bucket with others, so
     * that a hand-off does not wait for a bucket's page file ({@link KeptReceipts}).
     */
    public static final String RECENT_RECEIPTS = RECEIPTS + ".recent";
    private static final List<String> RECEIPT_QUEUES = java.util.stream.Stream.concat(
            java.util.stream.IntStream.range(0, RECEIPT_BUCKETS).mapToObj(bucket -> RECEIPTS + "." + bucket),
            java.util.stream.Stream.of(RECENT_RECEIPTS, RECEIPTS)).toList();
    /** Follow-up clocks: one scheduled message per notice awaiting the kommun's confirmation. */
    public static final String FOLLOW_UPS = "gateway.followups";
    /**
     * Pull acknowledgements of messages whose clocks still run: received, not yet acted on. An
     * escalation takes and reports them; a contact confirmation removes them; others expire after 30 days and are dropped.
     */
    public static final String RECEIVED = "gateway.followups.received";
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    /** The sender's message id, on every message of a hand-off. */
    static final String MESSAGE_ID = "AbMessageId";
    /** The organisation number of the sender whose message id a kept receipt answers. */
    static final String SENDER = "AbSenderOrgnr";
    private static final long CALL_TIMEOUT_MILLIS = 5_000;
    private static final long MOVE_TIMEOUT_MILLIS = 600_000;

    private final ActiveMQConnectionFactory factory;
    private final ThreadLocal<Transacted> sessions = new ThreadLocal<>();
    /** This instance's hand-offs in flight, by sender and message id; ended when their commit has returned. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.CountDownLatch> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final long retentionMillis;
    private final long legacyUntil;
    private final String auditQueue;
    /** The embedded broker's own sessions, when the broker is in this JVM; null with an external broker. */
    private final ServerSends local;
    /** With the embedded broker: receipts kept on the recent queue first, and moved to their buckets in batches. */
    private final KeptReceipts kept;
    /** With the embedded broker: clocks due later than tomorrow, held per due day until the day before. */
    private final HeldClocks held;
    private Connection connection;
    private int generation;

    /** A hand-off to an external broker, over JMS. */
    public Handoff(BrokerAccess broker, Duration retention, String auditQueue) throws JMSException {
        this(broker, null, retention, auditQueue);
    }

    /**
     * A hand-off to the broker in this JVM: transactions go to {@code server} on the calling thread
     * (receipt lookups still browse over JMS).
     */
    public Handoff(BrokerAccess broker, org.apache.activemq.artemis.core.server.ActiveMQServer server, Duration retention,
            String auditQueue) throws JMSException {
        this(broker, server, retention, auditQueue, true, KeptReceipts.LAG_LIMIT, java.time.Clock.systemUTC());
    }

    /**
     * @param moving whether receipts are moved from the recent queue to their buckets in the background
     *     (a test moves them itself, to see them in each place)
     * @param lagLimit receipts waiting on the recent queue from which on a hand-off keeps its own in its bucket
     * @param clock what decides which clocks are held for a later day, and when they are moved to the schedule
     *     ({@link HeldClocks}, moved in the background when {@code moving})
     */
    Handoff(BrokerAccess broker, org.apache.activemq.artemis.core.server.ActiveMQServer server, Duration retention,
            String auditQueue, boolean moving, int lagLimit, java.time.Clock clock) throws JMSException {
        this.local = server == null ? null : new ServerSends(server, broker.user(), broker.password(), CALL_TIMEOUT_MILLIS, "handoff-");
        this.factory = broker.factory();
        this.auditQueue = auditQueue;
        // the queues exist (made at start): each session asks the broker about a queue once and keeps the answer
        // (a new destination object per send cost two round trips per queue and message, and the broker a walk of
        // every address for each). A queue an operator removes from a running broker is therefore not noticed by a
        // session that already knew it: remove a party's queue only with the gateway stopped (README, Operators)
        this.factory.setCacheDestinations(true);
        // a sender waits for its receipt: a commit the broker does not answer (a primary that died
        // mid-call) becomes BROKER_UNAVAILABLE within seconds, not after the client's 30 s default;
        // sent again, duplicate detection tells whether it had been stored after all
        this.factory.setCallTimeout(CALL_TIMEOUT_MILLIS);
        this.factory.setCallFailoverTimeout(CALL_TIMEOUT_MILLIS);
        this.retentionMillis = retention.toMillis();
        connection();
        this.legacyUntil = legacyExpiry();
        // last: its thread starts with it. A move waits for the broker as long as it takes (nobody waits for it; a copy
        // stored after the mover stopped waiting would otherwise be made a second time)
        this.kept = server == null ? null
                : new KeptReceipts(server, new ServerSends(server, broker.user(), broker.password(), MOVE_TIMEOUT_MILLIS, "receipt-mover-"),
                        moving, lagLimit);
        try {
            this.held = server == null ? null : new HeldClocks(broker, server, clock, moving);
        } catch (JMSException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** What one delivery puts on one queue. */
    /** What one delivery puts on one queue; a time to live of 0 means it never expires. */
    public record Delivery(String queue, String body, java.util.Map<String, String> properties, int priority, long timeToLiveMillis) {}

    /** A clock to start with a delivery: at {@code due} a document goes to {@code targetQueue}, unless stopped. */
    public record FollowUp(String recipient, String party, String targetQueue, java.time.Instant due, ClockKind kind,
            java.time.LocalDate date) {}

    /** A receipt kept for resends: the content digest it answered and the receipt itself. */
    public record StoredReceipt(String contentDigest, String receiptXml) {}

    /** Thrown when the broker refused the transaction because the message id was already stored. */
    public static final class AlreadyStored extends Exception {
        AlreadyStored(Throwable cause) {
            super("message id already stored", cause, false, false);
        }
    }

    /**
     * Stores the deliveries, their follow-up clocks, the receipt and the audit events of acceptance
     * in one transaction: nothing is accepted without its audit, nothing audited that was not
     * accepted. Message ids are the sender's: duplicate detection is keyed by (sender
     * organisation, message id), so one party cannot take an id another party will use.
     */
    public void commit(String senderOrgnr, String messageId, byte[] contentDigest, String receiptXml,
            java.util.List<Delivery> deliveries, java.util.List<FollowUp> followUps, String auditEvents)
            throws JMSException, AlreadyStored {
        String key = senderOrgnr + "/" + messageId;
        java.util.concurrent.CountDownLatch mine = new java.util.concurrent.CountDownLatch(1);
        for (java.util.concurrent.CountDownLatch other; (other = inFlight.putIfAbsent(key, mine)) != null; ) {
            // the broker adds a transaction's duplicate id to its cache once the transaction is stored: the same message
            // sent twice at once (a retry on a second connection) would pass its check twice. The second waits for the
            // first, and then meets its id
            awaitEnd(other);
        }
        try {
            commitTransaction(key, messageId, senderOrgnr, contentDigest, receiptXml, deliveries, followUps, auditEvents);
        } finally {
            inFlight.remove(key, mine);
            mine.countDown();
        }
    }

    private static void awaitEnd(java.util.concurrent.CountDownLatch handoff) throws JMSException {
        try {
            if (!handoff.await(2 * CALL_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new JMSException("a hand-off of the same message is still waiting for the broker");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while the same message was handed off");
        }
    }

    private void commitTransaction(String key, String messageId, String senderOrgnr, byte[] contentDigest, String receiptXml,
            java.util.List<Delivery> deliveries, java.util.List<FollowUp> followUps, String auditEvents)
            throws JMSException, AlreadyStored {
        List<Outgoing> outgoing = new java.util.ArrayList<>(deliveries.size() + followUps.size() + 2);
        List<HeldClocks.Held> holding = new java.util.ArrayList<>();
        for (Delivery delivery : deliveries) {
            // no duplicate id of its own: the receipt's below fails the whole transaction on a resend. One per delivery
            // was a journal record more per recipient and a cache per delivery address (290 kommuner, their units)
            outgoing.add(new Outgoing(delivery.queue(), delivery.body(), delivery.properties(), java.util.Map.of(),
                    delivery.priority(), delivery.timeToLiveMillis()));
        }
        for (FollowUp followUp : followUps) {
            java.util.Map<String, String> clock = new java.util.HashMap<>();
            clock.put("AbMessageId", messageId);
            // the id is the sender's: a clock is stopped for this sender's message, not another's with the same id
            clock.put("AbSender", deliveries.get(0).properties().get("AbSender"));
            clock.put("AbMessageType", deliveries.get(0).properties().get("AbMessageType"));
            clock.put("AbRecipient", followUp.recipient());
            clock.put("AbParty", followUp.party());
            clock.put("AbTargetQueue", followUp.targetQueue());
            clock.put("AbClockKind", followUp.kind().name());
            if (followUp.date() != null) {
                clock.put("AbDate", followUp.date().toString());
            }
            long due = followUp.due().toEpochMilli();
            if (held != null && held.holds(followUp.due())) {
                String clockId = java.util.UUID.randomUUID().toString();
                clock.put(HeldClocks.CLOCK_ID, clockId);
                outgoing.add(new Outgoing(held.queueFor(followUp.due()), null, clock, java.util.Map.of("AbDue", due), 4, 0));
                holding.add(new HeldClocks.Held(clockId, messageId, clock.get("AbSender"), followUp.party(), followUp.recipient(),
                        clock.get("AbMessageType"), followUp.kind(), due));
            } else {
                outgoing.add(new Outgoing(FOLLOW_UPS, null, clock, java.util.Map.of("AbDue", due, PullQueue.SCHEDULED, due), 4, 0));
            }
        }
        String bucket = receiptQueue(messageId);
        String receipts = bucket;
        if (kept != null) {
            // detection is per address: the recent queue remembers the ids not yet moved, the bucket those moved
            if (kept.kept(key, bucket)) {
                throw new AlreadyStored(new IllegalStateException("message id " + messageId + " is kept already"));
            }
            receipts = kept.queueFor(bucket);
        }
        outgoing.add(new Outgoing(receipts, receiptXml, java.util.Map.of(
                "AbMessageId", messageId,
                SENDER, senderOrgnr,
                "AbContentDigest", Base64.getEncoder().encodeToString(contentDigest),
                // the transaction's one duplicate id; detection is per address: the same id always lands in the same bucket
                // (or first on the recent queue, checked above for both)
                DUPLICATE_ID, key), java.util.Map.of(), 4, retentionMillis));
        outgoing.add(new Outgoing(auditQueue, auditEvents, AuditWriter.eventProperties(), java.util.Map.of(), 4, 0));
        // open before the commit returns, for a confirmation that follows at once to find; forgotten when the broker
        // refused the transaction (one that failed without saying whether it was stored is forgotten when its day passed)
        if (!holding.isEmpty()) {
            held.adding(holding);
        }
        try {
            if (local != null && ServerSends.carries(outgoing)) {
                local.commit(outgoing);
            } else {
                commitOverJms(outgoing);
            }
        } catch (AlreadyStored refused) {
            if (!holding.isEmpty()) {
                held.notAdded(holding);
            }
            throw refused;
        } catch (JMSException failed) {
            // nothing was kept, but for a commit whose outcome is unknown: those clocks stay counted until their day has
            // passed (HeldClocks.promote)
            if (!holding.isEmpty() && !outcomeUnknown(failed)) {
                held.notAdded(holding);
            }
            throw failed;
        }
    }

    /**
     * Whether a failed hand-off may have been stored after all: its commit had begun, and (the
     * broker's own session) failed or was not seen to be stored, or (JMS) failed other than by the
     * broker answering with a refusal. Otherwise nothing of it was kept.
     */
    private static boolean outcomeUnknown(JMSException failed) {
        return failed instanceof OutcomeUnknown;
    }

    /**
     * Whether the broker answered a commit with its failure (the transaction is not stored), rather
     * than the answer being lost (no answer in time, the connection gone, a failover between).
     */
    static boolean answeredWithFailure(Throwable e) {
        if (e instanceof jakarta.jms.TransactionRolledBackException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.activemq.artemis.api.core.ActiveMQException broker) {
                // refusals the broker answers with; any other failure (a timeout, a lost connection, a failover, the
                // client's own state after one) may have come after the transaction was stored
                return switch (broker.getType()) {
                    case TRANSACTION_ROLLED_BACK, DUPLICATE_ID_REJECTED, ADDRESS_FULL, SECURITY_EXCEPTION, IO_ERROR, ADDRESS_DOES_NOT_EXIST,
                            QUEUE_DOES_NOT_EXIST -> true;
                    default -> false;
                };
            }
        }
        return false;
    }

    /** A commit that failed without the broker answering that it did: it may be stored after all. */
    static final class OutcomeUnknown extends JMSException {
        OutcomeUnknown(JMSException cause) {
            super(cause.getMessage(), cause.getErrorCode());
            setLinkedException(cause);
            initCause(cause);
        }

        OutcomeUnknown(String reason) {
            super(reason);
        }
    }

    /** One message of a hand-off's transaction: a text message, or one without a body ({@code text} null). */
    record Outgoing(String queue, String text, java.util.Map<String, String> strings, java.util.Map<String, Long> longs,
            int priority, long timeToLiveMillis) {}

    private void commitOverJms(List<Outgoing> outgoing) throws JMSException, AlreadyStored {
        Transacted tx = session();
        boolean committing = false;
        try {
            for (Outgoing out : outgoing) {
                Message message = out.text() == null ? tx.session.createMessage() : tx.session.createTextMessage(out.text());
                out.strings().forEach((k, v) -> setProperty(message, k, v));
                for (var property : out.longs().entrySet()) {
                    message.setLongProperty(property.getKey(), property.getValue());
                }
                tx.producer.send(tx.session.createQueue(out.queue()), message, DeliveryMode.PERSISTENT, out.priority(),
                        out.timeToLiveMillis());
            }
            committing = true;
            tx.session.commit();
        } catch (JMSException e) {
            if (isDuplicate(e)) {
                rollback(tx);
                throw new AlreadyStored(e);
            }
            discard(tx);
            throw committing && !answeredWithFailure(e) ? new OutcomeUnknown(e) : e;
        } catch (RuntimeException | Error e) {
            // an Error too: no message of this transaction may go with the thread's next one
            discard(tx);
            throw e;
        }
    }

    /**
     * The receipt stored for this sender's message id, if it is still kept (in its bucket, or where
     * an earlier version kept it). Receipts kept before ids were scoped by sender carry no sender;
     * they answer for whoever sent that id with the same content (the content names its sender).
     */
    public Optional<StoredReceipt> storedReceipt(String senderOrgnr, String messageId) throws JMSException {
        if (!messageId.matches("[0-9a-f-]{36}") || !senderOrgnr.matches("[0-9-]{10,13}")) {
            return Optional.empty();
        }
        Optional<StoredReceipt> own = browseReceipt(messageId, "AbMessageId = '" + messageId + "' AND " + SENDER + " = '" + senderOrgnr + "'");
        return own.isPresent() ? own : legacyReceipt(messageId);
    }

    /**
     * Until the last receipt kept by a version before ids were scoped by sender has expired, the
     * broker's duplicate detection does not know this version's keys for those messages: their
     * resends are looked up before the hand-off instead ({@link #legacyReceipt}).
     */
    public boolean inLegacyWindow() {
        return System.currentTimeMillis() < legacyUntil;
    }

    /** A receipt kept by a version before ids were scoped by sender, for this message id. */
    public Optional<StoredReceipt> legacyReceipt(String messageId) throws JMSException {
        if (!messageId.matches("[0-9a-f-]{36}")) {
            return Optional.empty();
        }
        return browseReceipt(messageId, "AbMessageId = '" + messageId + "' AND " + SENDER + " IS NULL");
    }

    private Optional<StoredReceipt> browseReceipt(String messageId, String selector) throws JMSException {
        try (Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            // the recent queue first: the mover deletes a receipt there only once its copy is in the bucket
            for (String queue : List.of(RECENT_RECEIPTS, receiptQueue(messageId), RECEIPTS)) {
                try (QueueBrowser browser = session.createBrowser(session.createQueue(queue), selector)) {
                    java.util.Enumeration<?> found = browser.getEnumeration();
                    if (found.hasMoreElements()) {
                        Message message = (Message) found.nextElement();
                        return Optional.of(new StoredReceipt(message.getStringProperty("AbContentDigest"),
                                ((TextMessage) message).getText()));
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** When the newest receipt kept without a sender expires (0: there is none). */
    private long legacyExpiry() throws JMSException {
        long until = 0;
        try (Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            for (String queue : RECEIPT_QUEUES) {
                try (QueueBrowser browser = session.createBrowser(session.createQueue(queue), SENDER + " IS NULL")) {
                    for (var found = browser.getEnumeration(); found.hasMoreElements(); ) {
                        // every receipt was kept with the replay window as its time to live; one without is not an earlier version's
                        until = Math.max(until, ((Message) found.nextElement()).getJMSExpiration());
                    }
                }
            }
        }
        return until;
    }


    /** The queue a message id's receipt is kept on. */
    public static String receiptQueue(String messageId) {
        // String.hashCode is fixed by the language: every gateway instance and version picks the same bucket
        return RECEIPTS + "." + Math.floorMod(messageId.hashCode(), RECEIPT_BUCKETS);
    }

    /** Every queue receipts are kept on: the buckets, and the one earlier versions used. */
    public static List<String> receiptQueues() {
        return RECEIPT_QUEUES;
    }


    private static boolean isDuplicate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException
                    || String.valueOf(t.getMessage()).contains("Duplicate message detected")) {
                return true;
            }
        }
        return false;
    }

    private static void setProperty(Message message, String key, String value) {
        try {
            message.setStringProperty(key, value);
        } catch (JMSException e) {
            throw new IllegalArgumentException("bad message property " + key, e);
        }
    }

    private Transacted session() throws JMSException {
        Transacted tx = sessions.get();
        Connection current = connection();
        if (tx == null || tx.connection != current) {
            Session session = current.createSession(true, Session.SESSION_TRANSACTED);
            tx = new Transacted(current, session, session.createProducer(null));
            sessions.set(tx);
        }
        return tx;
    }

    /** The shared connection, opened again after the broker was lost. */
    private synchronized Connection connection() throws JMSException {
        if (connection == null) {
            Connection opened = factory.createConnection();
            int mine = ++generation;
            opened.setExceptionListener(e -> lost(mine));
            opened.start();
            connection = opened;
        }
        return connection;
    }

    private synchronized void lost(int which) {
        if (which == generation && connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    private void rollback(Transacted tx) {
        try {
            tx.session.rollback();
        } catch (JMSException e) {
            discard(tx);
        }
    }

    /** Drops a session that failed; if its connection failed too, the next hand-off opens a new one. */
    private void discard(Transacted tx) {
        sessions.remove();
        try {
            tx.session.close();
        } catch (JMSException | RuntimeException e) {
            synchronized (this) {
                if (connection == tx.connection) {
                    closeQuietly(connection);
                    connection = null;
                }
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException | RuntimeException ignored) {
            // already broken; nothing more to release
        }
    }

    /** The clocks held for later days, with the embedded broker (null with an external one: every clock is scheduled). */
    public HeldClocks heldClocks() {
        return held;
    }

    /** The receipts kept on the recent queue and their mover, with the embedded broker (null with an external one). */
    KeptReceipts keptReceipts() {
        return kept;
    }

    private record Transacted(Connection connection, Session session, MessageProducer producer) {}

    @Override
    public synchronized void close() {
        if (kept != null) {
            kept.close();
        }
        if (held != null) {
            held.close();
        }
        if (local != null) {
            local.close();
        }
        if (connection != null) {
            closeQuietly(connection);
        }
        factory.close();
    }
}
