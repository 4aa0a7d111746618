package se.assistansbryggan.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.app.Gateway;
import se.assistansbryggan.app.GatewayConfig;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.SecureXml;

/**
 * Starts the real gateway (embedded broker with its journal, HTTPS with mutual TLS on a free
 * port, routes from routes/) with the committed sample PKI, and plays the parties around it.
 */
final class GatewayHarness implements AutoCloseable {
    static final Path CERTS = Path.of("certs-sample");
    static final char[] PASSWORD = "changeit".toCharArray();

    private final Path dataDir;
    private final int port;
    private Gateway gateway;

    GatewayHarness(Path dataDir) {
        this.dataDir = dataDir;
        this.port = freePort();
    }

    GatewayHarness start() throws Exception {
        return start(Map.of());
    }

    /** Starts with some settings changed from config/application.properties. */
    GatewayHarness start(Map<String, String> settings) throws Exception {
        Map<String, String> overrides = new java.util.HashMap<>(settings);
        overrides.put("gateway.https.port", Integer.toString(port));
        overrides.put("gateway.data.dir", dataDir.toString());
        overrides.putIfAbsent("gateway.broker.acceptor", "");
        overrides.putIfAbsent("gateway.broker.certificate-acceptor", "");
        overrides.putIfAbsent("gateway.operations.health-port", "0");
        overrides.putIfAbsent("gateway.operations.console-port", "0");
        GatewayConfig config = GatewayConfig.load(Path.of("config/application.properties"), overrides);
        gateway = new Gateway(config, Clock.systemUTC()).start();
        return this;
    }

    /** Stops and starts the gateway on the same data directory and port. */
    void restart() throws Exception {
        restart(Map.of());
    }

    void restart(Map<String, String> settings) throws Exception {
        gateway.close();
        start(settings);
    }

    Gateway gateway() {
        return gateway;
    }

    /** The audit trail's file. */
    Path auditFile() {
        return dataDir.resolve("audit/trail.jsonl");
    }

    /** The audit trail once every event committed so far is written (the writer takes them from the broker). */
    String auditTrail() throws Exception {
        gateway.awaitAudit(java.time.Duration.ofSeconds(20));
        return java.nio.file.Files.readString(auditFile());
    }

    /** A client presenting the given party's TLS client certificate. */
    GatewayClient clientAs(String party) {
        return new GatewayClient(gateway.baseUrl(), CERTS.resolve(party + ".p12"), CERTS.resolve("truststore.p12"), PASSWORD);
    }

    /** A client presenting the TLS client certificate in any keystore (password changeit). */
    GatewayClient clientWith(Path keystore) {
        return new GatewayClient(gateway.baseUrl(), keystore, CERTS.resolve("truststore.p12"), PASSWORD);
    }

    /**
     * Waits until the receipt mover has taken every kept receipt to its bucket (it does so every
     * half second): a test that counts receipts counts each once, on the queue its id belongs to.
     */
    void awaitReceiptsMoved() throws InterruptedException {
        var broker = gateway().broker();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
        while (broker.depth(se.assistansbryggan.delivery.Handoff.RECENT_RECEIPTS) > 0 && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        org.junit.jupiter.api.Assertions.assertEquals(0, broker.depth(se.assistansbryggan.delivery.Handoff.RECENT_RECEIPTS),
                "the receipt mover left receipts on the recent queue");
        // deleted there after its copy was stored: give the copies' queue a moment to show them
        Thread.sleep(100);
    }

    QueueReader reader() throws Exception {
        return new QueueReader(gateway.broker().inVmUrl(), gateway.broker().internalUser(), gateway.broker().internalPassword());
    }

    static KeyMaterial key(String party) {
        return KeyMaterial.fromPkcs12(CERTS.resolve(party + ".p12"), PASSWORD);
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = GatewayHarness.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IOException("no fixture " + name);
            }
            return in.readAllBytes();
        }
    }

    /** The fixture with a fresh id and creation time, signed by the party's key. */
    static byte[] signedFixture(String name, String signer) throws IOException {
        Document document = freshFixture(name);
        return MessageSigner.sign(document, key(signer));
    }

    /** The fixture with a fresh id, edited, then signed with the key in the given keystore. */
    static byte[] signedEdited(String name, KeyMaterial signer, java.util.function.Consumer<Element> edit) throws IOException {
        Document document = freshFixture(name);
        edit.accept(document.getDocumentElement());
        return MessageSigner.sign(document, signer);
    }

    /** The element at a path of local names below the root, e.g. "Huvud", "Mottagare", "Kommunkod". */
    static Element at(Element root, String... path) {
        Element e = root;
        for (String step : path) {
            e = Dom.child(e, step);
        }
        return e;
    }

    static Document freshFixture(String name) throws IOException {
        Document document = SecureXml.parse(fixture(name));
        MessageSigner.stampFresh(document);
        return document;
    }

    static String messageIdOf(byte[] document) {
        return MessageSigner.messageId(SecureXml.parse(document));
    }

    /** A receipt read back: its status, code and message id. */
    record Receipt(String receiptId, String status, String code, String messageId, Document document) {
        static Receipt parse(String xml) {
            Document document = SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
            Element root = document.getDocumentElement();
            return new Receipt(Dom.text(root, "KvittensId"), Dom.text(root, "Status"), Dom.textOrNull(root, "Kod"), Dom.textOrNull(root, "MeddelandeId"),
                    document);
        }
    }

    @Override
    public void close() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
