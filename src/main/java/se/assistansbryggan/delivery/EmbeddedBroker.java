package se.assistansbryggan.delivery;

import java.nio.file.Path;
import java.util.List;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * The ActiveMQ Artemis broker inside the gateway's JVM, with its persistent journal under the
 * data directory. Durable anycast queues are created for every recipient up front; auto-creation
 * is off, so nothing can be delivered to an address the directory does not know. The duplicate-id
 * cache is persistent and sized to outlast the accepted creation-time window. Failed
 * deliveries go to {@value #DEAD_LETTERS} after the configured attempts; expired ones to
 * {@value #EXPIRED}.
 */
public final class EmbeddedBroker implements AutoCloseable {
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String EXPIRED = "expired";

    private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
    private final String inVmUrl;

    public EmbeddedBroker(Path dataDir, String acceptorUrl, int inVmId, int idCacheSize) {
        this.inVmUrl = "vm://" + inVmId;
        Configuration config = new ConfigurationImpl()
                .setName("assistansbryggan")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setPersistIDCache(true)
                .setMessageExpiryScanPeriod(1000)
                .setIDCacheSize(idCacheSize)
                .addAddressSetting("#", new AddressSettings()
                        .setAutoCreateAddresses(false)
                        .setAutoCreateQueues(false)
                        .setDeadLetterAddress(SimpleString.of(DEAD_LETTERS))
                        .setExpiryAddress(SimpleString.of(EXPIRED))
                        .setMaxDeliveryAttempts(10)
                        .setRedeliveryDelay(1000)
                        .setRedeliveryMultiplier(2.0)
                        .setMaxRedeliveryDelay(60_000))
                // kept receipts simply vanish when their retention ends
                .addAddressSetting(Handoff.RECEIPTS, new AddressSettings()
                        .setAutoCreateAddresses(false)
                        .setAutoCreateQueues(false)
                        .setExpiryAddress(null));
        try {
            config.addAcceptorConfiguration("in-vm", inVmUrl);
            if (acceptorUrl != null && !acceptorUrl.isBlank()) {
                config.addAcceptorConfiguration("tcp", acceptorUrl);
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("bad acceptor URL " + acceptorUrl, e);
        }
        embedded.setConfiguration(config);
    }

    /** Starts the broker and makes sure every queue exists (existing ones keep their messages). */
    public void start(List<String> queues) {
        try {
            embedded.start();
            for (String queue : concat(queues, List.of(DEAD_LETTERS, EXPIRED, Handoff.RECEIPTS))) {
                server().createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST)
                        .setDurable(true).setAutoCreateAddress(true), true);
            }
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker does not start: " + e.getMessage(), e);
        }
    }

    /** The URL the gateway itself connects with. */
    public String inVmUrl() {
        return inVmUrl;
    }

    public ActiveMQServer server() {
        return embedded.getActiveMQServer();
    }

    /** Messages held by one queue, or -1 if it does not exist. */
    public long depth(String queue) {
        var q = server().locateQueue(queue);
        return q == null ? -1 : q.getMessageCount();
    }

    /** Messages held by all recipient, dead-letter and expiry queues together (kept receipts not counted). */
    public long totalMessages() {
        return server().getPostOffice().getAllBindings()
                .filter(LocalQueueBinding.class::isInstance)
                .filter(b -> !b.getUniqueName().toString().equals(Handoff.RECEIPTS))
                .mapToLong(b -> ((LocalQueueBinding) b).getQueue().getMessageCount())
                .sum();
    }

    @Override
    public void close() throws Exception {
        embedded.stop();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
