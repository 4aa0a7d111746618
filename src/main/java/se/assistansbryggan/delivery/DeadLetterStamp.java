package se.assistansbryggan.delivery;

import java.time.Clock;
import org.apache.activemq.artemis.api.core.Message;
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

    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
        if (EmbeddedBroker.DEAD_LETTERS.equals(message.getAddress()) && message.getObjectProperty(AT) == null) {
            message.putLongProperty(AT, clock.millis());
            message.putIntProperty(ATTEMPTS, maxAttempts);
            message.putStringProperty(REASON, "not acknowledged by its consumer in " + maxAttempts + " delivery attempts");
        }
    }
}
