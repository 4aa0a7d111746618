package se.assistansbryggan.bench;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.w3c.dom.Document;
import se.assistansbryggan.delivery.EmbeddedBroker;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;
import se.assistansbryggan.trust.XmlSignatures;

/** The limits the gateway cannot beat, measured in the same run: durable sends and the cryptography per message. */
final class Limits {
    private Limits() {}

    /** Persistent JMS sends per second to the same broker, from concurrent producers, for about {@code seconds}. */
    static double durableSendsPerSecond(EmbeddedBroker broker, int producers, int seconds, byte[] body) throws Exception {
        broker.server().createQueue(QueueConfiguration.of("bench.raw").setRoutingType(RoutingType.ANYCAST).setDurable(true)
                .setAutoCreateAddress(true), true);
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.inVmUrl(), broker.internalUser(),
                broker.internalPassword());
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        List<Future<Integer>> counts = new ArrayList<>();
        try (Connection connection = factory.createConnection()) {
            for (int p = 0; p < producers; p++) {
                counts.add(pool.submit(() -> {
                    try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                            MessageProducer producer = session.createProducer(session.createQueue("bench.raw"))) {
                        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                        int sent = 0;
                        while (System.nanoTime() < end) {
                            var message = session.createBytesMessage();
                            message.writeBytes(body);
                            producer.send(message);
                            sent++;
                        }
                        return sent;
                    }
                }));
            }
            int total = 0;
            for (Future<Integer> count : counts) {
                total += count.get();
            }
            double rate = total / ((System.nanoTime() - start) / 1e9);
            broker.server().destroyQueue(org.apache.activemq.artemis.api.core.SimpleString.of("bench.raw"), null, false, true);
            return rate;
        } finally {
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
            factory.close();
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * Signatures per second of one core's time, with the gateway's key and a real message (its
     * canonicalisation, digest and signature value), timed for about {@code millis} of this
     * thread's CPU (parsing each document, untimed, takes as much again).
     *
     * <p>Counted in the thread's own CPU time, not the clock's: on two cores the consumers, the
     * collector and the broker's threads still at work took from a figure timed by the clock, and
     * the yardstick swung from run to run with them (0.32-0.49 ms per message in three runs of the
     * same code). Each document is parsed just before it is timed, as the gateway signs what it has
     * just built. Left out with the parsing: the collection of what the cryptography allocates,
     * which runs on the collector's threads (the gateway's figure counts its collector).
     */
    static double signsPerSecond(byte[] unsignedMessage, KeyMaterial key, int millis) {
        return perCpuSecond(millis, () -> SecureXml.parse(unsignedMessage), document -> XmlSigner.sign(document, key));
    }

    /** Verifications per second of one core's time, of a message signed by a sender (counted as {@link #signsPerSecond}). */
    static double verifiesPerSecond(byte[] signedMessage, int millis) {
        return perCpuSecond(millis, () -> SecureXml.parse(signedMessage), XmlSignatures::verify);
    }

    private static double perCpuSecond(int millis, Supplier<Document> parse, Consumer<Document> operation) {
        if (!THREADS.isCurrentThreadCpuTimeSupported() || !THREADS.isThreadCpuTimeEnabled()) {
            throw new IllegalStateException("this JVM does not measure a thread's CPU time: the cryptography cannot be measured");
        }
        long cpu = 0;
        int n = 0;
        // a machine too busy to give this thread its time still ends the measurement
        long deadline = System.nanoTime() + 20L * millis * 1_000_000L;
        while (cpu < millis * 1_000_000L && System.nanoTime() < deadline) {
            Document document = parse.get();
            long before = THREADS.getCurrentThreadCpuTime();
            operation.accept(document);
            cpu += THREADS.getCurrentThreadCpuTime() - before;
            n++;
        }
        return n / (cpu / 1e9);
    }
}
