package se.assistansbryggan.delivery;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

/**
 * The ActiveMQ Artemis broker inside the gateway's JVM, with its persistent journal under the
 * data directory and an acceptor speaking Core and AMQP 1.0. Durable anycast queues are created
 * for every recipient up front and auto-creation is off, so nothing can be delivered to an
 * address the directory does not know. Security is on: each consuming party has a user that may
 * read and browse only its own queue; the gateway itself uses an internal user with a password
 * made at start. A message a consumer keeps rolling back is redelivered with back-off and then
 * moved to {@code DLQ.<queue>} (original address, queue and delivery count in its properties);
 * expired messages go to {@code EXP.<queue>}. The duplicate-id cache is persistent. The journal's
 * buffer timeout is measured on the disk at start ({@link JournalSync}) unless configured.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EmbeddedBroker.class);
    public static final String DEAD_LETTERS = "DLA";
    public static final String EXPIRED = "ExpiryQueue";
    public static final String DEAD_LETTER_PREFIX = "DLQ.";
    public static final String EXPIRY_PREFIX = "EXP.";
    /**
     * The expiry address of messages that simply go when their time is up. Not null: address
     * settings merge with less specific matches, so a null took the expiry queue of {@code #} and
     * expired receipts piled up on {@code EXP.gateway.receipts.<n>}. An empty one drops them.
     */
    private static final SimpleString DROPPED = SimpleString.of("");
    static final String GATEWAY_ROLE = "gateway";

    private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
    private final String inVmUrl;
    private final String internalPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    private final List<String> queues;

    public EmbeddedBroker(BrokerSettings settings, int inVmId, List<String> queues) {
        this(settings, inVmId, queues, chain -> { }, certificate -> java.util.Optional.empty());
    }

    /**
     * @param certificates the trust gate a TLS client certificate must pass to log in (throws to refuse)
     * @param partyOf the party id whose organisation a certificate names: a consumer that logs in with its
     *     certificate alone is that party
     */
    public EmbeddedBroker(BrokerSettings settings, int inVmId, List<String> queues,
            java.util.function.Consumer<java.security.cert.X509Certificate[]> certificates,
            java.util.function.Function<java.security.cert.X509Certificate, java.util.Optional<String>> partyOf) {
        this.inVmUrl = "vm://" + inVmId;
        Configuration config = journal(settings)
                .setSecurityEnabled(true)
                .addAddressSetting("#", deliverySettings(settings.redelivery()))
                // the broker keeps a duplicate-id cache per address, its array allocated at full size: 290 kommuner (their
                // units and escalation queues) at the receipts' size would take some 600 MB of heap. Deliveries carry no
                // id (the receipt's stops a resend); a kommun's address needs one only for the clocks' reminders.
                .addAddressSetting("kommun.#", new AddressSettings().setIDCacheSize(settings.kommunIdCacheSize()))
                // DLQ.<queue> and EXP.<queue> are made on their first message
                .addAddressSetting(DEAD_LETTERS, new AddressSettings().setAutoCreateAddresses(true).setAutoCreateQueues(true))
                .addAddressSetting(EXPIRED, new AddressSettings().setAutoCreateAddresses(true).setAutoCreateQueues(true))
                // kept receipts simply vanish when their retention ends; together they take at most a quarter of
                // the broker's memory and page the rest (they are read only for a resend), so that a day of them
                // does not push the delivery queues and the follow-up clocks into paging
                .addAddressSetting(Handoff.RECEIPTS + ".#", receiptSettings(settings.memoryBytes() / 4 / (Handoff.RECEIPT_BUCKETS + 1),
                        settings.idCacheSize()))
                // where a hand-off keeps its receipt until the mover takes it to its bucket (KeptReceipts): a few hundred at
                // a time, an eighth of the memory before it too pages
                .addAddressSetting(Handoff.RECENT_RECEIPTS, KeptReceipts.settings(settings.memoryBytes() / 8))
                // audit events wait for the trail's writer however long it takes: never dead-lettered, never expired,
                // offered again at once and in order after a rollback
                .addAddressSetting("gateway.audit.#", new AddressSettings().setMaxDeliveryAttempts(-1).setRedeliveryDelay(0L))
                // a pull acknowledgement no clock took simply goes when it expires
                .addAddressSetting(Handoff.RECEIVED, new AddressSettings().setExpiryAddress(DROPPED))
                // open follow-up clocks wait for days: past a quarter of the memory they page on their own address, rather
                // than filling the broker's memory, after which every address pages and each hand-off waits for page syncs
                // of its deliveries, audit events and receipt (seen in the benchmark with some 50,000 clocks open). Paging
                // does not take them out of the heap: the broker reads a paged scheduled message back at once and keeps it
                // in memory, uncounted, until it fires (some 2 KB a clock), so the heap must hold the clocks that are open
                .addAddressSetting(Handoff.FOLLOW_UPS, new AddressSettings().setMaxSizeBytes(settings.memoryBytes() / 4))
                // clocks held for later days (HeldClocks) are plain messages read once, on the day before they are due: past
                // a megabyte a day's clocks page in small pages, so that a read holds little of them in memory. A move rolled
                // back offers them again at once and never dead-letters them (a clock waiting to be offered again is held
                // back where a browser at the start does not see it)
                .addAddressSetting(HeldClocks.PREFIX + "#", new AddressSettings().setMaxSizeBytes(1L << 20)
                        .setPageSizeBytes(256 * 1024).setMaxReadPageBytes(256 * 1024).setMaxDeliveryAttempts(-1).setRedeliveryDelay(0L));
        // a copy of every dead letter for the audit trail; the dead letter itself stays for the operators
        config.addDivertConfiguration(new org.apache.activemq.artemis.core.config.DivertConfiguration()
                .setName("dead-letter-audit").setAddress(DEAD_LETTERS).setForwardingAddress(DeadLetterWatcher.EVENTS)
                .setExclusive(false).setRoutingType(org.apache.activemq.artemis.core.server.ComponentConfigurationRoutingType.ANYCAST));
        config.registerBrokerPlugin(new DeadLetterStamp(settings.redelivery().maxAttempts(), java.time.Clock.systemUTC()));
        config.putSecurityRoles("#", Set.of(gatewayRole()));
        for (BrokerSettings.Consumer consumer : settings.consumers()) {
            for (String queue : consumer.queues()) {
                config.putSecurityRoles(queue, Set.of(gatewayRole(), readerRole(consumer.user())));
            }
        }
        String acceptor = null;
        try {
            config.addAcceptorConfiguration("in-vm", inVmUrl);
            int n = 0;
            for (String url : settings.acceptorUrls()) {
                acceptor = url;
                config.addAcceptorConfiguration("tcp-" + n++, url);
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("bad acceptor URL " + acceptor, e);
        }
        embedded.setConfiguration(config);
        // no cached logins: the cache is keyed by the certificate's subject name, which a revoked certificate and
        // its renewal share; a login is rare and the gate's answer is cached where it matters (revocation)
        config.setAuthenticationCacheSize(0);
        embedded.setSecurityManager(new CertificateGatedUsers(
                new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users(settings)), certificates, partyOf));
        this.queues = List.copyOf(queues);
    }

    private static Configuration journal(BrokerSettings settings) {
        Path journal = settings.dataDir().resolve("journal");
        int bufferTimeout = "auto".equals(settings.journalBufferTimeout())
                ? (int) Math.max(1_000, JournalSync.measureNanos(journal, 300))
                : Integer.parseInt(settings.journalBufferTimeout());
        LOG.info("journal buffer timeout {} µs ({})", bufferTimeout / 1000, settings.journalBufferTimeout());
        return new ConfigurationImpl()
                // the broker's cluster-admin login is checked before any security manager and may do anything: never
                // its well-known default (ACTIVEMQ.CLUSTER.ADMIN.USER / CHANGE ME!!); this broker is in no cluster
                .setClusterUser("cluster-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8)))
                .setClusterPassword(HexFormat.of().formatHex(new SecureRandom().generateSeed(24)))
                .setJournalBufferTimeout_NIO(bufferTimeout)
                // page files (kept receipts beyond their share of memory) sync on the same measure, as artemis create sets
                // it: the broker's default, 3.3 ms, made every hand-off whose receipt was paged wait that long
                .setPageSyncTimeout(bufferTimeout)
                .setName("assistansbryggan")
                .setPersistenceEnabled(true)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(journal.toString())
                .setBindingsDirectory(settings.dataDir().resolve("bindings").toString())
                .setPagingDirectory(settings.dataDir().resolve("paging").toString())
                .setLargeMessagesDirectory(settings.dataDir().resolve("large-messages").toString())
                .setPersistIDCache(true)
                // every scan walks every queue, the kept receipts too (a day's worth): not every second
                .setMessageExpiryScanPeriod(settings.expiryScanPeriod().toMillis())
                .setIDCacheSize(settings.idCacheSize())
                // beyond this the broker pages to disk: a day of kept receipts or a consumer that stopped
                // reading must not fill the gateway's heap
                .setGlobalMaxSize(settings.memoryBytes());
    }

    /**
     * One receipt queue's share of the memory: half for the receipts it holds, a quarter for the page
     * file being written (kept in memory while in use) and a quarter for what a browse reads back
     * from its pages. The broker's defaults (10 MB page files, twice that read back) are per
     * address and came to several hundred MB over the receipt queues.
     */
    private static AddressSettings receiptSettings(long share, int idsInAll) {
        int quarter = (int) Math.max(64 * 1024, share / 4);
        return new AddressSettings().setAutoCreateAddresses(false).setAutoCreateQueues(false).setExpiryAddress(DROPPED)
                .setMaxSizeBytes(share / 2).setPageSizeBytes(quarter).setMaxReadPageBytes(quarter)
                .setIDCacheSize(receiptIds(idsInAll));
    }

    /**
     * The duplicate ids one receipt queue remembers: its share of {@code gateway.broker.id-cache-size}
     * (a message's id is kept with its receipt, the queue chosen by the id), a quarter over for an
     * uneven spread. Each of the 16 remembering the whole number would let them hold sixteen times
     * as many ids as the replay window needs, some 200 bytes of heap each once full.
     */
    static int receiptIds(int idsInAll) {
        return Math.max(1_000, idsInAll / Handoff.RECEIPT_BUCKETS * 5 / 4);
    }

    private static AddressSettings deliverySettings(BrokerSettings.Redelivery redelivery) {
        return new AddressSettings()
                .setAutoCreateAddresses(false)
                .setAutoCreateQueues(false)
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTERS))
                .setAutoCreateDeadLetterResources(true)
                .setDeadLetterQueuePrefix(SimpleString.of(DEAD_LETTER_PREFIX))
                .setExpiryAddress(SimpleString.of(EXPIRED))
                .setAutoCreateExpiryResources(true)
                .setExpiryQueuePrefix(SimpleString.of(EXPIRY_PREFIX))
                .setMaxDeliveryAttempts(redelivery.maxAttempts())
                .setRedeliveryDelay(redelivery.firstDelay().toMillis())
                .setRedeliveryMultiplier(redelivery.multiplier())
                .setMaxRedeliveryDelay(redelivery.maxDelay().toMillis());
    }

    private SecurityConfiguration users(BrokerSettings settings) {
        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(internalUser(), internalPassword);
        users.addRole(internalUser(), GATEWAY_ROLE);
        for (BrokerSettings.Consumer consumer : settings.consumers()) {
            if (consumer.password() != null && !consumer.password().isEmpty()) {
                users.addUser(consumer.user(), consumer.password());
                users.addRole(consumer.user(), consumer.user());
            }
        }
        return users;
    }

    private static Role gatewayRole() {
        return new Role(GATEWAY_ROLE, true, true, true, true, true, true, true, true, true, true);
    }

    private static Role readerRole(String role) {
        return new Role(role, false, true, false, false, false, false, false, true, false, false);
    }

    /** The broker's own metrics (artemis_*) join this registry; before {@link #start}. The JVM's are the registry's own. */
    public EmbeddedBroker metricsInto(io.micrometer.core.instrument.MeterRegistry registry) {
        embedded.getConfiguration().setMetricsConfiguration(new org.apache.activemq.artemis.core.config.MetricsConfiguration()
                .setPlugin(new SharedRegistry(registry)).setJvmMemory(false).setJvmGc(false).setJvmThread(false)
                .setProcessor(false).setUptime(false).setFileDescriptors(false).setNettyPool(false));
        return this;
    }

    /** Hands the broker the gateway's registry (a plugin must be serialisable; the registry is not carried). */
    private static final class SharedRegistry implements org.apache.activemq.artemis.core.server.metrics.ActiveMQMetricsPlugin {
        private static final long serialVersionUID = 1L;
        private final transient io.micrometer.core.instrument.MeterRegistry registry;

        SharedRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public org.apache.activemq.artemis.core.server.metrics.ActiveMQMetricsPlugin init(Map<String, String> options) {
            return this;
        }

        @Override
        public io.micrometer.core.instrument.MeterRegistry getRegistry() {
            return registry;
        }
    }

    /** Starts the broker and makes sure every queue exists (existing ones keep their messages). */
    public void start() {
        try {
            embedded.start();
            List<String> all = new ArrayList<>(queues);
            all.addAll(Handoff.receiptQueues());
            all.add(Handoff.FOLLOW_UPS);
            all.add(Handoff.RECEIVED);
            all.add(HeldClocks.STOPPED);
            all.add(DeadLetterWatcher.EVENTS);
            all.add(BrokerPermits.QUEUE);
            for (String queue : all) {
                server().createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST)
                        .setDurable(true).setAutoCreateAddress(true).setLastValue(AuditWriter.lastValue(queue)), true);
            }
            removeKeptExpired();
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker does not start: " + e.getMessage(), e);
        }
    }

    /**
     * Versions before 8f8bc56 moved expired receipts and pull acknowledgements to expiry queues
     * ({@code EXP.gateway.receipts.<n>}, {@code EXP.gateway.followups.received}) and kept them for
     * good: their time was up, they answer nobody and may name people, so they go.
     */
    private void removeKeptExpired() throws Exception {
        List<String> kept = new ArrayList<>(Handoff.receiptQueues());
        kept.add(Handoff.RECEIVED);
        for (String queue : kept) {
            SimpleString expired = SimpleString.of(EXPIRY_PREFIX + queue);
            var found = server().locateQueue(expired);
            if (found != null) {
                long count = found.getMessageCount();
                server().destroyQueue(expired, null, false, true);
                LOG.info("removed {} and the {} expired messages an earlier version kept on it", expired, count);
            }
        }
    }

    /** The URL the gateway itself connects with, and its internal user. */
    public String inVmUrl() {
        return inVmUrl;
    }

    public String internalUser() {
        return "gateway";
    }

    public String internalPassword() {
        return internalPassword;
    }

    public ActiveMQServer server() {
        return embedded.getActiveMQServer();
    }

    /** Messages held by one queue, or -1 if it does not exist. */
    public long depth(String queue) {
        var q = server().locateQueue(queue);
        return q == null ? -1 : q.getMessageCount();
    }

    /** Every queue holding messages, with how many (for a test's or an operator's message). */
    public Map<String, Long> nonEmptyQueues() {
        Map<String, Long> out = new java.util.TreeMap<>();
        server().getPostOffice().getAllBindings().filter(LocalQueueBinding.class::isInstance)
                .map(b -> ((LocalQueueBinding) b).getQueue()).filter(q -> q.getMessageCount() > 0)
                .forEach(q -> out.put(q.getName().toString(), q.getMessageCount()));
        return out;
    }

    /**
     * Messages held by all recipient, dead-letter, expiry and audit-event queues together (kept
     * receipts, clocks held or scheduled, their stops' markers and the audit trail's mark not counted).
     */
    public long totalMessages() {
        return server().getPostOffice().getAllBindings()
                .filter(LocalQueueBinding.class::isInstance)
                .filter(b -> !Handoff.receiptQueues().contains(b.getUniqueName().toString()))
                .filter(b -> !b.getUniqueName().toString().equals(Handoff.FOLLOW_UPS))
                .filter(b -> !b.getUniqueName().toString().equals(Handoff.RECEIVED))
                .filter(b -> !b.getUniqueName().toString().startsWith(HeldClocks.PREFIX)
                        && !b.getUniqueName().toString().equals(HeldClocks.STOPPED))
                .filter(b -> !AuditWriter.lastValue(b.getUniqueName().toString()))
                // a client's temporary reply queue holds a management answer for a moment: not a message
                .filter(b -> !((LocalQueueBinding) b).getQueue().isTemporary())
                .mapToLong(b -> ((LocalQueueBinding) b).getQueue().getMessageCount())
                .sum();
    }

    @Override
    public void close() throws Exception {
        embedded.stop();
    }
}
