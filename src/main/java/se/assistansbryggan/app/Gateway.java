package se.assistansbryggan.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.delivery.AuditWriter;
import se.assistansbryggan.delivery.BrokerAccess;
import se.assistansbryggan.delivery.BrokerSettings;
import se.assistansbryggan.delivery.DeadLetterWatcher;
import se.assistansbryggan.delivery.Deliverer;
import se.assistansbryggan.delivery.EmbeddedBroker;
import se.assistansbryggan.delivery.ExternalQueues;
import se.assistansbryggan.delivery.FollowUpWatcher;
import se.assistansbryggan.delivery.Handoff;
import se.assistansbryggan.delivery.PullQueue;
import se.assistansbryggan.intake.Channels;
import se.assistansbryggan.intake.Receipts;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.ClockKind;
import se.assistansbryggan.message.DueClock;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.metrics.GatewayMetrics;
import se.assistansbryggan.operations.BrokerManagement;
import se.assistansbryggan.operations.BrokerWatch;
import se.assistansbryggan.operations.ConsoleResource;
import se.assistansbryggan.operations.ConsoleSessions;
import se.assistansbryggan.operations.HealthServer;
import se.assistansbryggan.operations.OperatorResource;
import se.assistansbryggan.operations.PullResource;
import se.assistansbryggan.policy.PolicyEngine;
import se.assistansbryggan.policy.PolicyRules;
import se.assistansbryggan.transform.Escalations;
import se.assistansbryggan.transform.Transformer;
import se.assistansbryggan.trust.CertificatePaths;
import se.assistansbryggan.trust.ClientGate;
import se.assistansbryggan.trust.IdentityBinder;
import se.assistansbryggan.trust.PartyDirectory;
import se.assistansbryggan.trust.RevocationChecker;
import se.assistansbryggan.trust.SignatureVerifier;

/**
 * The whole gateway in one process: the embedded broker, the Camel context with the routes of
 * {@code routes/}, the stations as beans, and the HTTPS endpoints. Start and stop in that order.
 */
public final class Gateway implements AutoCloseable {
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();
    private final GatewayConfig config;
    private final Clock clock;
    private EmbeddedBroker broker;
    private Handoff handoff;
    private BrokerManagement management;
    private BrokerWatch watch;
    private OperatorResource operatorApi;
    private ConsoleSessions consoleSessions;
    private PullResource pullApi;
    private PullQueue pull;
    private BrokerAccess brokerAccess;
    private FollowUpWatcher followUps;
    private DeadLetterWatcher deadLetters;
    private AuditTrail audit;
    private AuditWriter auditWriter;
    private se.assistansbryggan.delivery.BrokerPermits permits;
    private KeyMaterial signingKey;
    private GatewayMetrics metrics;
    private HealthServer health;
    private HttpsEndpoints https;
    private CamelContext camel;
    private PartyDirectory directory;
    private CertificatePaths paths;

    public Gateway(GatewayConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Starts everything; what started before a failure (a broken audit trail, a broker that does not start) is stopped again. */
    public Gateway start() throws Exception {
        try {
            return startAll();
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private Gateway startAll() throws Exception {
        directory = PartyDirectory.load(config.path("gateway.parties"));
        PolicyRules policy = PolicyRules.load(config.path("gateway.policy"));
        paths = certificatePaths();
        // opening the trail checks its tail: a broken one stops the start here, before anything is accepted
        audit = new AuditTrail(config.path("gateway.data.dir").resolve("audit/trail.jsonl"),
                config.get("gateway.audit.hmac-secret").getBytes(StandardCharsets.UTF_8), clock, instance());
        // made before the broker, whose metrics join its registry; queue depths come from the watch made after it
        metrics = new GatewayMetrics(() -> watch == null ? Map.of() : watch.depths(), Handoff.FOLLOW_UPS,
                () -> handoff == null || handoff.heldClocks() == null ? 0 : handoff.heldClocks().count());
        handoff = connectBroker(queues());
        https = new HttpsEndpoints(config);
        camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("assistansbryggan");
        bindStations(camel.getRegistry(), policy);
        camel.getCamelContextExtension().addInterceptStrategy(new StationCpu(metrics));
        PluginHelper.getRoutesLoader(camel).loadRoutes(routeResources());
        // the trail is checked against the broker's mark before any door opens
        auditWriter = new AuditWriter(brokerAccess, audit, signingKey.privateKey(), new AuditWriter.Settings(
                config.integer("gateway.audit.checkpoint-events"), config.duration("gateway.audit.checkpoint-interval"))).start();
        camel.start();
        https.publish("/operations", operatorApi);
        https.publishOnConsole("/operations", operatorApi);
        https.publishOnConsole("/console", new ConsoleResource(consoleSessions, audit));
        https.publish("/pull", pullApi);
        https.publish("/audit", new se.assistansbryggan.operations.AuditResource(operatorApi, management, audit, auditTrails(),
                config.get("gateway.audit.hmac-secret").getBytes(StandardCharsets.UTF_8), signingKey, clock));
        https.publish("/openapi", new se.assistansbryggan.operations.ApiDescription());
        followUps = new FollowUpWatcher(brokerAccess,
                new Escalations(directory, signingKey)::document, audit,
                this::counted);
        followUps.start();
        deadLetters = new DeadLetterWatcher(brokerAccess, audit, metrics::deadLettered);
        deadLetters.start();
        health = new HealthServer(config.get("gateway.operations.health-host"), config.integer("gateway.operations.health-port"),
                metrics, this::ready);
        return this;
    }

    /**
     * Ready: the routes run, the broker answered recently (read from the background watch, never
     * waiting on it) and the audit trail is being written.
     */
    public boolean ready() {
        return camel.isStarted() && watch.brokerAnswers() && auditWriter.writing();
    }

    /** The port of the plain-HTTP health and metrics listener. */
    public int healthPort() {
        return health.port();
    }

    /** Every party's and unit's queue, every kommun's escalation queues, and this instance's audit queues. */
    private List<String> queues() {
        return Stream.concat(directory.all().stream().flatMap(p -> p.queues().stream()),
                Stream.of(AuditWriter.queue(audit.instance()), AuditWriter.mark(audit.instance()),
                        AuditWriter.unreadable(audit.instance()))).toList();
    }

    /**
     * This instance's name, in its audit trail and its audit queues: gateway.instance, or else the
     * host's name and a digest of the data directory, the same at every start.
     */
    private String instance() {
        String configured = config.getOrEmpty("gateway.instance");
        if (!configured.isEmpty()) {
            if (!configured.matches("[A-Za-z0-9-]{1,48}")) {
                throw new IllegalArgumentException("gateway.instance: letters, digits and '-' only, at most 48");
            }
            return configured;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "gateway";
        }
        host = host.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String dir = config.path("gateway.data.dir").toAbsolutePath().normalize().toString();
        return host.substring(0, Math.min(30, host.length())) + "-"
                + se.assistansbryggan.message.Hmac.sha256Hex("instance".getBytes(StandardCharsets.UTF_8), dir).substring(0, 8);
    }

    /** This instance's trail, then the other instances' (gateway.audit.other-trails): what a register extract reads. */
    private List<Path> auditTrails() {
        List<Path> trails = new java.util.ArrayList<>(List.of(audit.file()));
        for (String other : config.getOrEmpty("gateway.audit.other-trails").split("\\s*;\\s*")) {
            if (!other.isBlank()) {
                trails.add(Path.of(other));
            }
        }
        return trails;
    }

    /** Waits until every audit event committed so far is in the trail (for tests and orderly checks). */
    public void awaitAudit(java.time.Duration patience) throws InterruptedException {
        auditWriter.awaitWritten(patience);
    }

    public AuditWriter auditWriter() {
        return auditWriter;
    }

    private void counted(DueClock due) {
        if (due.kind() == ClockKind.ESCALATION) {
            metrics.escalated();
        } else {
            metrics.reminded();
        }
    }

    /** The recipient answered (CONTACT_CONFIRMATION, HANDOVER_CONFIRMATION, TRANSFER_TAKEN_OVER): its clocks for that message stop. */
    private int stopFollowUp(String messageId, String partyId, String senderId, String recipientId, Set<String> types, String by,
            String outcome) throws Exception {
        se.assistansbryggan.delivery.HeldClocks.ScheduledStop scheduled = () -> management.removeFollowUps(messageId, partyId, senderId,
                recipientId, types);
        // with the embedded broker, clocks due later than tomorrow are held and stopped by a marker (HeldClocks)
        int stopped;
        try {
            stopped = handoff.heldClocks() == null ? scheduled.stop()
                    : handoff.heldClocks().stop(messageId, partyId, senderId, recipientId, types, scheduled);
        } catch (se.assistansbryggan.delivery.HeldClocks.PartlyStopped partly) {
            // what did stop is closed, and recorded; the caller logs that the rest may escalate
            closed(messageId, partyId, senderId, by, outcome, partly.stopped());
            throw partly;
        }
        management.removeReceived(messageId, partyId, senderId);
        closed(messageId, partyId, senderId, by, outcome, stopped);
        return stopped;
    }

    /** Records that a recipient's answer stopped clocks of a message, when it stopped any. */
    private void closed(String messageId, String partyId, String senderId, String by, String outcome, int stopped) {
        if (stopped > 0) {
            java.util.Map<String, Object> closed = new java.util.HashMap<>(java.util.Map.of("recipient", partyId, "messageId", messageId,
                    "by", by, "outcome", outcome));
            closed.put("sender", senderId);
            audit.record("FOLLOW_UP_CLOSED", closed);
        }
    }

    /**
     * The embedded broker by default; with gateway.broker.external-url set, an external Artemis
     * broker or cluster instead, so that several gateway instances can share it.
     */
    private Handoff connectBroker(List<String> queues) throws Exception {
        java.time.Duration retention = config.duration("gateway.replay.max-age").plus(config.duration("gateway.replay.clock-skew"));
        String external = config.getOrEmpty("gateway.broker.external-url");
        if (!external.isEmpty()) {
            brokerAccess = new BrokerAccess(external, config.get("gateway.broker.external-user"),
                    config.get("gateway.broker.external-password"));
            ExternalQueues.ensure(brokerAccess, queues);
        } else {
            ClientGate gate = new ClientGate(paths);
            broker = new EmbeddedBroker(brokerSettings(), IN_VM_IDS.getAndIncrement(), queues, gate::admit,
                    certificate -> Organisationsnummer.fromCertificate(certificate).flatMap(directory::byOrganisationsnummer).map(Party::id));
            broker.metricsInto(metrics.registry()).start();
            brokerAccess = new BrokerAccess(broker.inVmUrl(), broker.internalUser(), broker.internalPassword());
        }
        management = new BrokerManagement(brokerAccess);
        pull = new PullQueue(brokerAccess, config.duration("gateway.pull.visibility-timeout"));
        return new Handoff(brokerAccess, broker == null ? null : broker.server(), retention, AuditWriter.queue(audit.instance()));
    }

    /**
     * Every party is a broker user that may read its own queues: with its organisation certificate,
     * or with a password where one is configured (gateway.broker.password.<party id>).
     */
    private BrokerSettings brokerSettings() {
        List<BrokerSettings.Consumer> consumers = directory.all().stream()
                .map(p -> new BrokerSettings.Consumer(p.id(), config.getOrEmpty("gateway.broker.password." + p.id()), p.queues()))
                .toList();
        return new BrokerSettings(config.path("gateway.data.dir"),
                List.of(config.getOrEmpty("gateway.broker.acceptor"), config.getOrEmpty("gateway.broker.certificate-acceptor")),
                config.integer("gateway.broker.id-cache-size"), config.integer("gateway.broker.kommun-id-cache-size"), consumers, new BrokerSettings.Redelivery(
                        config.integer("gateway.broker.redelivery.max-attempts"),
                        config.duration("gateway.broker.redelivery.first-delay"),
                        Double.parseDouble(config.get("gateway.broker.redelivery.multiplier")),
                        config.duration("gateway.broker.redelivery.max-delay")),
                config.get("gateway.broker.journal-buffer-timeout"), config.duration("gateway.broker.expiry-scan-period"),
                config.integer("gateway.broker.memory-mb") * 1024L * 1024L);
    }

    /** The trust anchors, issuing CAs and revocation sources every door's certificates are checked against. */
    private CertificatePaths certificatePaths() {
        RevocationChecker revocation = new RevocationChecker(
                CertificatePaths.readCrls(config.getOrEmpty("gateway.crl").isEmpty() ? null : config.path("gateway.crl")),
                new RevocationChecker.Settings(config.flag("gateway.revocation.online"), config.flag("gateway.revocation.soft-fail"),
                        config.duration("gateway.revocation.freshness"), config.flag("gateway.revocation.ocsp-nonce-required"),
                        config.duration("gateway.revocation.ocsp-max-age")), clock);
        return new CertificatePaths(
                KeyMaterial.trustedCertificates(config.path("gateway.truststore"), config.secret("gateway.truststore.password")),
                CertificatePaths.readCertificates(config.getOrEmpty("gateway.intermediates").isEmpty() ? null
                        : config.path("gateway.intermediates")),
                revocation);
    }

    private void bindStations(Registry registry, PolicyRules policy) {
        signingKey = KeyMaterial.fromPkcs12(config.path("gateway.signing.keystore"),
                config.secret("gateway.signing.keystore.password"));
        int maxBytes = config.integer("gateway.intake.max-bytes");
        Channels channels = new Channels();
        registry.bind("channels", channels);
        registry.bind("schemaGuard", new SchemaGuard(maxBytes));
        registry.bind("signatureVerifier", new SignatureVerifier(paths));
        registry.bind("identityBinder", new IdentityBinder(paths, directory, clock,
                config.duration("gateway.replay.clock-skew"), config.duration("gateway.replay.max-age")));
        permits = new se.assistansbryggan.delivery.BrokerPermits(brokerAccess);
        registry.bind("policyEngine", new PolicyEngine(policy, directory, clock, permits));
        registry.bind("transformer", new Transformer(signingKey, clock, config.flag("gateway.transform.validate-output")));
        registry.bind("deliverer", new Deliverer(handoff, this::stopFollowUp, policy));
        watch = new BrokerWatch(new BrokerManagement(brokerAccess), config.duration("gateway.operations.broker-watch"), clock)
                .countingHeldClocks(handoff.heldClocks() == null ? () -> 0 : handoff.heldClocks()::count).start()
                .keepingHistory(config.duration("gateway.operations.history-every"));
        Receipts receipts = new Receipts(signingKey, audit, metrics, clock);
        ClientGate gate = new ClientGate(paths);
        pullApi = new PullResource(pull, management, directory, audit, gate, receipts);
        https.guard(receipts, gate, directory, metrics, camel, channels);
        registry.bind("receipts", receipts);
        consoleSessions = new ConsoleSessions(ConsoleSessions.parseUsers(config.getOrEmpty("gateway.operations.console-users")),
                new String(config.secret("gateway.operations.console-secret")).getBytes(StandardCharsets.UTF_8),
                config.duration("gateway.operations.console-session"), clock);
        operatorApi = new OperatorResource(management, audit,
                Set.of(config.getOrEmpty("gateway.operations.operators").split("\\s*;\\s*")), consoleSessions, clock, gate, directory,
                metrics::refusalsInTheLastHour, config.duration("gateway.operations.attention-age")).withHistory(watch::lastHour)
                .withPermits(permits::all)
                .withHeldClocks(handoff.heldClocks() == null ? List::of : handoff.heldClocks()::list);
        var soap = https.soap(camel);
        soap.getOutFaultInterceptors().add(new se.assistansbryggan.intake.SoapRefusals(receipts));
        registry.bind("soapIntake", soap);
    }

    private Resource[] routeResources() throws IOException {
        Path dir = config.path("gateway.routes");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            if (yaml.isEmpty()) {
                throw new IllegalStateException("no routes in " + dir.toAbsolutePath());
            }
            return yaml.stream().map(p -> ResourceHelper.resolveResource(camel, "file:" + p.toAbsolutePath()))
                    .toArray(Resource[]::new);
        }
    }

    /** The base URL of the HTTPS listener, e.g. {@code https://127.0.0.1:8443}. */
    public String baseUrl() {
        return https.base();
    }

    public GatewayConfig config() {
        return config;
    }

    /** The embedded broker, or null when the gateway uses an external one. */
    public EmbeddedBroker broker() {
        return broker;
    }

    /** Open follow-up clocks: scheduled on the broker, and (with the embedded broker) held for later days. */
    public long openFollowUps() {
        var held = handoff.heldClocks();
        return Math.max(0, broker == null ? 0 : broker.depth(Handoff.FOLLOW_UPS)) + (held == null ? 0 : held.count());
    }

    public PartyDirectory directory() {
        return directory;
    }

    /** The gateway's metrics (what /metrics exports), read by the benchmark too. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() throws Exception {
        if (health != null) {
            health.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (followUps != null) {
            followUps.close();
        }
        if (camel != null) {
            camel.stop();
        }
        if (https != null) {
            https.close();
        }
        if (auditWriter != null) {
            auditWriter.close();
        }
        if (handoff != null) {
            handoff.close();
        }
        if (permits != null) {
            permits.close();
        }
        if (watch != null) {
            watch.close();
        }
        if (management != null) {
            management.close();
        }
        if (pull != null) {
            pull.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
