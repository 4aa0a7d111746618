package se.assistansbryggan.delivery;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.audit.Checkpoint;

/**
 * The one writer of an instance's audit trail for everything the broker commits. Whoever commits
 * something to the broker (a hand-off, an escalation, a dead letter's record) puts its audit
 * events on the instance's audit queue ({@link #queue}) in the same transaction; this writer
 * takes them in batches, appends them to the chained file, syncs it, and only then commits the
 * batch together with its mark ({@link #mark}: the trail's line number and MAC so far, and the
 * newest signed checkpoint). A crash after the file write and before the commit brings the same
 * events back: the lines after the mark name their source ({@code src}), so they are not written
 * twice. A trail that no longer reaches the broker's mark has lost lines: the writer does not
 * start, and says so.
 */
public final class AuditWriter extends BrokerListener {
    /** The property naming the source of a message's audit events (unique per committed message). */
    static final String SOURCE = "AbAuditSource";
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    /** A batch stops growing at this many events: the lines after a mark stay few. */
    private static final int BATCH_EVENTS = 2_000;
    /**
     * How long a batch waits for more events once the first has come: a batch costs a sync of the
     * trail, a mark and a broker commit, which at a few hundred messages a second, one batch each,
     * cost the writer four times its CPU per message under full load. The events wait in the broker,
     * committed, meanwhile.
     */
    private static final long GATHER_NANOS = 20_000_000;
    /** Without a mark, the lines after this many from the end are searched for events already written. */
    private static final long UNMARKED_LOOKBACK = 50_000;

    private final AuditTrail trail;
    private final PrivateKey signingKey;
    private final Settings settings;
    private final String queue;
    private final String marks;
    private volatile boolean running = true;
    private volatile long emptyPollStartedAt;
    private Thread thread;
    private Session session;
    private MessageConsumer consumer;
    private MessageProducer producer;
    /** The position the broker's mark says; it stays while events written before a crash have not all come back. */
    private AuditTrail.Position marked;
    private volatile Exception failing;
    /** Sources written before a crash took their commit: skipped (and acknowledged) when they come again. */
    private Set<String> alreadyWritten = new HashSet<>();
    private Checkpoint lastCheckpoint;
    private long eventsSinceCheckpoint;
    private long checkpointedAt = System.nanoTime();

    /** How often the trail is checkpointed: after so many events, or so long after the last one when anything came since. */
    public record Settings(long checkpointEvents, Duration checkpointInterval) {}

    public AuditWriter(BrokerAccess broker, AuditTrail trail, PrivateKey signingKey, Settings settings) {
        super(broker);
        this.trail = trail;
        this.signingKey = signingKey;
        this.settings = settings;
        this.queue = queue(trail.instance());
        this.marks = mark(trail.instance());
    }

    /** The queue an instance's audit events wait on. */
    public static String queue(String instance) {
        return "gateway.audit." + instance;
    }

    /** The queue holding an instance's mark: how far its trail reached at the last commit, and its newest checkpoint. */
    public static String mark(String instance) {
        return "gateway.audit." + instance + ".mark";
    }

    /** Where an instance's audit messages that cannot be read go, for an operator (never dropped, never blocking the rest). */
    public static String unreadable(String instance) {
        return "gateway.audit." + instance + ".unreadable";
    }

    /** True for a queue the broker keeps as a last-value queue: an instance's mark, the providers' permit statuses. */
    public static boolean lastValue(String queue) {
        return isMark(queue) || BrokerPermits.QUEUE.equals(queue);
    }

    /** True for an instance's mark queue (a last-value queue: it holds the newest mark only). */
    public static boolean isMark(String queue) {
        return queue.startsWith("gateway.audit.") && queue.endsWith(".mark");
    }

    /** The properties of a message of audit events: a source id of its own, so that a redelivered one is written once. */
    static java.util.Map<String, String> eventProperties() {
        return java.util.Map.of(SOURCE, UUID.randomUUID().toString());
    }

    /** The message carrying encoded audit events (see {@link AuditTrail#encode}) to the writer. */
    public static TextMessage events(Session session, String encodedEvents) throws JMSException {
        TextMessage message = session.createTextMessage(encodedEvents);
        message.setStringProperty(SOURCE, UUID.randomUUID().toString());
        return message;
    }

    /**
     * Checks the trail against the broker's mark (a trail that does not reach it, or whose line there
     * differs, is {@link AuditTrail.Broken}), records a checkpoint, and starts writing.
     */
    public AuditWriter start() throws JMSException {
        open();
        lastCheckpoint = trail.checkpoint(signingKey);
        commitMark(trail.durableEnd());
        thread = new Thread(this::run, "audit-writer");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** False once writing fails (a broken trail found on reopening, a disk that does not take the lines): readiness says so. */
    public boolean writing() {
        return thread != null && thread.isAlive() && !(failing instanceof AuditTrail.Broken)
                && !(failing instanceof IllegalStateException);
    }

    /** The newest checkpoint this writer made. */
    public Checkpoint lastCheckpoint() {
        return lastCheckpoint;
    }

    /**
     * Waits until every audit event committed before this call is on disk (a poll of the audit
     * queue that began after the call found it empty).
     */
    public void awaitWritten(Duration patience) throws InterruptedException {
        long asked = System.nanoTime();
        long deadline = asked + patience.toNanos();
        while (emptyPollStartedAt - asked < 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the audit trail has not caught up within " + patience);
            }
            Thread.sleep(10);
        }
    }

    private void run() {
        while (running) {
            try {
                if (session == null) {
                    open();
                }
                long pollStart = System.nanoTime();
                Message first = consumer.receive(200);
                if (first == null) {
                    emptyPollStartedAt = pollStart;
                    if (eventsSinceCheckpoint > 0 && System.nanoTime() - checkpointedAt > settings.checkpointInterval().toNanos()) {
                        checkpointAndCommit();
                    }
                    continue;
                }
                write(first);
                failing = null;
            } catch (JMSException | RuntimeException e) {
                if (!running) {
                    return;
                }
                failing = e;
                LOG.error("audit events could not be written yet; the broker keeps them and offers them again", e);
                dropSession();
                sleep(1000);
            }
        }
    }

    private void write(Message first) throws JMSException {
        List<AuditTrail.Event> events = new ArrayList<>();
        int taken = 0;
        long gatheredBy = System.nanoTime() + GATHER_NANOS;
        for (Message m = first; m != null; m = taken < BATCH_EVENTS ? next(gatheredBy) : null) {
            String source = m.getStringProperty(SOURCE);
            List<AuditTrail.Event> decoded;
            try {
                decoded = AuditTrail.decode(((TextMessage) m).getText(), source == null ? m.getJMSMessageID() : source);
            } catch (IllegalArgumentException | ClassCastException unreadable) {
                LOG.error("an audit message that cannot be read is set aside on {} for an operator: {}",
                        unreadable(trail.instance()), unreadable.getMessage());
                producer.send(session.createQueue(unreadable(trail.instance())), m, jakarta.jms.DeliveryMode.PERSISTENT, 4, 0);
                continue;
            }
            taken += decoded.size();
            for (AuditTrail.Event event : decoded) {
                // an event written before a crash took the commit comes again: acknowledged with this batch, not written twice
                if (!alreadyWritten.remove(String.valueOf(event.fields().get("src")))) {
                    events.add(event);
                }
            }
        }
        AuditTrail.Position end = events.isEmpty() ? trail.durableEnd() : trail.recordAll(events);
        eventsSinceCheckpoint += events.size();
        if (eventsSinceCheckpoint >= settings.checkpointEvents()) {
            checkpointAndCommit();
        } else {
            commitMark(end);
        }
    }

    /** The next waiting message, or one that comes before the batch's time is up; null when none. */
    private Message next(long gatheredBy) throws JMSException {
        Message waiting = consumer.receiveNoWait();
        long left = (gatheredBy - System.nanoTime()) / 1_000_000;
        // receive(0) would wait for ever: below a millisecond left the batch is complete
        return waiting != null || left < 1 ? waiting : consumer.receive(left);
    }

    private void checkpointAndCommit() throws JMSException {
        lastCheckpoint = trail.checkpoint(signingKey);
        eventsSinceCheckpoint = 0;
        checkpointedAt = System.nanoTime();
        commitMark(trail.durableEnd());
    }

    /**
     * Replaces the mark with one for this position (the queue keeps the last value only), and
     * commits it with whatever the session took. While events written before a crash have not all
     * come back, the mark stays where it was: a second crash must find them after it again.
     */
    private void commitMark(AuditTrail.Position end) throws JMSException {
        if (alreadyWritten.isEmpty() || marked == null) {
            marked = end;
        }
        end = marked;
        Message mark = session.createMessage();
        mark.setStringProperty("_AMQ_LVQ_NAME", trail.instance());
        mark.setStringProperty("AbInstance", trail.instance());
        mark.setStringProperty("AbChain", trail.chain());
        mark.setLongProperty("AbSeq", end.seq());
        mark.setStringProperty("AbMac", end.mac());
        if (lastCheckpoint != null) {
            mark.setStringProperty("AbCheckpoint", lastCheckpoint.toJson());
        }
        producer.send(session.createQueue(marks), mark, jakarta.jms.DeliveryMode.PERSISTENT, 4, 0);
        session.commit();
    }

    /** Opens the session and checks the trail against the broker's mark. */
    private void open() throws JMSException {
        Session opened = connection().createSession(true, Session.SESSION_TRANSACTED);
        try {
            Optional<Message> mark = latestMark(opened);
            alreadyWritten = reconcile(mark);
            consumer = opened.createConsumer(opened.createQueue(queue));
            producer = opened.createProducer(null);
            connection().start();
            session = opened;
        } catch (JMSException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private Optional<Message> latestMark(Session opened) throws JMSException {
        try (QueueBrowser browser = opened.createBrowser(opened.createQueue(marks))) {
            Message latest = null;
            for (var e = browser.getEnumeration(); e.hasMoreElements(); ) {
                latest = (Message) e.nextElement();
            }
            return Optional.ofNullable(latest);
        }
    }

    /** The sources already in the trail after the mark; refuses a trail that does not reach it. */
    private Set<String> reconcile(Optional<Message> found) throws JMSException {
        AuditTrail.Position end = trail.durableEnd();
        if (found.isEmpty()) {
            marked = null;
            return new HashSet<>(trail.sourcesAfter(Math.max(0, end.seq() - UNMARKED_LOOKBACK)));
        }
        Message mark = found.get();
        String chain = mark.getStringProperty("AbChain");
        long seq = mark.getLongProperty("AbSeq");
        if (!trail.chain().equals(chain)) {
            if (trail.startedByOperator()) {
                LOG.warn("the audit trail {} is a new chain an operator started; the broker's mark named chain {} at line {}",
                        trail.file(), chain, seq);
                marked = null;
                return new HashSet<>();
            }
            throw new AuditTrail.Broken(trail.file(), "the broker's mark says chain " + chain + " reached line " + seq
                    + ", but the file is another chain");
        }
        if (seq > end.seq()) {
            throw new AuditTrail.Broken(trail.file(), "it ends at line " + end.seq() + ", but the broker recorded line " + seq
                    + " as written: newest lines were removed");
        }
        if (!trail.macAt(seq).map(mark.getStringProperty("AbMac")::equals).orElse(false)) {
            throw new AuditTrail.Broken(trail.file(), "line " + seq + " is not the line the broker recorded");
        }
        marked = new AuditTrail.Position(seq, mark.getStringProperty("AbMac"));
        return new HashSet<>(trail.sourcesAfter(seq));
    }

    private void dropSession() {
        try {
            if (session != null) {
                session.close();
            }
        } catch (JMSException | RuntimeException ignored) {
            // the broker rolls back what the closed session held
        }
        session = null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops taking events, checkpoints what was written (in the file at once; in the broker if it
     * answers within seconds: a mark left behind only means the next start looks a little further
     * back), and closes. A broker that is gone does not hold the gateway's stop.
     */
    @Override
    public void close() {
        running = false;
        try {
            if (thread != null) {
                thread.join(5_000);
                if (!thread.isAlive() && session != null) {
                    Thread closing = new Thread(() -> {
                        try {
                            checkpointAndCommit();
                        } catch (JMSException | RuntimeException e) {
                            LOG.warn("the closing audit checkpoint is in the trail but not in the broker: {}", e.getMessage());
                        }
                    }, "audit-writer-closing");
                    closing.setDaemon(true);
                    closing.start();
                    closing.join(5_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.close();
    }
}
