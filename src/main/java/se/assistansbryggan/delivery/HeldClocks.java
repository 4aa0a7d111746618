package se.assistansbryggan.delivery;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import se.assistansbryggan.message.ClockKind;

/**
 * Follow-up clocks due later than tomorrow, held on a plain queue per due day until the day
 * before, with the embedded broker.
 *
 * <p>A scheduled message is kept in the broker's memory with its properties decoded until it
 * fires (some 2.5 KB a clock), paged or not: once its address pages, each clock is written to a
 * page, synced, read back at once and decoded, and journal compaction rewrites it while it waits.
 * A withdrawal notice's clock runs three working days, so days of clocks are open at once; in the
 * benchmark they took a quarter of the gateway's CPU besides the cryptography and a fifth of its
 * heap. Held on {@code gateway.followups.held.<due date>} (UTC) instead, a clock is a plain
 * message that pages with little memory. At the start and every {@value #PERIOD_MINUTES} minutes
 * the promoter moves each held day whose date is at most tomorrow to {@value Handoff#FOLLOW_UPS},
 * scheduled for its time, in transactions that take the held clocks and send their scheduled
 * copies together (so a clock is never lost or fired twice, whenever the process dies); a clock
 * is therefore on {@value Handoff#FOLLOW_UPS} a day or more before it is due, and one overdue
 * after a long stop fires at once.
 *
 * <p>A clock on a paged queue cannot be taken out by a selector (the broker reads every other
 * paged clock back into memory to look), so a contact confirmation stops a held clock with a
 * marker on {@value #STOPPED} naming it, and the promoter drops a marked clock instead of moving
 * it. Which held clocks are open is known in memory (read from the held queues and markers at the
 * start, kept with every hand-off, stop and promotion), so a stop finds its clocks, the operators
 * list them and the metrics count them without reading the queues. A stop and a promotion take
 * one lock: a clock is either held or on {@value Handoff#FOLLOW_UPS} for a stop to find.
 *
 * <p>Only with the embedded broker, which one gateway instance runs: with an external broker every
 * clock is scheduled on {@value Handoff#FOLLOW_UPS} at once, as before.
 */
public final class HeldClocks extends BrokerListener {
    private static final Logger LOG = LoggerFactory.getLogger(HeldClocks.class);
    /** The held days' queues are named by this and the due date (UTC, ISO). */
    public static final String PREFIX = Handoff.FOLLOW_UPS + ".held.";
    /** Stop markers: one per held clock a confirmation stopped, naming it by {@value #CLOCK_ID}. */
    public static final String STOPPED = Handoff.FOLLOW_UPS + ".stopped";
    /** A held clock's own id, which its stop marker names. */
    static final String CLOCK_ID = "AbClockId";
    static final long PERIOD_MINUTES = 10;
    /** A marker is kept this long past its clock's due time (its clock dropped long before, unless the gateway was stopped that long). */
    private static final long MARKER_KEPT_MILLIS = 7 * 86_400_000L;
    private static final int BATCH = 200;

    /** An open held clock, as a stop, the operators and the metrics see it. */
    record Held(String clockId, String messageId, String sender, String party, String recipient, String type, ClockKind kind,
            long due) {
        LocalDate date() {
            return Instant.ofEpochMilli(due).atZone(ZoneOffset.UTC).toLocalDate();
        }
    }

    private final ActiveMQServer server;
    private final Clock clock;
    /** The open held clocks by message id. */
    private final Map<String, Set<Held>> open = new ConcurrentHashMap<>();
    private final AtomicLong count = new AtomicLong();
    /** Held clocks a stop marked, not yet dropped by the promoter. */
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    /** A stop and a promotion batch, one at a time; their transactions share this session. */
    private final Object lock = new Object();
    private final ScheduledExecutorService promoter;
    private Session session;
    private MessageProducer producer;

    /**
     * Reads the open held clocks and markers, and (when {@code promoting}) starts the promoter.
     */
    HeldClocks(BrokerAccess broker, ActiveMQServer server, Clock clock, boolean promoting) throws JMSException {
        super(broker);
        this.server = server;
        this.clock = clock;
        load();
        this.promoter = promoting ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "held-clocks");
            thread.setDaemon(true);
            return thread;
        }) : null;
        if (promoter != null) {
            promoter.scheduleWithFixedDelay(this::promoteQuietly, 0, PERIOD_MINUTES, TimeUnit.MINUTES);
        }
    }

    /** Whether a clock due then is held: its due date (UTC) is later than tomorrow. */
    boolean holds(Instant due) {
        return due.atZone(ZoneOffset.UTC).toLocalDate().isAfter(tomorrow());
    }

    private LocalDate tomorrow() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(1);
    }

    /** The queue a clock due then is held on, made if it is not there yet. */
    String queueFor(Instant due) {
        String queue = PREFIX + due.atZone(ZoneOffset.UTC).toLocalDate();
        if (server.locateQueue(queue) == null) {
            try {
                server.createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true)
                        .setAutoCreateAddress(true), true);
            } catch (Exception e) {
                throw new IllegalStateException("the held clocks' queue " + queue + " could not be made", e);
            }
        }
        return queue;
    }

    /** Clocks about to be handed off: open from now on (until the hand-off is known to have failed). */
    void adding(List<Held> clocks) {
        for (Held held : clocks) {
            open.compute(held.messageId(), (id, set) -> {
                Set<Held> into = set == null ? ConcurrentHashMap.newKeySet() : set;
                if (into.add(held)) {
                    count.incrementAndGet();
                }
                return into;
            });
        }
    }

    /** Clocks whose hand-off the broker refused: never stored. */
    void notAdded(List<Held> clocks) {
        clocks.forEach(this::forget);
    }

    private void forget(Held held) {
        open.computeIfPresent(held.messageId(), (id, set) -> {
            if (set.remove(held)) {
                count.decrementAndGet();
            }
            return set.isEmpty() ? null : set;
        });
    }

    /** Open held clocks. */
    public long count() {
        return count.get();
    }

    /** Open held clocks as the operators list follow-ups: which notice, for whom, due when. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Set<Held> clocks : open.values()) {
            for (Held held : clocks) {
                out.add(Map.of("messageId", held.messageId(), "type", String.valueOf(held.type()), "recipient", String.valueOf(held.recipient()),
                        "due", String.valueOf(held.due()), "kind", held.kind().name()));
            }
        }
        return out;
    }

    /** What a stop closes: the scheduled clocks' removal, which runs under the same lock as the held clocks' stop. */
    @FunctionalInterface
    public interface ScheduledStop {
        int stop() throws Exception;
    }

    /**
     * Stops a message's escalation clocks: those scheduled (by {@code scheduled}) and those held,
     * for this recipient party, started by this sender (any, when null), of this recipient unit
     * (any, when null) and of these message types (any, when empty); how many were stopped.
     */
    public int stop(String messageId, String party, String sender, String recipient, Set<String> types, ScheduledStop scheduled)
            throws Exception {
        synchronized (lock) {
            int stoppedNow = scheduled.stop();
            List<Held> matching = new ArrayList<>();
            for (Held held : open.getOrDefault(messageId, Set.of())) {
                if (held.kind() == ClockKind.ESCALATION && party.equals(held.party()) && (sender == null || sender.equals(held.sender()))
                        && (recipient == null || recipient.equals(held.recipient())) && (types.isEmpty() || types.contains(held.type()))) {
                    matching.add(held);
                }
            }
            if (matching.isEmpty()) {
                return stoppedNow;
            }
            Session tx = session();
            try {
                long now = clock.millis();
                for (Held held : matching) {
                    Message marker = tx.createMessage();
                    marker.setStringProperty(CLOCK_ID, held.clockId());
                    producer.send(tx.createQueue(STOPPED), marker, DeliveryMode.PERSISTENT, 4,
                            Math.max(held.due() - now, 0) + MARKER_KEPT_MILLIS);
                }
                tx.commit();
            } catch (JMSException | RuntimeException e) {
                discard();
                throw e;
            }
            for (Held held : matching) {
                stopped.add(held.clockId());
                forget(held);
            }
            return stoppedNow + matching.size();
        }
    }

    private void promoteQuietly() {
        try {
            promote();
        } catch (Exception | Error e) {
            // the next run, in PERIOD_MINUTES, takes what this one left: a clock stays where it was until it is moved
            LOG.error("could not move held follow-up clocks to their schedule; trying again in {} minutes", PERIOD_MINUTES, e);
        }
    }

    /**
     * Moves every held day due by tomorrow to {@value Handoff#FOLLOW_UPS}, scheduled for its time,
     * dropping clocks a stop marked; removes the queues of past days once empty. How many were moved.
     */
    int promote() throws JMSException {
        int moved = 0;
        LocalDate tomorrow = tomorrow();
        LocalDate today = tomorrow.minusDays(1);
        // a clock counted open whose hand-off failed without the broker saying so (no answer in time) and was never
        // stored: its day is past and its queue moved, so it is not open (one stored after all was moved with the rest)
        for (Set<Held> clocks : open.values()) {
            clocks.stream().filter(held -> held.date().isBefore(today)).toList().forEach(this::forget);
        }
        for (String queue : heldQueues()) {
            LocalDate date = LocalDate.parse(queue.substring(PREFIX.length()));
            if (date.isAfter(tomorrow)) {
                continue;
            }
            var held = server.locateQueue(queue);
            while (held != null && held.getMessageCount() > 0) {
                int batch = promoteBatch(queue);
                if (batch == 0) {
                    break; // not offered yet (being delivered elsewhere, or redelivery delayed): the next run
                }
                moved += batch;
            }
            if (held != null && held.getMessageCount() == 0 && date.isBefore(today)) {
                // no hand-off holds a clock for a past day (it holds only days after its tomorrow), so none can be routed here any more
                try {
                    server.destroyQueue(SimpleString.of(queue), null, true, false, true);
                } catch (Exception e) {
                    LOG.warn("could not remove the emptied held clocks' queue {}: {}", queue, e.getMessage());
                }
            }
        }
        return moved;
    }

    /** One transaction: up to BATCH clocks taken from a held day, their scheduled copies sent. */
    private int promoteBatch(String queue) throws JMSException {
        synchronized (lock) {
            Session tx = session();
            List<String> taken = new ArrayList<>();
            List<Held> promoted = new ArrayList<>();
            try (MessageConsumer consumer = tx.createConsumer(tx.createQueue(queue))) {
                for (Message clock; taken.size() < BATCH && (clock = consumer.receive(taken.isEmpty() ? 1_000 : 100)) != null; ) {
                    String id = clock.getStringProperty(CLOCK_ID);
                    taken.add(id);
                    if (id != null && stopped.contains(id)) {
                        continue; // a confirmation stopped it while it was held
                    }
                    Message scheduled = tx.createMessage();
                    for (Enumeration<?> names = clock.getPropertyNames(); names.hasMoreElements(); ) {
                        String name = (String) names.nextElement();
                        if (name.startsWith("Ab") && !name.equals(CLOCK_ID)) {
                            scheduled.setObjectProperty(name, clock.getObjectProperty(name));
                        }
                    }
                    long due = clock.getLongProperty("AbDue");
                    scheduled.setLongProperty(PullQueue.SCHEDULED, due);
                    producer.send(tx.createQueue(Handoff.FOLLOW_UPS), scheduled, DeliveryMode.PERSISTENT, 4, 0);
                    promoted.add(held(clock));
                }
                tx.commit();
            } catch (JMSException | RuntimeException e) {
                discard();
                throw e;
            }
            taken.forEach(stopped::remove);
            promoted.forEach(this::forget);
            return taken.size();
        }
    }

    private static Held held(Message clock) throws JMSException {
        String kind = clock.getStringProperty("AbClockKind");
        return new Held(clock.getStringProperty(CLOCK_ID), clock.getStringProperty("AbMessageId"), clock.getStringProperty("AbSender"),
                clock.getStringProperty("AbParty"), clock.getStringProperty("AbRecipient"), clock.getStringProperty("AbMessageType"),
                kind == null ? ClockKind.ESCALATION : ClockKind.valueOf(kind), clock.getLongProperty("AbDue"));
    }

    /** The held days' queues, oldest first. */
    private List<String> heldQueues() {
        List<String> queues = new ArrayList<>();
        for (SimpleString name : server.getPostOffice().getAddresses()) {
            String address = name.toString();
            if (address.startsWith(PREFIX) && address.substring(PREFIX.length()).matches("\\d{4}-\\d{2}-\\d{2}")
                    && server.locateQueue(address) != null) {
                queues.add(address);
            }
        }
        queues.sort(null);
        return queues;
    }

    /** The open held clocks and the markers, as the broker holds them at the start. */
    private void load() throws JMSException {
        try (Session browsing = connection().createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection().start();
            try (QueueBrowser markers = browsing.createBrowser(browsing.createQueue(STOPPED))) {
                for (Enumeration<?> all = markers.getEnumeration(); all.hasMoreElements(); ) {
                    stopped.add(((Message) all.nextElement()).getStringProperty(CLOCK_ID));
                }
            }
            List<Held> held = new ArrayList<>();
            for (String queue : heldQueues()) {
                try (QueueBrowser clocks = browsing.createBrowser(browsing.createQueue(queue))) {
                    for (Enumeration<?> all = clocks.getEnumeration(); all.hasMoreElements(); ) {
                        Held clock = held((Message) all.nextElement());
                        if (!stopped.contains(clock.clockId())) {
                            held.add(clock);
                        }
                    }
                }
            }
            adding(held);
            if (!held.isEmpty()) {
                LOG.info("{} follow-up clocks held for later days, {} stopped while held", held.size(), stopped.size());
            }
        }
    }

    private Session session() throws JMSException {
        if (session == null) {
            session = connection().createSession(true, Session.SESSION_TRANSACTED);
            producer = session.createProducer(null);
        }
        return session;
    }

    /** Drops a session whose transaction failed (its work rolled back with it); the next one opens anew. */
    private void discard() {
        try {
            if (session != null) {
                session.close();
            }
        } catch (JMSException ignored) {
            // rolled back with the session
        }
        session = null;
        producer = null;
    }

    @Override
    public void close() {
        if (promoter != null) {
            promoter.shutdownNow();
            try {
                promoter.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            super.close();
        }
    }
}
