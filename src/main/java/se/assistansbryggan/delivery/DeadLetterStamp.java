package se.assistansbryggan.delivery;

import java.time.Clock;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.impl.ServerConsumerImpl;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerConsumerPlugin;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.protocol.amqp.proton.ProtonServerSenderContext;

/**
 * Stamps a message on its way to the dead-letter address with why, after how many delivery
 * attempts and when it was given up on, so the dead letter itself tells operators (the broker
 * keeps only the original address), and makes a message an AMQP consumer keeps releasing count
 * its deliveries like one it fails. A broker plugin of the embedded broker.
 */
final class DeadLetterStamp implements ActiveMQServerMessagePlugin, ActiveMQServerConsumerPlugin {
    static final String AT = "AbDeadLetteredAt";
    static final String ATTEMPTS = "AbAttempts";
    static final String REASON = "AbFailureReason";
    private final int maxAttempts;
    private final Clock clock;

    DeadLetterStamp(int maxAttempts, Clock clock) {
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    /**
     * A message's deliveries so far, those handed back when their consumer closed (not attempts),
     * and how often an AMQP consumer answered released (or modified without delivery-failed).
     */
    private record Tally(int deliveries, int returned, int released) {
        Tally delivered() {
            return new Tally(deliveries + 1, returned, released);
        }
    }

    /** Per message id, the few thousand most recent: enough to tell a rejection from used-up attempts. */
    private final java.util.Map<Long, Tally> tallies = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Long, Tally> eldest) {
                    return size() > 10_000;
                }
            });

    /**
     * Counts every delivery (browsing is not one). The broker counts one when it delivers, and takes
     * it back when an AMQP consumer answers <em>released</em> (or <em>modified</em> without
     * delivery-failed): such a message was offered for ever, never dead-lettered. So for an AMQP
     * consumer, a broker count below the deliveries so far (less those handed back when their
     * consumer closed, which are not attempts) means releases: the count is set to the deliveries,
     * and back-off and max-attempts hold for them from the next delivery on. The count is never
     * raised ahead of an outcome, so what a consumer sees as its delivery count stays true.
     */
    @Override
    public void beforeDeliver(ServerConsumer consumer, MessageReference reference) {
        if (consumer.isBrowseOnly()) {
            return;
        }
        long id = reference.getMessageID();
        synchronized (tallies) {
            Tally tally = tallies.getOrDefault(id, new Tally(0, 0, 0)).delivered();
            int attempts = tally.deliveries() - tally.returned();
            if (consumer.getProtocolContext() instanceof ProtonServerSenderContext && reference.getDeliveryCount() < attempts) {
                tally = new Tally(tally.deliveries(), tally.returned(), tally.released() + attempts - reference.getDeliveryCount());
                reference.setDeliveryCount(attempts);
            }
            tallies.put(id, tally);
        }
    }

    /**
     * What a closing consumer still holds goes back to the queue, and (unless its connection
     * failed) the broker takes back those deliveries: they were not attempts, and must not look
     * like releases.
     */
    @Override
    public void beforeCloseConsumer(ServerConsumer consumer, boolean failed) {
        if (failed || consumer.isBrowseOnly() || !(consumer instanceof ServerConsumerImpl held)) {
            return;
        }
        synchronized (tallies) {
            for (MessageReference reference : held.getDeliveringMessages()) {
                tallies.computeIfPresent(reference.getMessageID(),
                        (id, tally) -> new Tally(tally.deliveries(), tally.returned() + 1, tally.released()));
            }
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
            if (tally != null && tally.released() > 0) {
                int attempts = tally.deliveries() - tally.returned();
                message.putIntProperty(ATTEMPTS, attempts);
                message.putStringProperty(REASON, "not processed by its consumer in " + attempts
                        + " delivery attempts (it answered released, unprocessed, " + tally.released() + " of them)");
            } else if (tally != null && tally.deliveries() - tally.returned() < maxAttempts) {
                message.putIntProperty(ATTEMPTS, tally.deliveries() - tally.returned());
                message.putStringProperty(REASON, "rejected by its consumer (delivery attempt " + (tally.deliveries() - tally.returned()) + ")");
            } else {
                message.putIntProperty(ATTEMPTS, maxAttempts);
                message.putStringProperty(REASON, "not acknowledged by its consumer in " + maxAttempts + " delivery attempts");
            }
        }
    }
}
