package se.assistansbryggan.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.client.OperatorClient;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.policy.WorkingDays;
import se.assistansbryggan.transform.FamilyGoldenTest;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 004: Stockholm's trygghetsjour hands an acute decision over to a stadsdelsnämnd of the same
 * kommun; the unit must confirm it took it over by the next working day at 10:00 or before the
 * decision ends, or the handover escalates on the unit's escalation queue; a handover to another
 * kommun is refused. Seed 000: FK answers a kommun's transfer with the day its assistansersättning
 * starts; a transfer left unanswered escalates to FK. Over HTTPS with mutual TLS, clocks in the
 * broker across a restart.
 */
class HandoverAndTransferTest {
    static final String STOCKHOLM = "212000-0142";
    @TempDir
    Path dir;
    Map<String, String> settings;

    @BeforeEach
    void a_policy_whose_transfer_clock_is_two_seconds() throws Exception {
        Path policy = dir.resolve("policy.properties");
        Files.writeString(policy, Files.readString(Path.of("config/policy.properties"))
                .replace("DECISION_TRANSFER.follow-up=10 working days", "DECISION_TRANSFER.follow-up=PT2S"));
        settings = Map.of("gateway.policy", policy.toString());
    }

    @Test
    void an_acute_decision_not_taken_over_before_it_ends_escalates_to_the_unit_even_across_a_restart() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            // the decision ends in three seconds, long before the next working day at 10:00: its end is the deadline
            String id = handOver(harness, STOCKHOLM, "0180", Instant.now().plusSeconds(5));
            QueueReader.Received delivered = awaitOn(harness, "kommun.0180.sdn-farsta");
            assertEquals(id, delivered.messageId());
            assertTrue(delivered.rules().contains("handover-follow-up") && delivered.rules().contains("recipient-is-own-organisation"),
                    delivered.rules());
            assertEquals("9 § 2 LSS", delivered.legalBasis());
            assertTrue(operator(harness).followUps().body().contains(id), "operators see the open clock");
            harness.restart(settings);

            // to the kommun's escalation queue, which its on-call reads; the escalation names the unit that did not answer
            Document escalation = SecureXml.parse(awaitOn(harness, "kommun.0180.escalations").text()
                    .getBytes(StandardCharsets.UTF_8));
            Element root = escalation.getDocumentElement();
            assertEquals("Eskalering", root.getLocalName());
            assertEquals(id, Dom.text(root, "AvserMeddelande"));
            assertEquals("ACUTE_DECISION_HANDOVER", Dom.text(root, "Typ"));
            assertEquals("sdn-farsta", Dom.text(Dom.child(root, "Till"), "Enhet"));
            assertTrue(Dom.text(root, "Text").contains("akuta beslutet"), Dom.text(root, "Text"));
            SchemaGuard.validate(escalation);
            assertEquals(SharedGateway.GATEWAY_SIGNER, XmlSignatures.verify(escalation));
        }
    }

    @Test
    void a_handover_is_due_the_next_working_day_at_ten_and_the_units_confirmation_stops_it_across_a_restart() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            Instant sent = Instant.now();
            String id = handOver(harness, STOCKHOLM, "0180", sent.plusSeconds(7 * 24 * 3600));
            String open = operator(harness).followUps().body();
            Instant due = WorkingDays.nextAt(sent, LocalTime.of(10, 0));
            assertTrue(open.contains(id) && open.contains(String.valueOf(due.toEpochMilli())), "due " + due + ": " + open);
            harness.restart(settings);

            Receipt otherUnit = confirmHandover(harness, id, "sdn-sodermalm");
            assertEquals("ACCEPTED", otherUnit.status(), otherUnit.code());
            assertTrue(operator(harness).followUps().body().contains(id), "another unit's confirmation does not close Farsta's clock");
            drain(harness, "kommun.0180.trygghetsjour");
            Receipt confirmed = confirmHandover(harness, id, "sdn-farsta");
            assertEquals("ACCEPTED", confirmed.status(), confirmed.code());
            assertFalse(operator(harness).followUps().body().contains(id), "the confirmation closed the clock");
            QueueReader.Received back = awaitOn(harness, "kommun.0180.trygghetsjour");
            assertEquals("HANDOVER_CONFIRMATION", back.type());
            assertTrue(back.text().contains("Overtagande"), back.text());
            String trail = harness.auditTrail();
            assertTrue(trail.lines().anyMatch(l -> l.contains("\"event\":\"FOLLOW_UP_CLOSED\"") && l.contains(id)
                    && l.contains("\"by\":\"HANDOVER_CONFIRMATION\"") && l.contains("\"outcome\":\"OVERTAGEN\"")), trail);
        }
    }

    @Test
    void a_handover_is_from_a_unit_to_another_unit() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            Document fromNoUnit = handoverDocument(STOCKHOLM, "0180", Instant.now().plusSeconds(3600));
            Element fran = Dom.child(Dom.child(fromNoUnit.getDocumentElement(), "Meddelande"), "Fran");
            fran.removeChild(Dom.child(fran, "Enhet"));
            assertEquals("SENDER_NOT_ALLOWED", post(harness, fromNoUnit).code());
            Document toItself = handoverDocument(STOCKHOLM, "0180", Instant.now().plusSeconds(3600));
            Dom.child(Dom.child(Dom.child(toItself.getDocumentElement(), "Meddelande"), "Till"), "Enhet").setTextContent("trygghetsjour");
            assertEquals("RECIPIENT_NOT_ALLOWED", post(harness, toItself).code());
            assertEquals(0, harness.gateway().broker().totalMessages(), () -> "nothing stored: " + harness.gateway().broker().nonEmptyQueues());
        }
    }

    private static Receipt post(GatewayHarness harness, Document document) throws Exception {
        return Receipt.parse(harness.clientAs("kommun-0180").post(MessageSigner.sign(document, GatewayHarness.key("kommun-0180"))).body());
    }

    @Test
    void a_handover_to_another_kommun_is_refused_and_leaves_nothing() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            Document handover = handoverDocument("212000-1124", "1280", Instant.now().plusSeconds(3600)); // Malmö, which has an LSS unit
            Dom.child(Dom.child(Dom.child(handover.getDocumentElement(), "Meddelande"), "Till"), "Enhet").setTextContent("lss");
            Receipt refused = Receipt.parse(harness.clientAs("kommun-0180").post(MessageSigner.sign(handover,
                    GatewayHarness.key("kommun-0180"))).body());
            assertEquals("REFUSED", refused.status());
            assertEquals("RECIPIENT_NOT_ALLOWED", refused.code());
            assertEquals(0, harness.gateway().broker().totalMessages(), () -> "nothing stored: " + harness.gateway().broker().nonEmptyQueues());
        }
    }

    @Test
    void a_transfer_left_unanswered_escalates_to_fk_and_fks_answer_tells_the_kommun_when_it_took_over() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            String unanswered = transfer(harness);
            Document escalation = SecureXml.parse(awaitOn(harness, "fk.escalations").text().getBytes(StandardCharsets.UTF_8));
            assertEquals("Eskalering", escalation.getDocumentElement().getLocalName());
            assertEquals(SchemaFamily.FK.namespace(), escalation.getDocumentElement().getNamespaceURI());
            assertEquals(unanswered, Dom.text(escalation.getDocumentElement(), "AvserMeddelande"));
            assertEquals("uppgiftsskyldighet enligt förslag i SOU 2023:9", Dom.text(escalation.getDocumentElement(), "Rattsliggrund"));
            SchemaGuard.validate(escalation);
            assertEquals(SharedGateway.GATEWAY_SIGNER, XmlSignatures.verify(escalation));

            Path quick = dir.resolve("policy-answered.properties");
            Files.writeString(quick, Files.readString(Path.of(settings.get("gateway.policy"))).replace("DECISION_TRANSFER.follow-up=PT2S",
                    "DECISION_TRANSFER.follow-up=PT15S"));
            harness.restart(Map.of("gateway.policy", quick.toString()));
            long sent = System.currentTimeMillis();
            String answered = transfer(harness);
            harness.restart(Map.of("gateway.policy", quick.toString()));
            Document answer = FamilyGoldenTest.golden(MessageType.TRANSFER_TAKEN_OVER, SchemaFamily.FK);
            MessageSigner.stampFresh(answer);
            Dom.child(Dom.child(answer.getDocumentElement(), "Huvud"), "ReferensMeddelandeId").setTextContent(answered);
            Receipt taken = Receipt.parse(harness.clientAs("fk").post(MessageSigner.sign(answer, GatewayHarness.key("fk"))).body());
            assertEquals("ACCEPTED", taken.status(), taken.code());
            QueueReader.Received toMalmo = awaitOn(harness, "kommun.1280");
            assertEquals("TRANSFER_TAKEN_OVER", toMalmo.type());
            Element besked = Dom.child(SecureXml.parse(toMalmo.text().getBytes(StandardCharsets.UTF_8)).getDocumentElement(), "Besked");
            assertEquals("2026-12-01", Dom.text(besked, "AssistansersattningFran"), "the kommun learns the day FK took over");
            assertFalse(operator(harness).followUps().body().contains(answered), "the answer closed the transfer's clock");
            Thread.sleep(Math.max(0, sent + 16_000 - System.currentTimeMillis())); // past the transfer's deadline: a stopped clock does not fire
            try (QueueReader reader = harness.reader()) {
                assertEquals(Optional.empty(), reader.receive("fk.escalations", 500));
            }
        }
    }

    private static String handOver(GatewayHarness harness, String orgnr, String kod, Instant ends) throws Exception {
        Document handover = handoverDocument(orgnr, kod, ends);
        Receipt receipt = Receipt.parse(harness.clientAs("kommun-0180").post(MessageSigner.sign(handover,
                GatewayHarness.key("kommun-0180"))).body());
        assertEquals("ACCEPTED", receipt.status(), receipt.code());
        return receipt.messageId();
    }

    /** The golden handover from Stockholm's trygghetsjour, to the kommun given (Farsta's unit in the golden file). */
    private static Document handoverDocument(String orgnr, String kod, Instant ends) throws Exception {
        Document handover = FamilyGoldenTest.golden(MessageType.ACUTE_DECISION_HANDOVER, SchemaFamily.KOMMUN);
        MessageSigner.stampFresh(handover);
        Element till = Dom.child(Dom.child(handover.getDocumentElement(), "Meddelande"), "Till");
        Dom.child(till, "Organisationsnummer").setTextContent(orgnr);
        Dom.child(till, "Kommunkod").setTextContent(kod);
        Element beslut = Dom.child(handover.getDocumentElement(), "AkutBeslut");
        Dom.child(beslut, "Beslutad").setTextContent(Instant.now().minusSeconds(600).toString());
        Dom.child(beslut, "GallerTill").setTextContent(ends.toString());
        return handover;
    }

    private static Receipt confirmHandover(GatewayHarness harness, String handoverId, String fromUnit) throws Exception {
        Document confirmation = FamilyGoldenTest.golden(MessageType.HANDOVER_CONFIRMATION, SchemaFamily.KOMMUN);
        MessageSigner.stampFresh(confirmation);
        Element meddelande = Dom.child(confirmation.getDocumentElement(), "Meddelande");
        Dom.child(meddelande, "Referens").setTextContent(handoverId);
        Dom.child(Dom.child(meddelande, "Fran"), "Enhet").setTextContent(fromUnit);
        return Receipt.parse(harness.clientAs("kommun-0180").post(MessageSigner.sign(confirmation, GatewayHarness.key("kommun-0180"))).body());
    }

    private static String transfer(GatewayHarness harness) throws Exception {
        Document transfer = FamilyGoldenTest.golden(MessageType.DECISION_TRANSFER, SchemaFamily.KOMMUN);
        MessageSigner.stampFresh(transfer);
        Receipt receipt = Receipt.parse(harness.clientAs("kommun-1280").post(MessageSigner.sign(transfer,
                GatewayHarness.key("kommun-1280"))).body());
        assertEquals("ACCEPTED", receipt.status(), receipt.code());
        return receipt.messageId();
    }

    private static void drain(GatewayHarness harness, String queue) throws Exception {
        try (QueueReader reader = harness.reader()) {
            while (reader.receive(queue, 500).isPresent()) {
                // what came before
            }
        }
    }

    private static OperatorClient operator(GatewayHarness harness) {
        return new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("operator.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
    }

    private static QueueReader.Received awaitOn(GatewayHarness harness, String queue) throws Exception {
        try (QueueReader reader = harness.reader()) {
            return reader.receive(queue, 15_000).orElseThrow(() -> new AssertionError("nothing on " + queue));
        }
    }
}
