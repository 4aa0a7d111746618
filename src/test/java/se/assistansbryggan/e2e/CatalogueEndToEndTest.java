package se.assistansbryggan.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.client.QueueReader.Received;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.policy.PolicyRules;
import se.assistansbryggan.transform.FamilyGoldenTest;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every catalogue type end to end over HTTPS with mutual TLS: the sender's golden file, signed
 * with its sample key, reaches exactly the recipients the policy names, each in its own schema
 * family, signed by the gateway, carrying only the fields its allow-list permits.
 */
class CatalogueEndToEndTest extends SharedGateway {
    private static final PolicyRules POLICY = PolicyRules.load(Path.of("config/policy.properties"));

    static Stream<Arguments> catalogue() {
        return Stream.of(
                Arguments.of(MessageType.DECISION_NOTICE, "fk", List.of("kommun.0180.lss")),
                Arguments.of(MessageType.WITHDRAWAL_NOTICE, "fk", List.of("kommun.1480")),
                Arguments.of(MessageType.PLANNED_WITHDRAWAL, "fk", List.of("kommun.1280.lss")), // Malmö declared its LSS unit for it
                Arguments.of(MessageType.PAYMENT_RECIPIENT_NOTICE, "fk", List.of("kommun.0180")),
                Arguments.of(MessageType.ENTITLEMENT_REFERRAL, "kommun-0180", List.of("fk")),
                Arguments.of(MessageType.DECISION_TRANSFER, "kommun-1280", List.of("fk")),
                Arguments.of(MessageType.QUALITY_REPORT, "kommun-1480", List.of("ivo", "fk")),
                Arguments.of(MessageType.PERMIT_REVOCATION, "ivo", List.of("fk", "kommun.0180", "kommun.1480")),
                Arguments.of(MessageType.UNLICENSED_PROVIDER_REPORT, "kommun-0180", List.of("ivo")),
                Arguments.of(MessageType.CONTACT_CONFIRMATION, "kommun-0180", List.of("fk")),
                Arguments.of(MessageType.ACUTE_DECISION_HANDOVER, "kommun-0180", List.of("kommun.0180.sdn-farsta")),
                Arguments.of(MessageType.HANDOVER_CONFIRMATION, "kommun-0180", List.of("kommun.0180.trygghetsjour")),
                Arguments.of(MessageType.TRANSFER_TAKEN_OVER, "fk", List.of("kommun.1280")),
                Arguments.of(MessageType.PROVIDER_REFERRAL, "anordnare-prov", List.of("kommun.0180")),
                Arguments.of(MessageType.REVOCATION_FOLLOW_UP, "kommun-0180", List.of("ivo", "fk")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void reaches_exactly_its_recipients_in_their_family_with_only_allowed_fields(MessageType type, String sender,
            List<String> queues) throws Exception {
        String messageId = accepted(type, sender);
        for (String queue : queues) {
            Received received = take(queue, messageId, type);
            Document delivered = SecureXml.parse(received.text().getBytes(StandardCharsets.UTF_8));
            SchemaFamily family = queue.startsWith("kommun.") ? SchemaFamily.KOMMUN : SchemaFamily.FK;
            Element root = delivered.getDocumentElement();
            assertEquals(family.namespace(), root.getNamespaceURI(), queue);
            assertEquals(type.root(family), root.getLocalName(), queue);
            SchemaGuard.validate(delivered);
            assertEquals(GATEWAY_SIGNER, XmlSignatures.verify(delivered));
            Element leverans = Dom.child(root, "Leverans");
            assertEquals(POLICY.of(type).legalBasis(), Dom.children(leverans, "Rattsliggrund").stream().map(Node::getTextContent).toList());
            assertTrue(received.rules().contains("allow-list"), received.rules());
            assertEquals(POLICY.of(type).highPriority() ? 9 : 4, received.priority());
            assertOnlyAllowedFields(root, family, POLICY.of(type).deliver().get(kindOf(queue)));
        }
        assertNothingElseFor(messageId, queues);
    }

    /** The allow-lists are not vacuous: a field each list leaves out was in the input and is not delivered. */
    @Test
    void fields_outside_the_allow_list_are_in_the_input_and_never_delivered() throws Exception {
        record Outside(MessageType type, String sender, String queue, String path) {}
        List<Outside> cases = List.of(
                new Outside(MessageType.ENTITLEMENT_REFERRAL, "kommun-0180", "fk", "Anmalan/Beskrivning"),
                new Outside(MessageType.QUALITY_REPORT, "kommun-1480", "fk", "Kvalitetsbrist/Beskrivning"),
                new Outside(MessageType.PAYMENT_RECIPIENT_NOTICE, "fk", "kommun.0180", "Enskild/Adress"),
                new Outside(MessageType.CONTACT_CONFIRMATION, "kommun-0180", "fk", "Kontakt/Anteckning"));
        for (Outside c : cases) {
            String messageId = accepted(c.type(), c.sender());
            Map<String, Document> byQueue = new HashMap<>();
            for (String queue : c.type() == MessageType.QUALITY_REPORT ? List.of("ivo", "fk") : List.of(c.queue())) {
                byQueue.put(queue, SecureXml.parse(take(queue, messageId, c.type()).text().getBytes(StandardCharsets.UTF_8)));
            }
            Element root = byQueue.get(c.queue()).getDocumentElement();
            assertNull(PolicyRows.find(root, c.path()), c.type() + " delivered " + c.path());
            assertTrue(Dom.children(Dom.child(root, "Leverans"), "UtelamnadUppgift").stream()
                    .anyMatch(e -> e.getTextContent().equals(c.path())), c.type() + " does not list " + c.path() + " as withheld");
        }
        // the same field reaches a recipient whose list has it: IVO gets the quality report's description
        String messageId = accepted(MessageType.QUALITY_REPORT, "kommun-1480");
        Element ivo = SecureXml.parse(take("ivo", messageId, MessageType.QUALITY_REPORT).text().getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        take("fk", messageId, MessageType.QUALITY_REPORT);
        assertTrue(PolicyRows.find(ivo, "Kvalitetsbrist/Beskrivning") != null);
    }

    /** Skyddad identitet: no address or telephone whatever the allow-list says, and the delivery is marked. */
    @Test
    void a_protected_identity_never_delivers_address_or_contact_and_is_marked() throws Exception {
        String messageId = accepted(MessageType.WITHDRAWAL_NOTICE, "fk");
        Received received = take("kommun.1480", messageId, MessageType.WITHDRAWAL_NOTICE);
        Element root = SecureXml.parse(received.text().getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        assertNull(PolicyRows.find(root, "Enskild/Adress"));
        assertNull(PolicyRows.find(root, "Enskild/Telefon"));
        assertEquals("true", Dom.text(Dom.child(root, "Leverans"), "SkyddadIdentitet"));
        assertTrue(received.rules().contains("protected-identity"));
        assertFalse(received.text().contains("Provvägen"));
    }

    /** Received, transformed and delivered per recipient, accepted: in order, chained, the person only as a keyed hash. */
    @Test
    void every_step_of_a_fan_out_is_in_the_audit_trail_in_order() throws Exception {
        String messageId = accepted(MessageType.QUALITY_REPORT, "kommun-1480");
        take("ivo", messageId, MessageType.QUALITY_REPORT);
        take("fk", messageId, MessageType.QUALITY_REPORT);
        Path trail = data.resolve("data/audit/trail.jsonl");
        harness.gateway().awaitAudit(java.time.Duration.ofSeconds(20));
        List<String> events = java.nio.file.Files.readAllLines(trail).stream().filter(l -> l.contains(messageId))
                .map(l -> l.replaceAll(".*\"event\":\"([A-Z_]+)\".*", "$1")).toList();
        assertEquals(List.of("RECEIVED", "TRANSFORMED", "DELIVERED", "TRANSFORMED", "DELIVERED", "ACCEPTED"), events);
        String text = java.nio.file.Files.readString(trail);
        assertTrue(text.contains("Kvalitetsbrist\\/Beskrivning"), "FK's copy lists what it withheld (JSON escapes the slash)");
        assertFalse(text.contains("196208057817") || text.contains("19620805-7817"), "no personal number in clear");
        assertEquals(java.util.Optional.empty(), se.assistansbryggan.audit.AuditTrail.verify(trail,
                "sample-audit-secret-NOT-FOR-PRODUCTION".getBytes(StandardCharsets.UTF_8)));
    }

    private static String accepted(MessageType type, String sender) throws Exception {
        Document document = FamilyGoldenTest.golden(type, senderFamily(sender));
        MessageSigner.stampFresh(document);
        byte[] signed = MessageSigner.sign(document, GatewayHarness.key(sender));
        Receipt receipt = Receipt.parse(harness.clientAs(sender).post(signed).body());
        assertEquals("ACCEPTED", receipt.status(), type + ": " + receipt.code());
        assertEquals(GATEWAY_SIGNER, XmlSignatures.verify(receipt.document()));
        return receipt.messageId();
    }

    private static Received take(String queue, String messageId, MessageType type) throws Exception {
        try (var reader = harness.reader()) {
            Received received = reader.receive(queue, 5000).orElseThrow(() -> new AssertionError(type + ": nothing on " + queue));
            assertEquals(messageId, received.messageId(), queue);
            assertEquals(type.name(), received.type());
            return received;
        }
    }

    private static void assertNothingElseFor(String messageId, List<String> queues) throws Exception {
        try (var reader = harness.reader()) {
            for (Party party : harness.gateway().directory().all()) {
                for (String queue : party.queues()) {
                    if (!queue.endsWith(".escalations")) {
                        reader.receive(queue, 1).ifPresent(extra -> {
                            throw new AssertionError(queue + " got " + extra.messageId() + "; expected only " + queues);
                        });
                    }
                }
            }
        }
    }

    /** Every element below the root, outside the envelope and the gateway's Leverans, is on the allow-list or on the way to it. */
    private static void assertOnlyAllowedFields(Element root, SchemaFamily family, List<String> allowed) {
        for (String path : paths(root, family)) {
            boolean ok = allowed.stream().anyMatch(a -> path.equals(a) || path.startsWith(a + "/") || a.startsWith(path + "/"));
            assertTrue(ok, path + " is not on the allow-list " + allowed);
        }
    }

    private static List<String> paths(Element root, SchemaFamily family) {
        List<String> paths = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && family.namespace().equals(e.getNamespaceURI())
                    && !e.getLocalName().equals(family.envelope()) && !e.getLocalName().equals("Leverans")) {
                collect(e, e.getLocalName(), paths);
            }
        }
        return paths;
    }

    private static void collect(Element element, String path, List<String> paths) {
        paths.add(path);
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                collect(e, path + "/" + e.getLocalName(), paths);
            }
        }
    }

    private static SchemaFamily senderFamily(String sender) {
        return harness.gateway().directory().byId(sender).orElseThrow().family();
    }

    private static Party.Kind kindOf(String queue) {
        return queue.startsWith("kommun.") ? Party.Kind.KOMMUN : Party.Kind.valueOf(queue.toUpperCase(java.util.Locale.ROOT));
    }
}
