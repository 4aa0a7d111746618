package se.assistansbryggan.e2e;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.params.provider.Arguments;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.e2e.LexicalForms.Form;
import se.assistansbryggan.e2e.LexicalForms.Text;
import se.assistansbryggan.e2e.PolicyRows.Edit;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SchemaValues;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.transform.FamilyGoldenTest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Rules read the schema's values, not the text: every message of the policy tables and of the
 * catalogue, written in another lexical form the schemas allow for the same values (see
 * {@link LexicalForms}), gets the same receipt code, the same rule ids and the same delivered
 * values as the form the gateway's own fixtures use. Covers every rule of config/policy.properties:
 * each refusing rule (PolicyRefusalsTableTest), each delivering rule (PolicyDeliveriesTableTest)
 * and every type's block (CatalogueEndToEndTest), over HTTPS with mutual TLS.
 */
class LexicalFormsPropertyTest {
    private static final List<String> QUEUES = List.of("kommun.0180", "kommun.0180.lss", "kommun.1480", "kommun.1280", "fk", "ivo");
    /** Elements that differ between any two sends: ids, times, the digest of what was signed. */
    private static final Set<String> PER_SEND = Set.of("MeddelandeId", "Id", "Skapad", "Levererad", "Sammandrag");
    private static final Map<String, Outcome> ORIGINALS = new ConcurrentHashMap<>();
    private static GatewayHarness harness;
    private static Path data;

    /** One message of the tables: who sends which golden file, edited how. */
    record Case(String name, MessageType type, String sender, SchemaFamily family, Edit edit) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What came of a send: the receipt's status and code, and per queue the rules and typed values delivered. */
    record Outcome(String status, String code, Map<String, List<String>> delivered) {}

    @BeforeContainer
    static void startGateway() throws Exception {
        data = Files.createTempDirectory("lexical-forms");
        harness = new GatewayHarness(data.resolve("data")).start();
    }

    @AfterContainer
    static void stopGateway() throws Exception {
        harness.close();
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Two forms that between them use every freedom at once, for every case: no rule can be missed by chance. */
    @Example
    void every_case_written_with_every_freedom_decides_the_same() {
        List<Form> forms = List.of(new Form(true, true, "", Text.CDATA, true, 330, true),
                new Form(true, false, "ns0", Text.CHARACTER_REFERENCES, false, -720, true));
        for (Case message : allCases()) {
            Outcome original = ORIGINALS.computeIfAbsent(message.name(), n -> send(message, null));
            for (Form form : forms) {
                assertEquals(original, send(message, form), message + " written as " + form);
            }
        }
    }

    @Property(tries = 30, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void another_lexical_form_of_the_same_values_decides_the_same(@ForAll("cases") Case message, @ForAll("forms") Form form)
            throws Exception {
        Outcome original = ORIGINALS.computeIfAbsent(message.name(), n -> send(message, null));
        Outcome variant = send(message, form);
        assertEquals(original, variant, message + " written as " + form);
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.of(allCases());
    }

    @Provide
    Arbitrary<Form> forms() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of("fk", "k", "ns0", "Meddelande", ""), Arbitraries.of(Text.class), Arbitraries.of(true, false),
                Arbitraries.of(Form.SAME_ZONE, 0, 60, 120, -300, 330, 840, -720), Arbitraries.of(true, false))
                .as(Form::new);
    }

    static List<Case> allCases() {
        List<Case> cases = new ArrayList<>();
        PolicyRefusalsTableTest.rows().map(Arguments::get).forEach(a -> cases.add(new Case("refusal: " + a[0],
                (MessageType) a[1], (String) a[2], (SchemaFamily) a[3], (Edit) a[4])));
        PolicyDeliveriesTableTest.rows().map(Arguments::get).forEach(a -> {
            MessageType type = (MessageType) a[1];
            String sender = type == MessageType.PERMIT_REVOCATION ? "ivo" : "fk";
            cases.add(new Case("delivery: " + a[0], type, sender, SchemaFamily.FK, (Edit) a[2]));
        });
        CatalogueEndToEndTest.catalogue().map(Arguments::get).forEach(a -> {
            String sender = (String) a[1];
            cases.add(new Case("catalogue: " + a[0], (MessageType) a[0], sender,
                    sender.startsWith("kommun") ? SchemaFamily.KOMMUN : SchemaFamily.FK, PolicyRows.none()));
        });
        return cases;
    }

    /** Sends the case's message, in the fixtures' own form when {@code form} is null. */
    private static Outcome send(Case message, Form form) {
        try {
            Document document = FamilyGoldenTest.golden(message.type(), message.family());
            MessageSigner.stampFresh(document);
            message.edit().accept(document.getDocumentElement());
            byte[] body = form == null ? MessageSigner.sign(document, GatewayHarness.key(message.sender()))
                    : LexicalForms.signed(document, form, GatewayHarness.key(message.sender()));
            String messageId = MessageSigner.messageId(SecureXml.parse(body));
            Receipt receipt = Receipt.parse(harness.clientAs(message.sender()).post(body).body());
            return new Outcome(receipt.status(), receipt.code(), delivered(messageId));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, List<String>> delivered(String messageId) throws Exception {
        Map<String, List<String>> delivered = new LinkedHashMap<>();
        // the receipt comes once the transaction is stored and its messages are on their queues (the broker adds them
        // before it completes the commit), so each queue is read to its end without waiting for more: waiting 50 ms
        // on each empty queue in turn took most of this test's minute
        try (QueueReader reader = harness.reader()) {
            for (String queue : QUEUES) {
                for (var r = reader.receiveNow(queue); r.isPresent(); r = reader.receiveNow(queue)) {
                    if (messageId.equals(r.get().messageId())) {
                        List<String> values = new ArrayList<>(List.of("rules=" + r.get().rules(), "legal=" + r.get().legalBasis()));
                        values.addAll(typedValues(r.get().text()));
                        delivered.put(queue, values);
                    }
                }
            }
        }
        return delivered;
    }

    /** Every leaf of the delivered document as path=value in its type's value space (signature and per-send fields left out). */
    private static List<String> typedValues(String xml) {
        Document plain = SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
        Element root = plain.getDocumentElement();
        root.removeChild(Dom.elements(root).get(Dom.elements(root).size() - 1));
        Document typed = LexicalForms.typed(SecureXml.serialize(plain));
        List<String> values = new ArrayList<>();
        leaves(typed.getDocumentElement(), typed.getDocumentElement().getLocalName(), values);
        return values;
    }

    private static void leaves(Element element, String path, List<String> values) {
        List<Element> children = Dom.elements(element);
        if (children.isEmpty()) {
            if (!PER_SEND.contains(element.getLocalName())) {
                values.add(path + "=" + canonical(SchemaValues.value(element, path)));
            }
            return;
        }
        children.forEach(child -> leaves(child, path + "/" + child.getLocalName(), values));
    }

    private static String canonical(Object value) {
        if (value instanceof OffsetDateTime time) {
            return time.toInstant().toString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }
}
