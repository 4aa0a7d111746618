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
 * keeps only the original address). A broker plugin of the embedded broker.
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

    /** Deliveries per message id, the few thousand most recent: enough to tell a rejection from used-up attempts. */
    private final java.util.Map<Long, Integer> deliveries = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Long, Integer> eldest) {
                    return size() > 10_000;
                }
            });

    @Override
    public void afterDeliver(ServerConsumer consumer, MessageReference reference) {
        deliveries.merge(reference.getMessageID(), 1, Integer::sum);
    }

    /** A message handled (or expired) leaves the count: only messages still being tried are remembered. */
    @Override
    public void messageAcknowledged(org.apache.activemq.artemis.core.transaction.Transaction tx, MessageReference reference,
            org.apache.activemq.artemis.core.server.impl.AckReason reason, ServerConsumer consumer) {
        if (reason != org.apache.activemq.artemis.core.server.impl.AckReason.KILLED) {
            deliveries.remove(reference.getMessageID());
        }
    }

    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
        if (EmbeddedBroker.DEAD_LETTERS.equals(message.getAddress()) && message.getObjectProperty(AT) == null) {
            Object original = message.getObjectProperty(org.apache.activemq.artemis.api.core.Message.HDR_ORIG_MESSAGE_ID);
            Integer attempts = original instanceof Number id ? deliveries.remove(id.longValue()) : null;
            message.putLongProperty(AT, clock.millis());
            if (attempts != null && attempts < maxAttempts) {
                message.putIntProperty(ATTEMPTS, attempts);
                message.putStringProperty(REASON, "rejected by its consumer (delivery attempt " + attempts + ")");
            } else {
                message.putIntProperty(ATTEMPTS, maxAttempts);
                message.putStringProperty(REASON, "not acknowledged by its consumer in " + maxAttempts + " delivery attempts");
            }
        }
    }
}
