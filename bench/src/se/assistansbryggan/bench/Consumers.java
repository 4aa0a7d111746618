package se.assistansbryggan.bench;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import se.assistansbryggan.app.Gateway;

/**
 * The recipients' systems: one consumer per queue reads while the load runs, as FK and the
 * kommuner do, so the broker works in its steady state (short queues) instead of holding the
 * whole run in memory. Counts every message id it reads, for the exactly-once check.
 */
final class Consumers implements AutoCloseable {
    private static final long QUIET_MILLIS = 1_000;
    private final ActiveMQConnectionFactory factory;
    private final Connection connection;
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final List<Thread> readers = new ArrayList<>();

    Consumers(Gateway gateway, List<String> queues) throws JMSException {
        factory = new ActiveMQConnectionFactory(gateway.broker().inVmUrl(), gateway.broker().internalUser(),
                gateway.broker().internalPassword());
        connection = factory.createConnection();
        connection.start();
        for (String queue : queues) {
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            Thread reader = new Thread(() -> read(consumer), "bench-consumer-" + queue);
            reader.start();
            readers.add(reader);
        }
    }

    /** Reads until the run is over and the queue has stayed empty for a while; acknowledges in batches. */
    private void read(MessageConsumer consumer) {
        try {
            int read = 0;
            Message last = null;
            while (true) {
                Message m = consumer.receive(finishing.get() ? QUIET_MILLIS : 200);
                if (m == null) {
                    if (last != null) {
                        last.acknowledge();
                        last = null;
                    }
                    if (finishing.get()) {
                        return;
                    }
                    continue;
                }
                seen.merge(m.getStringProperty("AbMessageId"), 1, Integer::sum);
                last = m;
                if (++read % 200 == 0) {
                    m.acknowledge();
                    last = null;
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException("a bench consumer failed", e);
        }
    }

    /** How often each message id was read, once every queue is empty. */
    Map<String, Integer> finish() throws InterruptedException {
        finishing.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        return Map.copyOf(seen);
    }

    @Override
    public void close() throws JMSException {
        connection.close();
        factory.close();
    }
}
