package se.assistansbryggan.app;

import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.xml.namespace.QName;
import org.apache.camel.CamelContext;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.configuration.jsse.TLSServerParameters;
import org.apache.cxf.configuration.security.ClientAuthentication;
import org.apache.cxf.transport.http_undertow.ThreadingParameters;
import org.apache.cxf.transport.http_undertow.UndertowHTTPServerEngine;
import org.apache.cxf.transport.http_undertow.UndertowHTTPServerEngineFactory;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.metrics.GatewayMetrics;
import se.assistansbryggan.trust.ClientGate;
import se.assistansbryggan.trust.PartyDirectory;
import se.assistansbryggan.intake.Receipts;
import se.assistansbryggan.message.KeyMaterial;

/**
 * The CXF bus and the two intake endpoints on one Undertow HTTPS listener with mutual TLS:
 * TLS 1.2/1.3 only with strong suites, a client certificate from the configured trust anchors
 * required, timeouts for headers, bodies and idle connections, and the guards each request passes
 * before a door sees it ({@link #guard}).
 */
final class HttpsEndpoints implements AutoCloseable {
    private static final String INTAKE_NS = "urn:se:assistansbryggan:intake:v1";
    /** Forward secrecy and AEAD only (TLS 1.3 suites, and ECDHE with GCM or ChaCha20 for TLS 1.2). */
    static final List<String> STRONG_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private final Bus bus = BusFactory.newInstance().createBus();
    private final GatewayConfig config;
    private final String host;
    private final int port;
    private final int consolePort;
    private final UndertowHTTPServerEngine intake;
    private final UndertowHTTPServerEngine console;
    /** The most a request may carry where no message is sent: pull, the operators' API, the console. */
    private static final int SMALL_BODY = 65_536;

    HttpsEndpoints(GatewayConfig config) throws Exception {
        this.config = config;
        this.host = config.get("gateway.https.host");
        this.port = config.integer("gateway.https.port");
        UndertowHTTPServerEngineFactory engines = bus.getExtension(UndertowHTTPServerEngineFactory.class);
        intake = new TimedEngine(host, port, config);
        intake.setTlsServerParameters(tls(config));
        intake.finalizeConfig();
        engines.setEnginesList(List.of(intake));
        ThreadingParameters workers = new ThreadingParameters();
        workers.setMinThreads(config.integer("gateway.https.worker-threads"));
        workers.setMaxThreads(config.integer("gateway.https.worker-threads"));
        intake.setThreadingParameters(workers);
        this.consolePort = config.integer("gateway.operations.console-port");
        if (consolePort > 0) {
            // the operators' web page: a client certificate is welcome but not required (credentials sign in instead)
            console = new TimedEngine(host, consolePort, config);
            console.setTlsServerParameters(tls(config, false));
            console.finalizeConfig();
            engines.setEnginesList(List.of(console));
        } else {
            console = null;
        }
    }

    /**
     * The guards every request on the intake listener passes before a door sees it, outermost
     * first: the body ceiling (a declared oversize is refused unread), the bulkhead per party, and
     * the body read without a worker; then the plain door ({@link PostDoor}) takes {@code POST
     * /messages} into the intake route. Refusals from them are signed by {@code receipts}. The
     * console's listener reads bodies without a worker too, under its own small ceiling.
     */
    void guard(Receipts receipts, ClientGate gate, PartyDirectory directory, GatewayMetrics metrics, CamelContext camel,
            se.assistansbryggan.intake.Channels channels) {
        HttpRefusals refusals = new HttpRefusals(receipts);
        int limit = config.integer("gateway.intake.max-bytes");
        // POST carries the document alone; a SOAP envelope around it may be a little larger (limit + 1 on POST: the
        // door reads one byte past the limit to answer MESSAGE_TOO_LARGE for a chunked body); pull and the
        // operators' API carry at most a small JSON body
        BodyCeiling ceiling = new BodyCeiling(path -> path.startsWith("/messages") ? limit + 1L
                : path.startsWith("/soap") ? 4L * limit + 16_384 : SMALL_BODY, limit, refusals);
        Map<String, Integer> ownLimits = new HashMap<>();
        for (Party party : directory.all()) {
            String own = config.getOrEmpty("gateway.https.in-flight-per-party." + party.id()).trim();
            if (!own.isEmpty()) {
                ownLimits.put(party.id(), Integer.parseInt(own));
            }
        }
        PartyBulkhead bulkhead = new PartyBulkhead(gate, directory, metrics, refusals,
                new PartyBulkhead.Limits(config.integer("gateway.https.in-flight-per-party"), ownLimits),
                config.duration("gateway.https.retry-after"));
        Duration bodyTimeout = config.duration("gateway.https.body-timeout");
        // CXF chains them last to first: the last one here sees the request first; POST /messages is answered by the
        // plain door once its body is read, everything else goes on to CXF
        intake.setHandlers(List.of(new PostDoor(camel, channels, refusals, limit), new BodyPrefetch(bodyTimeout, limit, refusals),
                bulkhead, ceiling));
        if (console != null) {
            console.setHandlers(List.of(new BodyPrefetch(bodyTimeout, SMALL_BODY, refusals),
                    new BodyCeiling(path -> SMALL_BODY, SMALL_BODY, null)));
        }
    }

    /**
     * An Undertow engine with the listener's timeouts: the request line and headers must arrive
     * within the parse timeout, an idle keep-alive connection is closed after the idle timeout.
     */
    private static final class TimedEngine extends UndertowHTTPServerEngine {
        private final int parseMillis;
        private final int idleMillis;

        TimedEngine(String host, int port, GatewayConfig config) {
            super(host, port);
            this.parseMillis = (int) config.duration("gateway.https.request-parse-timeout").toMillis();
            this.idleMillis = (int) config.duration("gateway.https.idle-timeout").toMillis();
            setMaxIdleTime(idleMillis);
        }

        @Override
        public Undertow.Builder decorateUndertowSocketConnection(Undertow.Builder builder) {
            return super.decorateUndertowSocketConnection(builder)
                    .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, parseMillis)
                    .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, idleMillis);
        }
    }

    /** A JAX-RS service on the console listener (if it is on), e.g. the web page and the operators' API. */
    void publishOnConsole(String path, Object resource) {
        if (consolePort > 0) {
            publishAt(consoleBase() + path, resource);
        }
    }

    String consoleBase() {
        return "https://" + host + ":" + consolePort;
    }

    CxfEndpoint soap(CamelContext context) {
        CxfEndpoint soap = new CxfEndpoint();
        soap.setCamelContext(context);
        soap.setBus(bus);
        soap.setAddress(base() + "/soap");
        soap.setWsdlURL(HttpsEndpoints.class.getResource("/schemas/intake.wsdl").toExternalForm());
        soap.setServiceName(new QName(INTAKE_NS, "IntakeService").toString());
        soap.setEndpointName(new QName(INTAKE_NS, "IntakePort").toString());
        soap.setDataFormat(DataFormat.PAYLOAD);
        return soap;
    }

    /** A plain JAX-RS service on the same listener, e.g. the operators' API under /operations. */
    void publish(String path, Object resource) {
        publishAt(base() + path, resource);
    }

    private void publishAt(String address, Object resource) {
        org.apache.cxf.jaxrs.JAXRSServerFactoryBean factory = new org.apache.cxf.jaxrs.JAXRSServerFactoryBean();
        factory.setBus(bus);
        factory.setAddress(address);
        factory.setServiceBean(resource);
        factory.create();
    }

    String base() {
        return "https://" + host + ":" + port;
    }

    private static TLSServerParameters tls(GatewayConfig config) throws Exception {
        return tls(config, true);
    }

    private static TLSServerParameters tls(GatewayConfig config, boolean clientCertificateRequired) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(KeyMaterial.loadPkcs12(config.path("gateway.tls.keystore"), config.secret("gateway.tls.keystore.password")),
                config.secret("gateway.tls.keystore.password"));
        KeyStore trustStore = KeyMaterial.loadPkcs12(config.path("gateway.truststore"), config.secret("gateway.truststore.password"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore);
        TLSServerParameters tls = new TLSServerParameters();
        tls.setKeyManagers(keys.getKeyManagers());
        tls.setTrustManagers(trust.getTrustManagers());
        tls.setIncludeProtocols(List.of("TLSv1.3", "TLSv1.2"));
        tls.setCipherSuites(STRONG_SUITES);
        ClientAuthentication clientAuth = new ClientAuthentication();
        clientAuth.setRequired(clientCertificateRequired);
        clientAuth.setWant(true);
        tls.setClientAuthentication(clientAuth);
        return tls;
    }

    @Override
    public void close() {
        bus.shutdown(true);
        UndertowHTTPServerEngineFactory.destroyForPort(port);
        if (consolePort > 0) {
            UndertowHTTPServerEngineFactory.destroyForPort(consolePort);
        }
    }
}
