package se.assistansbryggan.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.w3c.dom.Document;
import se.assistansbryggan.app.Gateway;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;

/**
 * Realistic traffic: catalogue types in proportion, each from its sender's golden file
 * (src/test/resources/golden), signed ahead of time with the sender's sample key, posted with the
 * sender's own client certificate; and the check that every accepted message is on its queue once.
 */
final class Traffic {
    /**
     * One presigned message and who sends it. Its signed bytes are kept outside the Java heap: the
     * generator's tens of thousands of presigned messages (some 140 MB) in the heap the gateway
     * shares would count as the gateway's live set and push the collector into marking cycles
     * that are the generator's doing. Each send takes a copy, as a client reading a file would.
     */
    record Message(String sender, java.nio.ByteBuffer stored) {

        /** The signed message, a fresh copy for one send. */
        byte[] body() {
            byte[] body = new byte[stored.remaining()];
            stored.duplicate().get(body);
            return body;
        }

        int length() {
            return stored.remaining();
        }
    }

    /** Of every ten messages: six withdrawal notices, two decision notices, a referral, a payment notice. */
    static final List<Kind> MIX = List.of(
            new Kind(MessageType.WITHDRAWAL_NOTICE, "fk"), new Kind(MessageType.WITHDRAWAL_NOTICE, "fk"),
            new Kind(MessageType.WITHDRAWAL_NOTICE, "fk"), new Kind(MessageType.WITHDRAWAL_NOTICE, "fk"),
            new Kind(MessageType.WITHDRAWAL_NOTICE, "fk"), new Kind(MessageType.WITHDRAWAL_NOTICE, "fk"),
            new Kind(MessageType.DECISION_NOTICE, "fk"), new Kind(MessageType.DECISION_NOTICE, "fk"),
            new Kind(MessageType.ENTITLEMENT_REFERRAL, "kommun-0180"), new Kind(MessageType.PAYMENT_RECIPIENT_NOTICE, "fk"));

    /** Every queue the mix (and the 2026 transfer) delivers to. */
    static final List<String> QUEUES = List.of("kommun.1480", "kommun.0180.lss", "kommun.0180", "fk");

    record Kind(MessageType type, String sender) {}

    private Traffic() {}

    static List<Message> presign(int count, List<Kind> mix) throws Exception {
        Map<String, KeyMaterial> keys = new ConcurrentHashMap<>();
        List<Message> signed = Collections.synchronizedList(new ArrayList<>());
        Slabs slabs = new Slabs();
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < count; i++) {
            Kind kind = mix.get(i % mix.size());
            pool.submit(() -> {
                Document document = golden(kind);
                MessageSigner.stampFresh(document);
                KeyMaterial key = keys.computeIfAbsent(kind.sender(),
                        s -> KeyMaterial.fromPkcs12(Benchmark.CERTS.resolve(s + ".p12"), Benchmark.PASSWORD));
                signed.add(new Message(kind.sender(), slabs.copy(MessageSigner.sign(document, key))));
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        // a signing task that failed (out of direct memory, say) left no message and no trace but the count
        if (signed.size() != count) {
            throw new IllegalStateException("presigned " + signed.size() + " of " + count + " messages");
        }
        List<Message> messages = new ArrayList<>(signed);
        Collections.shuffle(messages, new java.util.Random(7));
        return messages;
    }

    /**
     * Direct memory for one list of presigned messages, handed out in slabs of 8 MB. A buffer of its
     * own per message made the JVM free 100,000 of them one by one after the warm-up's list was
     * dropped: in the measured closed loop, on the JVM's reference handler thread, billed to the
     * gateway (1 % of the machine's samples in a profile).
     */
    private static final class Slabs {
        private static final int SIZE = 8 << 20;
        private java.nio.ByteBuffer current = java.nio.ByteBuffer.allocateDirect(0);

        synchronized java.nio.ByteBuffer copy(byte[] body) {
            if (current.remaining() < body.length) {
                current = java.nio.ByteBuffer.allocateDirect(Math.max(SIZE, body.length));
            }
            java.nio.ByteBuffer stored = current.slice(current.position(), body.length).asReadOnlyBuffer();
            current.put(body);
            return stored;
        }
    }

    /**
     * The HTTP clients' asynchronous work (the open loop's answers) on threads that live as long as
     * the run: the client's own pool ends idle threads, and a thread that ends in a phase takes its
     * CPU out of the per-thread count, where it was billed to the gateway ("the rest").
     */
    private static final ExecutorService HTTP_WORK = Executors.newFixedThreadPool(16, new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, "bench-http-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    /** A client per sender, each with the sender's own TLS client certificate. */
    static Map<String, GatewayClient> clients(Gateway gateway, Set<String> senders) {
        Map<String, GatewayClient> clients = new LinkedHashMap<>();
        for (String sender : senders) {
            clients.put(sender, new GatewayClient(gateway.baseUrl(), Benchmark.CERTS.resolve(sender + ".p12"),
                    Benchmark.CERTS.resolve("truststore.p12"), Benchmark.PASSWORD, HTTP_WORK));
        }
        return clients;
    }

    /** SOU 2023:9: every kommun hands its decisions to FK during 2026; here 5,000 at once, time until all are accepted. */
    static Map<String, Object> transfer(Map<String, GatewayClient> clients, List<Traffic.Message> transfers,
            Set<String> accepted) throws Exception {
        System.out.println("the 2026 transfer: " + transfers.size() + " DECISION_TRANSFER from " + Benchmark.SENDERS + " senders …");
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long start = System.nanoTime();
        Benchmark.startSenders(Benchmark.SENDERS, () -> {
            for (int i = next.getAndIncrement(); i < transfers.size(); i = next.getAndIncrement()) {
                Benchmark.record(Benchmark.post(clients, transfers.get(i)), accepted, ok, refused);
            }
        }).awaitTermination(5, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("messages", transfers.size());
        result.put("accepted", ok.get());
        result.put("seconds", Benchmark.round(seconds));
        result.put("acceptedPerSecond", Benchmark.round(ok.get() / seconds));
        result.put("targetSeconds", 30);
        return result;
    }

    /**
     * A sender that got no answer sends the same message again and must get its original receipt:
     * the gateway looks it up among every receipt it keeps (all of this run's, most paged to disk
     * by now). Sends some of the earliest accepted messages again, one at a time, and times the answers.
     */
    static Map<String, Object> resends(Map<String, GatewayClient> clients, List<Message> sent, int count) throws Exception {
        System.out.println("resending " + count + " accepted messages …");
        org.HdrHistogram.Histogram times = new org.HdrHistogram.Histogram(3);
        int original = 0;
        for (Message message : sent.subList(0, count)) {
            long t0 = System.nanoTime();
            String answer = Benchmark.post(clients, message);
            times.recordValue(System.nanoTime() - t0);
            if (answer.contains("<Status>ACCEPTED</Status>")) {
                original++;
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("resent", count);
        result.put("originalReceiptReturned", original);
        result.put("p50ms", Benchmark.round(times.getValueAtPercentile(50) / 1e6));
        result.put("maxMs", Benchmark.round(times.getMaxValue() / 1e6));
        return result;
    }

    /**
     * IVO revokes permits of providers active in every kommun: each PERMIT_REVOCATION names all 290
     * kommuner, so it is delivered to FK and 290 queues in one transaction, each copy signed and
     * minimised. Sent one at a time; the time until each receipt.
     */
    static Map<String, Object> fanOutToEveryKommun(Gateway gateway, int count) throws Exception {
        System.out.println(count + " PERMIT_REVOCATION naming all 290 kommuner …");
        KeyMaterial ivo = KeyMaterial.fromPkcs12(Benchmark.CERTS.resolve("ivo.p12"), Benchmark.PASSWORD);
        List<se.assistansbryggan.message.Party> kommuner = gateway.directory().ofKind(se.assistansbryggan.message.Party.Kind.KOMMUN);
        List<byte[]> signed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Document revocation = golden(new Kind(MessageType.PERMIT_REVOCATION, "ivo"));
            MessageSigner.stampFresh(revocation);
            org.w3c.dom.Element decision = se.assistansbryggan.message.Dom.child(revocation.getDocumentElement(), "Tillstandsbeslut");
            se.assistansbryggan.message.Dom.children(decision, "BerordKommun").forEach(decision::removeChild);
            for (se.assistansbryggan.message.Party kommun : kommuner) {
                org.w3c.dom.Element affected = revocation.createElementNS(decision.getNamespaceURI(), decision.getPrefix() + ":BerordKommun");
                affected.setTextContent(kommun.kommunkod());
                decision.appendChild(affected);
            }
            signed.add(MessageSigner.sign(revocation, ivo));
        }
        GatewayClient client = clients(gateway, Set.of("ivo")).get("ivo");
        org.HdrHistogram.Histogram times = new org.HdrHistogram.Histogram(3);
        int accepted = 0;
        List<String> ids = new ArrayList<>();
        for (byte[] revocation : signed) {
            ids.add(MessageSigner.messageId(SecureXml.parse(revocation)));
            long t0 = System.nanoTime();
            String answer = client.post(revocation).body();
            times.recordValue(System.nanoTime() - t0);
            if (answer.contains("<Status>ACCEPTED</Status>")) {
                accepted++;
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("messages", count);
        result.put("accepted", accepted);
        result.put("recipientsEach", kommuner.size() + 1);
        result.put("p50ms", Benchmark.round(times.getValueAtPercentile(50) / 1e6));
        result.put("maxMs", Benchmark.round(times.getMaxValue() / 1e6));
        result.put("ids", ids);
        return result;
    }

    private static Document golden(Kind kind) throws java.io.IOException {
        SchemaFamily family = kind.sender().startsWith("kommun") ? SchemaFamily.KOMMUN : SchemaFamily.FK;
        String name = kind.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "."
                + family.name().toLowerCase(java.util.Locale.ROOT) + ".xml";
        try (var in = Traffic.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new java.io.IOException("no golden file " + name);
            }
            return SecureXml.parse(in.readAllBytes());
        }
    }

    static Path results() throws java.io.IOException {
        return java.nio.file.Files.createDirectories(Path.of("bench/results"));
    }
}
