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
 * benchmark they were a fifth of the heap after collection, and leaving them out altogether (an
 * experiment) saved a quarter of the gateway's CPU besides the cryptography. Held on {@code gateway.followups.held.<due date>} (UTC) instead, a clock is a plain
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
 * it (and then removes the marker). Which held clocks are open is known in memory (read from the
 * held queues and markers at the start, kept with every hand-off, stop and promotion), so a stop
 * finds its clocks, the operators list them and the metrics count them without reading the
 * queues. A stop and a promotion batch take one lock, and a clock leaves the open ones only when
 * the transaction that moved it is stored: for a stop it is either held or on
 * {@value Handoff#FOLLOW_UPS}. A move the broker refuses leaves the clocks where they were, offered
 * again at the next run however often (never dead-lettered).
 *
 * <p>A version before this one does not know the held queues: going back to one leaves the clocks
 * held there unfired (README, follow-up clocks).
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
    /** Held clocks stopped whose markers could not be stored yet (written before the next move). */
    private final Set<String> unmarked = ConcurrentHashMap.newKeySet();
    /** Past days' queues found empty at the last run (removed when found empty again). */
    private final Set<String> seenEmpty = ConcurrentHashMap.newKeySet();
    /** Whether markers of clocks no longer held are left to remove. */
    private volatile boolean obeyed;
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

    /** The queue a clock due then is held on, made if it is not there yet (failing as the hand-off would, when the broker is not running). */
    String queueFor(Instant due) throws JMSException {
        String queue = PREFIX + due.atZone(ZoneOffset.UTC).toLocalDate();
        try {
            if (!server.isActive()) {
                throw new IllegalStateException("the embedded broker is not running");
            }
            if (server.locateQueue(queue) == null) {
                server.createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true)
                        .setAutoCreateAddress(true), true);
            }
        } catch (Exception e) {
            JMSException failed = new JMSException("the held clocks' queue " + queue + " could not be made: " + e.getMessage());
            failed.setLinkedException(e);
            failed.initCause(e);
            throw failed;
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
     * Stops a message's escalation clocks: those held and those scheduled (by {@code scheduled}),
     * for this recipient party, started by this sender (any, when null; a clock naming no sender
     * matches any, as on the schedule), of this recipient unit (any, when null) and of these message
     * types (any, when empty); how many were stopped. The held ones are marked first (under the
     * lock a promotion takes, so a clock not found held was moved, and is on the schedule when the
     * scheduled ones are removed after); the scheduled ones are tried even when marking failed.
     *
     * @throws PartlyStopped when either failed, saying how many were stopped all the same
     */
    public int stop(String messageId, String party, String sender, String recipient, Set<String> types, ScheduledStop scheduled)
            throws PartlyStopped {
        int stoppedNow = 0;
        Exception failed = null;
        try {
            stoppedNow += markHeld(messageId, party, sender, recipient, types);
        } catch (Exception e) {
            failed = e;
        }
        try {
            stoppedNow += scheduled.stop();
        } catch (Exception e) {
            if (failed == null) {
                failed = e;
            } else {
                failed.addSuppressed(e);
            }
        }
        if (failed != null) {
            throw new PartlyStopped(stoppedNow, failed);
        }
        return stoppedNow;
    }

    /** A stop the broker failed in part: {@link #stopped} clocks were stopped all the same. */
    public static final class PartlyStopped extends JMSException {
        private final int stopped;

        PartlyStopped(int stopped, Exception cause) {
            super("the follow-up clocks were stopped in part (" + stopped + "): " + cause.getMessage());
            setLinkedException(cause);
            initCause(cause);
            this.stopped = stopped;
        }

        public int stopped() {
            return stopped;
        }
    }

    /** Marks the held clocks a stop matches; how many. */
    private int markHeld(String messageId, String party, String sender, String recipient, Set<String> types) throws JMSException {
        synchronized (lock) {
            List<Held> matching = new ArrayList<>();
            for (Held held : open.getOrDefault(messageId, Set.of())) {
                if (held.kind() == ClockKind.ESCALATION && party.equals(held.party())
                        && (sender == null || held.sender() == null || sender.equals(held.sender()))
                        && (recipient == null || recipient.equals(held.recipient())) && (types.isEmpty() || types.contains(held.type()))) {
                    matching.add(held);
                }
            }
            if (matching.isEmpty()) {
                return 0;
            }
            // stopped from now on in this process, whatever becomes of the markers: the confirmation is stored
            for (Held held : matching) {
                stopped.add(held.clockId());
                forget(held);
            }
            List<String> ids = matching.stream().map(Held::clockId).toList();
            try {
                writeMarkers(ids);
            } catch (JMSException | RuntimeException e) {
                // tried again in seconds, before any move and at close; until then a restart would not know of this stop
                unmarked.addAll(ids);
                LOG.error("the stop of the held follow-up clocks {} of {} is not yet stored; trying again", ids, messageId, e);
                if (promoter != null) {
                    promoter.schedule(this::writeUnmarked, 5, TimeUnit.SECONDS);
                }
            }
            return matching.size();
        }
    }

    /** Stores the markers of stops that could not be stored when they were made. */
    private void writeUnmarked() {
        synchronized (lock) {
            if (unmarked.isEmpty()) {
                return;
            }
            List<String> ids = List.copyOf(unmarked);
            try {
                writeMarkers(ids);
                ids.forEach(unmarked::remove);
            } catch (JMSException | RuntimeException e) {
                // still unstored: this process drops those clocks all the same when it moves their day
                LOG.error("the stops of the held follow-up clocks {} are still not stored", ids, e);
            }
        }
    }

    /** Stores the markers of these stopped held clocks, in one transaction (under the lock). */
    private void writeMarkers(List<String> clockIds) throws JMSException {
        Session tx = session();
        try {
            for (String id : clockIds) {
                Message marker = tx.createMessage();
                marker.setStringProperty(CLOCK_ID, id);
                // kept until the promoter has dropped its clock (removed then with the others it obeyed)
                producer.send(tx.createQueue(STOPPED), marker, DeliveryMode.PERSISTENT, 4, 0);
            }
            tx.commit();
        } catch (Throwable e) {
            discard();
            throw e;
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
     * dropping clocks a stop marked; removes the queues of past days once empty, and the markers
     * obeyed. How many clocks were taken from their days (moved or dropped).
     */
    int promote() throws JMSException {
        writeUnmarked();
        int taken = 0;
        LocalDate tomorrow = tomorrow();
        LocalDate today = tomorrow.minusDays(1);
        JMSException failed = null;
        for (String queue : heldQueues()) {
            LocalDate date = dayOf(queue);
            if (date.isAfter(tomorrow) || Thread.currentThread().isInterrupted()) {
                continue;
            }
            try {
                taken += promoteDay(queue);
            } catch (JMSException | RuntimeException e) {
                // one day that cannot be moved now does not hold back the others
                LOG.error("could not move the follow-up clocks held on {}; trying again in {} minutes", queue, PERIOD_MINUTES, e);
                failed = failed == null ? new JMSException("held clocks not moved: " + queue) : failed;
                continue;
            }
            var held = server.locateQueue(queue);
            boolean empty = held != null && held.getMessageCount() == 0 && held.getDeliveringCount() == 0;
            if (!empty || !date.isBefore(today)) {
                seenEmpty.remove(queue);
                continue;
            }
            // empty at two runs in a row: a count read just after a move is not trusted alone with what a removal deletes
            if (seenEmpty.add(queue)) {
                continue;
            }
            // no hand-off holds a clock for a past day (it holds only days after its tomorrow), so none can be routed here any more
            try {
                server.destroyQueue(SimpleString.of(queue), null, true, false, true);
            } catch (Exception e) {
                LOG.warn("could not remove the emptied held clocks' queue {}: {}", queue, e.getMessage());
                continue;
            }
            seenEmpty.remove(queue);
            // counted open but never stored (a hand-off that failed without the broker saying whether it was kept): its
            // day's queue is empty and gone, so it is not open
            synchronized (lock) {
                for (Set<Held> clocks : open.values()) {
                    clocks.stream().filter(clock -> clock.date().equals(date)).toList().forEach(this::forget);
                }
            }
        }
        if (obeyed) {
            removeObeyedMarkers();
        }
        if (failed != null) {
            throw failed;
        }
        return taken;
    }

    /** Takes one held day in transactions of up to BATCH clocks, through one consumer; how many were taken. */
    private int promoteDay(String queue) throws JMSException {
        int taken = 0;
        MessageConsumer consumer = null;
        Session consuming = null;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                int batch;
                synchronized (lock) {
                    Session tx = session();
                    if (tx != consuming) {
                        // the first batch, or a stop's failure replaced the session (and closed the consumer with it)
                        consumer = tx.createConsumer(tx.createQueue(queue));
                        consuming = tx;
                    }
                    batch = promoteBatch(consumer);
                }
                if (batch == 0) {
                    return taken;
                }
                taken += batch;
            }
            return taken;
        } finally {
            synchronized (lock) {
                if (consumer != null) {
                    try {
                        consumer.close();
                    } catch (JMSException ignored) {
                        // its session failed and was dropped, the consumer with it
                    }
                }
            }
        }
    }

    /** One transaction: the clocks the consumer is offered (up to BATCH) taken, their scheduled copies sent. */
    private int promoteBatch(MessageConsumer consumer) throws JMSException {
        Session tx = session();
        List<String> taken = new ArrayList<>();
        List<Held> promoted = new ArrayList<>();
        boolean droppedAny = false;
        try {
            for (Message clock; taken.size() < BATCH && (clock = consumer.receive(taken.isEmpty() ? 500 : 100)) != null; ) {
                String id = clock.getStringProperty(CLOCK_ID);
                taken.add(id);
                if (id != null && stopped.contains(id)) {
                    droppedAny = true;
                    continue; // a confirmation stopped it while it was held
                }
                Message scheduled = tx.createMessage();
                for (Enumeration<?> names = clock.getPropertyNames(); names.hasMoreElements(); ) {
                    String name = (String) names.nextElement();
                    if (name.startsWith("Ab") && !name.equals(CLOCK_ID)) {
                        scheduled.setObjectProperty(name, clock.getObjectProperty(name));
                    }
                }
                scheduled.setLongProperty(PullQueue.SCHEDULED, due(clock));
                producer.send(tx.createQueue(Handoff.FOLLOW_UPS), scheduled, DeliveryMode.PERSISTENT, 4, 0);
                promoted.add(held(clock));
            }
            if (taken.isEmpty()) {
                return 0;
            }
            tx.commit();
        } catch (Throwable e) {
            discard();
            throw e;
        }
        taken.stream().filter(java.util.Objects::nonNull).forEach(id -> {
            stopped.remove(id);
            unmarked.remove(id); // dropped: its stop needs no marker any more
        });
        promoted.forEach(this::forget);
        obeyed |= droppedAny;
        return taken.size();
    }

    /** Removes the markers of clocks no longer held (dropped, or gone before the start). */
    private void removeObeyedMarkers() {
        synchronized (lock) {
            var markers = server.locateQueue(STOPPED);
            if (markers == null) {
                return;
            }
            try {
                markers.deleteMatchingReferences(Integer.MAX_VALUE, new Matching("markers of clocks no longer held",
                        marker -> !stopped.contains(String.valueOf(marker.getStringProperty(CLOCK_ID)))),
                        org.apache.activemq.artemis.core.server.impl.AckReason.NORMAL);
                // the queue counts them gone once the delete is stored
                ServerSends.awaitStored(server.getStorageManager(), 5_000);
                obeyed = false;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn("could not remove the markers of dropped follow-up clocks (they are removed at the next run): {}", e.getMessage());
            }
        }
    }

    /**
     * A held clock as read back. Read leniently: a clock that says less than this version writes
     * (no kind, no time) is still moved whole, as an escalation due when its day begins, and the
     * watcher that fires it decides (a clock it cannot use is dead-lettered there, for the
     * operators), rather than stopping every clock of its day here.
     */
    private static Held held(Message clock) throws JMSException {
        ClockKind kind = ClockKind.ESCALATION;
        try {
            kind = ClockKind.valueOf(String.valueOf(clock.getStringProperty("AbClockKind")));
        } catch (IllegalArgumentException noneThisVersionKnows) {
            // an escalation, as clocks stored before reminders existed
        }
        return new Held(clock.getStringProperty(CLOCK_ID), clock.getStringProperty("AbMessageId"), clock.getStringProperty("AbSender"),
                clock.getStringProperty("AbParty"), clock.getStringProperty("AbRecipient"), clock.getStringProperty("AbMessageType"),
                kind, due(clock));
    }

    /** When a held clock is due: its time, or else the start of the day it is held for (or at once). */
    private static long due(Message clock) throws JMSException {
        if (clock.getObjectProperty("AbDue") instanceof Number due) {
            return due.longValue();
        }
        String queue = clock.getJMSDestination() instanceof jakarta.jms.Queue held ? held.getQueueName() : "";
        LocalDate day = dayOf(queue);
        return day == null ? 0L : day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** The day a held day's queue is named by, or null for a name that is not one. */
    private static LocalDate dayOf(String queue) {
        try {
            return queue.startsWith(PREFIX) ? LocalDate.parse(queue.substring(PREFIX.length())) : null;
        } catch (java.time.format.DateTimeParseException notADay) {
            return null;
        }
    }

    /** The held days' queues, oldest first. */
    private List<String> heldQueues() {
        List<String> queues = new ArrayList<>();
        for (SimpleString name : server.getPostOffice().getAddresses()) {
            String address = name.toString();
            if (address.startsWith(PREFIX) && server.locateQueue(address) != null) {
                if (dayOf(address) != null) {
                    queues.add(address);
                } else {
                    LOG.error("{} is not a held day's queue (no date in its name): its messages are not moved", address);
                }
            }
        }
        queues.sort(null);
        return queues;
    }

    /** The open held clocks and the markers, as the broker holds them at the start. */
    private void load() throws JMSException {
        try (Session browsing = connection().createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection().start();
            Set<String> marked = new java.util.HashSet<>();
            try (QueueBrowser markers = browsing.createBrowser(browsing.createQueue(STOPPED))) {
                for (Enumeration<?> all = markers.getEnumeration(); all.hasMoreElements(); ) {
                    marked.add(((Message) all.nextElement()).getStringProperty(CLOCK_ID));
                }
            }
            List<Held> held = new ArrayList<>();
            boolean unseen = false;
            for (String queue : heldQueues()) {
                long browsed = 0;
                try (QueueBrowser clocks = browsing.createBrowser(browsing.createQueue(queue))) {
                    for (Enumeration<?> all = clocks.getEnumeration(); all.hasMoreElements(); browsed++) {
                        Held clock = held((Message) all.nextElement());
                        if (clock.clockId() == null || clock.messageId() == null) {
                            continue; // not held by a hand-off of this version: moved on its day, but not stopped while held
                        }
                        if (marked.contains(clock.clockId())) {
                            stopped.add(clock.clockId());
                        } else {
                            held.add(clock);
                        }
                    }
                }
                long count = server.locateQueue(queue).getMessageCount();
                if (browsed != count) {
                    unseen = true;
                    // a browser does not see a message the broker holds back (being delivered, or waiting to be offered again):
                    // such a clock is moved on its day all the same, but a stop before then does not find it
                    LOG.warn("{} holds {} follow-up clocks, {} of them readable at the start: the others cannot be stopped while held",
                            queue, count, browsed);
                }
            }
            if (unseen) {
                // a marker may name a clock not read here: every marker is obeyed, and none removed before a restart reads all
                marked.stream().filter(java.util.Objects::nonNull).forEach(stopped::add);
            }
            adding(held);
            obeyed = !unseen && marked.size() > stopped.size();
            if (!held.isEmpty() || !stopped.isEmpty()) {
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
        writeUnmarked(); // a last try, so that a restart knows of every stop
        synchronized (lock) {
            super.close();
        }
    }
}
