package se.assistansbryggan.delivery;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.message.ClockKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clocks due later than tomorrow wait on a plain queue per due day, and are moved to the broker's
 * schedule the day before: every clock kept, at its time, once; a stopped one dropped, also after
 * a restart. The hand-off's clock is set here to stand days apart from the broker's.
 */
class HeldClocksTest {
    private static final long DAY = 86_400_000L;
    @TempDir
    Path data;

    /** A clock that stands where the test puts it. */
    private static final class Settable extends Clock {
        volatile Instant now = Instant.now();

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static String handOff(Handoff handoff, Instant due, ClockKind kind, String type) throws Exception {
        String id = UUID.randomUUID().toString();
        handoff.commit("202100-5489", id, new byte[] {1}, "<Kvittens/>",
                List.of(new Handoff.Delivery("kommun.0180", "<Dokument/>", Map.of("AbMessageId", id, "AbSender", "fk",
                        "AbMessageType", type), 4, 0)),
                List.of(new Handoff.FollowUp("kommun-0180", "kommun-0180", "kommun.0180.escalations", due, kind, null)), "[]");
        return id;
    }

    /** Noon (UTC) of the day before a clock's day: its day is tomorrow, whatever the time the test runs at. */
    private static Instant noonTheDayBefore(Instant due) {
        return due.atZone(ZoneOffset.UTC).toLocalDate().minusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC);
    }

    /** A queue's count, which the broker may update a moment after the transaction that changed it returned. */
    private static void assertDepth(EmbeddedBroker broker, String queue, long expected, String... what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (broker.depth(queue) != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, broker.depth(queue), String.join("", what));
    }

    /** A broker plugin that fails every send to this address, as a failing journal would. */
    private static org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin refusing(String address) {
        return new org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin() {
            @Override
            public void beforeSend(org.apache.activemq.artemis.core.server.ServerSession session,
                    org.apache.activemq.artemis.core.transaction.Transaction tx, org.apache.activemq.artemis.api.core.Message message,
                    boolean direct, boolean noAutoCreateQueue) throws org.apache.activemq.artemis.api.core.ActiveMQException {
                if (message.getAddress().equals(address)) {
                    throw new org.apache.activemq.artemis.api.core.ActiveMQIOErrorException("the journal fails");
                }
            }
        };
    }

    private static long scheduled(EmbeddedBroker broker) {
        return broker.server().locateQueue(Handoff.FOLLOW_UPS).getScheduledCount();
    }

    @Test
    void a_clock_due_after_tomorrow_is_held_and_moved_to_the_schedule_the_day_before_with_all_it_says() throws Exception {
        Settable clock = new Settable();
        try (EmbeddedBroker broker = TestBrokers.started(data, 8L << 20);
                Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, false, clock)) {
            HeldClocks held = handoff.heldClocks();
            Instant soon = clock.now.plus(Duration.ofHours(2));
            handOff(handoff, soon, ClockKind.ESCALATION, "WITHDRAWAL_NOTICE");
            assertEquals(1, scheduled(broker), "a clock due by tomorrow is scheduled at once");

            Instant due = clock.now.plus(Duration.ofDays(5));
            String id = handOff(handoff, due, ClockKind.ESCALATION, "WITHDRAWAL_NOTICE");
            String queue = HeldClocks.PREFIX + due.atZone(ZoneOffset.UTC).toLocalDate();
            assertDepth(broker, queue, 1, "held on its day's queue");
            assertEquals(1, scheduled(broker));
            assertEquals(1, held.count());
            assertEquals(id, held.list().get(0).get("messageId"));
            assertEquals(String.valueOf(due.toEpochMilli()), held.list().get(0).get("due"));

            clock.now = clock.now.plus(Duration.ofDays(2));
            assertEquals(0, held.promote(), "three days before: still held");
            clock.now = clock.now.plus(Duration.ofDays(2));
            assertEquals(1, held.promote(), "the day before: moved");
            assertDepth(broker, queue, 0);
            assertEquals(0, held.count());
            assertEquals(2, scheduled(broker));
            var moved = broker.server().locateQueue(Handoff.FOLLOW_UPS).getScheduledMessages().stream()
                    .map(reference -> reference.getMessage()).filter(m -> id.equals(m.getStringProperty("AbMessageId"))).findFirst().orElseThrow();
            assertEquals(due.toEpochMilli(), moved.getScheduledDeliveryTime());
            assertEquals(due.toEpochMilli(), moved.getLongProperty("AbDue"));
            assertEquals("fk", moved.getStringProperty("AbSender"));
            assertEquals("kommun-0180", moved.getStringProperty("AbParty"));
            assertEquals("kommun-0180", moved.getStringProperty("AbRecipient"));
            assertEquals("kommun.0180.escalations", moved.getStringProperty("AbTargetQueue"));
            assertEquals("ESCALATION", moved.getStringProperty("AbClockKind"));
            assertEquals("WITHDRAWAL_NOTICE", moved.getStringProperty("AbMessageType"));
            assertNull(moved.getStringProperty(HeldClocks.CLOCK_ID));
            assertTrue(moved.isDurable());

            assertEquals(0, held.promote(), "nothing moved twice");
            assertEquals(2, scheduled(broker));
            clock.now = clock.now.plus(Duration.ofDays(3));
            held.promote();
            assertNotNull(broker.server().locateQueue(queue), "kept until found empty twice");
            held.promote();
            assertNull(broker.server().locateQueue(queue), "a past day's emptied queue is removed");
        }
    }

    @Test
    void a_clock_whose_day_passed_while_it_was_held_fires_at_once_when_moved_and_only_once() throws Exception {
        Settable clock = new Settable();
        clock.now = Instant.now().minus(Duration.ofDays(5)); // handed off days ago, and the gateway stopped since
        try (EmbeddedBroker broker = TestBrokers.started(data, 8L << 20);
                Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, false, clock)) {
            Instant due = Instant.now().minus(Duration.ofDays(2));
            String id = handOff(handoff, due, ClockKind.ESCALATION, "WITHDRAWAL_NOTICE");
            String queue = HeldClocks.PREFIX + due.atZone(ZoneOffset.UTC).toLocalDate();
            assertDepth(broker, queue, 1);
            assertEquals(0, scheduled(broker));
            clock.now = Instant.now();
            assertEquals(1, handoff.heldClocks().promote());
            assertEquals(0, handoff.heldClocks().promote());
            assertNull(broker.server().locateQueue(queue), "its past day's queue removed once found empty twice");
            try (var factory = new BrokerAccess(broker.inVmUrl(), broker.internalUser(), broker.internalPassword()).factory();
                    jakarta.jms.Connection connection = factory.createConnection()) {
                connection.start();
                jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
                jakarta.jms.MessageConsumer consumer = session.createConsumer(session.createQueue(Handoff.FOLLOW_UPS));
                long before = System.currentTimeMillis();
                jakarta.jms.Message fired = consumer.receive(15_000);
                assertNotNull(fired, "the moved clock did not fire");
                assertTrue(System.currentTimeMillis() - before < 5_000, "overdue: fired at once");
                assertEquals(id, fired.getStringProperty("AbMessageId"));
                assertNull(consumer.receive(1_000), "fired once");
            }
            assertEquals(0, handoff.heldClocks().count());
        }
    }

    @Test
    void a_move_the_broker_refuses_leaves_every_clock_held_and_stoppable_however_often_and_a_later_one_moves_each_once() throws Exception {
        Settable clock = new Settable();
        Instant due = clock.now.plus(Duration.ofDays(4));
        try (EmbeddedBroker broker = TestBrokers.started(data, 8L << 20);
                Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, false, clock)) {
            HeldClocks held = handoff.heldClocks();
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(handOff(handoff, due.plusSeconds(i), ClockKind.ESCALATION, "WITHDRAWAL_NOTICE"));
            }
            var refuse = refusing(Handoff.FOLLOW_UPS);
            clock.now = noonTheDayBefore(due);
            broker.server().registerBrokerPlugin(refuse);
            try {
                // more often than the broker offers a message before dead-lettering it elsewhere
                for (int attempt = 0; attempt < 12; attempt++) {
                    org.junit.jupiter.api.Assertions.assertThrows(jakarta.jms.JMSException.class, held::promote);
                }
            } finally {
                broker.server().unRegisterBrokerPlugin(refuse);
            }
            String queue = HeldClocks.PREFIX + due.atZone(ZoneOffset.UTC).toLocalDate();
            assertDepth(broker, queue, 5, "all still held");
            assertEquals(0, scheduled(broker));
            assertFalse(broker.nonEmptyQueues().keySet().stream().anyMatch(q -> q.startsWith(EmbeddedBroker.DEAD_LETTER_PREFIX)),
                    broker.nonEmptyQueues().toString());
            assertEquals(5, held.count());
            assertEquals(1, held.stop(ids.get(0), "kommun-0180", "fk", null, Set.of(), () -> 0), "still found by a stop");

            assertEquals(5, held.promote());
            assertDepth(broker, queue, 0);
            assertEquals(Set.copyOf(ids.subList(1, 5)), Set.copyOf(broker.server().locateQueue(Handoff.FOLLOW_UPS).getScheduledMessages()
                    .stream().map(reference -> reference.getMessage().getStringProperty("AbMessageId")).toList()));
            assertEquals(4, scheduled(broker), "each once");
            assertDepth(broker, HeldClocks.STOPPED, 0, "the obeyed marker removed");
        }
    }

    @Test
    void a_stop_marks_the_held_clocks_it_matches_and_they_are_dropped_also_after_a_restart() throws Exception {
        Settable clock = new Settable();
        Instant due = clock.now.plus(Duration.ofDays(6));
        String stoppedId;
        String runningId;
        String reminderId;
        try (EmbeddedBroker broker = TestBrokers.started(data, 8L << 20);
                Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, false, clock)) {
            HeldClocks held = handoff.heldClocks();
            stoppedId = handOff(handoff, due, ClockKind.ESCALATION, "WITHDRAWAL_NOTICE");
            runningId = handOff(handoff, due, ClockKind.ESCALATION, "WITHDRAWAL_NOTICE");
            reminderId = handOff(handoff, due, ClockKind.REMINDER, "PERMIT_REVOCATION");
            assertEquals(3, held.count());
            int[] scheduledStops = {0};
            HeldClocks.ScheduledStop none = () -> {
                scheduledStops[0]++;
                return 0;
            };
            // what does not match stops nothing: another party, another sender, another unit, another type, a reminder
            assertEquals(0, held.stop(stoppedId, "kommun-1480", null, null, Set.of(), none));
            assertEquals(0, held.stop(stoppedId, "kommun-0180", "kommun-1480", null, Set.of(), none));
            assertEquals(0, held.stop(stoppedId, "kommun-0180", "fk", "kommun-0180/sdn-farsta", Set.of(), none));
            assertEquals(0, held.stop(stoppedId, "kommun-0180", "fk", null, Set.of("DECISION_TRANSFER"), none));
            assertEquals(0, held.stop(reminderId, "kommun-0180", "fk", null, Set.of(), none));
            assertEquals(5, scheduledStops[0], "the scheduled clocks are asked each time");
            assertEquals(3, held.count());
            // the scheduled ones failing to stop: the held one is stopped all the same, and said to be
            HeldClocks.PartlyStopped partly = org.junit.jupiter.api.Assertions.assertThrows(HeldClocks.PartlyStopped.class,
                    () -> held.stop(stoppedId, "kommun-0180", "fk", "kommun-0180", Set.of("WITHDRAWAL_NOTICE"), () -> {
                        throw new IllegalStateException("the broker's management did not answer");
                    }));
            assertEquals(1, partly.stopped());
            assertEquals(0, held.stop(stoppedId, "kommun-0180", "fk", null, Set.of(), none), "stopped once");
            assertEquals(2, held.count());
            assertFalse(held.list().stream().anyMatch(c -> stoppedId.equals(c.get("messageId"))));
            assertDepth(broker, HeldClocks.PREFIX + due.atZone(ZoneOffset.UTC).toLocalDate(), 3, "the queue keeps it until its day");
            assertDepth(broker, HeldClocks.STOPPED, 1, "its marker");
        }
        // a new process reads which clocks are held and which were stopped
        try (EmbeddedBroker broker = TestBrokers.started(data, 8L << 20);
                Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, false, clock)) {
            HeldClocks held = handoff.heldClocks();
            assertEquals(2, held.count());
            assertEquals(Set.of(runningId, reminderId), Set.copyOf(held.list().stream().map(c -> c.get("messageId")).toList()));
            clock.now = noonTheDayBefore(due);
            assertEquals(3, held.promote(), "all three taken from their day");
            var scheduled = broker.server().locateQueue(Handoff.FOLLOW_UPS).getScheduledMessages().stream()
                    .map(reference -> reference.getMessage().getStringProperty("AbMessageId")).toList();
            assertEquals(Set.of(runningId, reminderId), Set.copyOf(scheduled), "the stopped one dropped");
            assertDepth(broker, HeldClocks.STOPPED, 0, "its marker removed once obeyed");
            assertEquals(2, scheduled.size());
            assertEquals(0, held.count());
        }
    }

    @Test
    void a_stop_whose_marker_cannot_be_stored_still_drops_its_clock_and_the_marker_is_written_when_it_can() throws Exception {
        Settable clock = new Settable();
        Instant due = clock.now.plus(Duration.ofDays(4));
        try (EmbeddedBroker broker = TestBrokers.started(data, 8L << 20);
                Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, false, clock)) {
            HeldClocks held = handoff.heldClocks();
            String stopped = handOff(handoff, due, ClockKind.ESCALATION, "WITHDRAWAL_NOTICE");
            String running = handOff(handoff, due, ClockKind.ESCALATION, "WITHDRAWAL_NOTICE");
            String again = handOff(handoff, due.plus(Duration.ofDays(1)), ClockKind.ESCALATION, "WITHDRAWAL_NOTICE");
            var refuse = refusing(HeldClocks.STOPPED);
            broker.server().registerBrokerPlugin(refuse);
            try {
                // the confirmation is stored: its stop holds in this process although its markers are not
                assertEquals(1, held.stop(stopped, "kommun-0180", "fk", null, Set.of(), () -> 0));
                assertEquals(1, held.stop(again, "kommun-0180", "fk", null, Set.of(), () -> 0));
                assertEquals(1, held.count());
                assertDepth(broker, HeldClocks.STOPPED, 0);
                clock.now = noonTheDayBefore(due);
                assertEquals(2, held.promote(), "the day moved, its stopped clock dropped, although the markers still fail");
            } finally {
                broker.server().unRegisterBrokerPlugin(refuse);
            }
            assertEquals(Set.of(running), Set.copyOf(broker.server().locateQueue(Handoff.FOLLOW_UPS).getScheduledMessages().stream()
                    .map(reference -> reference.getMessage().getStringProperty("AbMessageId")).toList()));
            held.promote();
            assertDepth(broker, HeldClocks.STOPPED, 1, "the marker of the stop whose clock is still held, written at the next move");
        }
        // and obeyed by the next process
        try (EmbeddedBroker broker = TestBrokers.started(data, 8L << 20);
                Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, false, clock)) {
            assertEquals(0, handoff.heldClocks().count());
            clock.now = noonTheDayBefore(due.plus(Duration.ofDays(1)));
            assertEquals(1, handoff.heldClocks().promote());
            assertEquals(1, scheduled(broker), "only the clock that was never stopped");
        }
    }

    @Test
    void a_held_clock_that_says_less_than_this_version_writes_is_moved_whole_for_the_start_of_its_day() throws Exception {
        Settable clock = new Settable();
        Instant due = clock.now.plus(Duration.ofDays(4));
        try (EmbeddedBroker broker = TestBrokers.started(data, 8L << 20);
                Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, false, clock)) {
            String queue = handoff.heldClocks().queueFor(due);
            String id = UUID.randomUUID().toString();
            try (var factory = new BrokerAccess(broker.inVmUrl(), broker.internalUser(), broker.internalPassword()).factory();
                    jakarta.jms.Connection connection = factory.createConnection()) {
                jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
                jakarta.jms.Message odd = session.createMessage(); // no time, a kind this version does not know, no clock id
                odd.setStringProperty("AbMessageId", id);
                odd.setStringProperty("AbClockKind", "SOMETHING_LATER");
                session.createProducer(session.createQueue(queue)).send(odd);
            }
            clock.now = noonTheDayBefore(due);
            assertEquals(1, handoff.heldClocks().promote());
            var moved = broker.server().locateQueue(Handoff.FOLLOW_UPS).getScheduledMessages().get(0).getMessage();
            assertEquals(id, moved.getStringProperty("AbMessageId"));
            assertEquals("SOMETHING_LATER", moved.getStringProperty("AbClockKind"), "moved whole: the watcher decides");
            assertEquals(due.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
                    moved.getScheduledDeliveryTime());
        }
    }

    @Test
    void with_many_clocks_held_the_day_pages_and_every_clock_is_moved_once() throws Exception {
        Settable clock = new Settable();
        Instant due = clock.now.plus(Duration.ofDays(4));
        try (EmbeddedBroker broker = TestBrokers.started(data, 64L << 20);
                Handoff handoff = TestBrokers.handoff(broker, KeptReceipts.LAG_LIMIT, false, clock)) {
            var kommun = broker.server().locateQueue("kommun.0180");
            for (int i = 0; i < 3_000; i++) {
                handOff(handoff, due.plusMillis(i), ClockKind.ESCALATION, "WITHDRAWAL_NOTICE");
                if (i % 500 == 499) {
                    kommun.deleteAllReferences(); // as the kommun reads them
                    handoff.keptReceipts().move();
                }
            }
            String queue = HeldClocks.PREFIX + due.atZone(ZoneOffset.UTC).toLocalDate();
            assertTrue(broker.server().getPagingManager().getPageStore(org.apache.activemq.artemis.api.core.SimpleString.of(queue)).isPaging(),
                    "a day of clocks pages on its own address");
            assertEquals(3_000, handoff.heldClocks().count());
            clock.now = noonTheDayBefore(due);
            assertEquals(3_000, handoff.heldClocks().promote());
            assertDepth(broker, queue, 0);
            assertEquals(3_000, scheduled(broker));
            assertEquals(3_000, broker.server().locateQueue(Handoff.FOLLOW_UPS).getScheduledMessages().stream()
                    .map(reference -> reference.getMessage().getLongProperty("AbDue")).distinct().count(), "each clock once");
        }
    }
}
