package se.assistansbryggan.delivery;

import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * With an external Artemis broker or cluster, makes sure every recipient's durable queue and the
 * queues receipts are kept on ({@link Handoff#receiptQueues()}) exist (existing ones are left as
 * they are). Redelivery, dead letters and security are the broker's own address settings there
 * (README, "An external broker").
 */
public final class ExternalQueues {
    private ExternalQueues() {}

    public static void ensure(BrokerAccess broker, List<String> queues) {
        List<String> all = new ArrayList<>(queues);
        all.addAll(Handoff.receiptQueues());
        all.add(Handoff.FOLLOW_UPS);
        all.add(Handoff.RECEIVED);
        all.add(BrokerPermits.QUEUE);
        try (ServerLocator locator = broker.locator();
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession(broker.user(), broker.password(), false, true, true, false, 0)) {
            for (String queue : all) {
                if (!session.queueQuery(SimpleString.of(queue)).isExists()) {
                    session.createQueue(QueueConfiguration.of(queue).setAddress(queue).setRoutingType(RoutingType.ANYCAST)
                            .setDurable(true).setAutoCreateAddress(true).setLastValue(AuditWriter.lastValue(queue)));
                }
            }
        } catch (ActiveMQException e) {
            throw new IllegalStateException("cannot prepare the queues on " + broker.url() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach the broker at " + broker.url() + ": " + e.getMessage(), e);
        }
    }
}
