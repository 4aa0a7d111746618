package se.assistansbryggan.delivery;

import java.time.Clock;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;

/**
 * Stamps a message on its way to the dead-letter address with why, after how many delivery
 * attempts and when it was given up on, so the dead letter itself tells operators (the broker
 * keeps only the original address), and makes a message an AMQP consumer keeps releasing count
 * its deliveries like one it fails. A broker plugin of the embedded broker.
 */
final class DeadLetterStamp implements ActiveMQServerMessagePlugin {
    static final String AT = "AbDeadLetteredAt";
    static final String ATTEMPTS = "AbAttempts";
    static final String REASON = "AbFailureReason";
    private final int maxAttempts;
    private final Clock clock;

    DeadLetterStamp(int maxAttempts, Clock clock) {
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    /** How often a message was delivered, and whether a consumer released it (AMQP: not processed, try again). */
    private record Tally(int deliveries, boolean released) {}

    /** Per message id, the few thousand most recent: enough to tell a rejection from used-up attempts. */
    private final java.util.Map<Long, Tally> tallies = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Long, Tally> eldest) {
                    return size() > 10_000;
                }
            });

    /**
     * Counts every delivery. The broker counts one when it delivers, and takes it back when an AMQP
     * consumer answers <em>released</em> (or <em>modified</em> without delivery-failed), so a consumer
     * that releases what it cannot process was offered the message for ever, at once, never dead-lettered.
     * Once a message has been released, each delivery sets the broker's count to the deliveries so
     * far plus the one the coming release takes back: back-off and max-attempts then hold as for a failure.
     */
    @Override
    public void beforeDeliver(ServerConsumer consumer, MessageReference reference) {
        long id = reference.getMessageID();
        synchronized (tallies) {
            Tally before = tallies.get(id);
            int delivery = before == null ? 1 : before.deliveries() + 1;
            boolean released = before != null && (before.released() || reference.getDeliveryCount() < delivery);
            if (released) {
                reference.setDeliveryCount(Math.max(reference.getDeliveryCount(), delivery + 1));
            }
            tallies.put(id, new Tally(delivery, released));
        }
    }

    /** A message handled (or expired) leaves the count: only messages still being tried are remembered. */
    @Override
    public void messageAcknowledged(org.apache.activemq.artemis.core.transaction.Transaction tx, MessageReference reference,
            org.apache.activemq.artemis.core.server.impl.AckReason reason, ServerConsumer consumer) {
        if (reason != org.apache.activemq.artemis.core.server.impl.AckReason.KILLED) {
            tallies.remove(reference.getMessageID());
        }
    }

    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
        if (EmbeddedBroker.DEAD_LETTERS.equals(message.getAddress()) && message.getObjectProperty(AT) == null) {
            Object original = message.getObjectProperty(org.apache.activemq.artemis.api.core.Message.HDR_ORIG_MESSAGE_ID);
            Tally tally = original instanceof Number id ? tallies.remove(id.longValue()) : null;
            message.putLongProperty(AT, clock.millis());
            if (tally != null && tally.released()) {
                message.putIntProperty(ATTEMPTS, tally.deliveries());
                message.putStringProperty(REASON, "released by its consumer unprocessed in " + tally.deliveries() + " delivery attempts");
            } else if (tally != null && tally.deliveries() < maxAttempts) {
                message.putIntProperty(ATTEMPTS, tally.deliveries());
                message.putStringProperty(REASON, "rejected by its consumer (delivery attempt " + tally.deliveries() + ")");
            } else {
                message.putIntProperty(ATTEMPTS, maxAttempts);
                message.putStringProperty(REASON, "not acknowledged by its consumer in " + maxAttempts + " delivery attempts");
            }
        }
    }
}
