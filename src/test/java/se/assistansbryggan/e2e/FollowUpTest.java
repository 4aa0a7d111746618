package se.assistansbryggan.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.client.OperatorClient;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 8 b § LSS (förslag): a withdrawal notice starts a clock; the kommun's acknowledgement stops it;
 * otherwise a signed Eskalering reaches the kommun's escalation queue. The clock lives in the
 * broker, so it survives a restart. (The policy's follow-up is two seconds here instead of three
 * working days.)
 */
class FollowUpTest {
    static final X509Certificate GATEWAY_SIGNER = GatewayHarness.key("gateway-sign").certificate();
    @TempDir
    Path dir;
    Map<String, String> settings;

    @BeforeEach
    void a_policy_with_a_short_follow_up() throws Exception {
        Path policy = dir.resolve("policy.properties");
        Files.writeString(policy, Files.readString(Path.of("config/policy.properties"))
                .replace("WITHDRAWAL_NOTICE.follow-up=3 working days", "WITHDRAWAL_NOTICE.follow-up=PT2S"));
        settings = Map.of("gateway.policy", policy.toString());
    }

    @Test
    void an_unconfirmed_notice_is_escalated_to_the_kommun_even_across_a_restart() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            String id = send(harness);
            OperatorClient operator = operator(harness);
            assertTrue(operator.followUps().body().contains(id), "operators see the open clock");
            harness.restart(settings);

            OperatorClient afterRestart = operator(harness);
            BrokerCrashTest.await(() -> {
                try {
                    return afterRestart.escalations().body().contains(id);
                } catch (Exception e) {
                    return false;
                }
            }); // operators see the escalation waiting for the kommun
            Document escalation = SecureXml.parse(awaitOn(harness, "kommun.0180.escalations").text().getBytes(StandardCharsets.UTF_8));
            assertEquals("Eskalering", escalation.getDocumentElement().getLocalName());
            assertEquals(id, Dom.text(escalation.getDocumentElement(), "AvserMeddelande"));
            SchemaGuard.validate(escalation);
            assertEquals(GATEWAY_SIGNER, XmlSignatures.verify(escalation));
            assertTrue(harness.auditTrail().contains("\"event\":\"ESCALATED\""));
        }
    }

    /** Receipt is not contact (förslag till 8 b § LSS): a pull acknowledgement leaves the clock running, and the escalation says the notice was received. */
    @Test
    void an_acknowledged_notice_is_still_escalated_as_received_but_not_acted_on() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            String id = send(harness);
            var stockholm = harness.clientAs("kommun-0180");
            assertEquals(200, stockholm.pullNext().status());
            assertEquals(200, stockholm.acknowledge(id).status());
            QueueReader.Received escalation = awaitOn(harness, "kommun.0180.escalations");
            Element root = SecureXml.parse(escalation.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)).getDocumentElement();
            assertEquals(id, Dom.text(root, "AvserMeddelande"));
            assertTrue(Dom.childOrNull(root, "MottagetAvKommunen") != null, "the escalation says the kommun received it");
            assertTrue(harness.auditTrail().contains("\"event\":\"ACKNOWLEDGED\""));
            assertFalse(harness.auditTrail().contains("\"event\":\"FOLLOW_UP_CLOSED\""));
        }
    }

    /** The confirmation says what came of it; "not reached" closes the clock too, and the trail keeps the outcome. */
    @Test
    void a_confirmation_that_the_person_was_not_reached_closes_the_clock_with_its_outcome() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            String id = send(harness);
            var stockholm = harness.clientAs("kommun-0180");
            assertEquals(200, stockholm.pullNext().status());
            assertEquals(200, stockholm.acknowledge(id).status());
            assertEquals("ACCEPTED", confirm(harness, id, "kommun-0180", "212000-0142", "0180", "EJ_NADD").status());
            assertFalse(operator(harness).followUps().body().contains(id), "the confirmation closed the clock");
            Thread.sleep(3000); // past the follow-up time: a stopped clock must not fire
            try (QueueReader reader = harness.reader()) {
                assertEquals(Optional.empty(), reader.receive("kommun.0180.escalations", 500));
            }
            String trail = harness.auditTrail();
            assertTrue(trail.contains("\"outcome\":\"EJ_NADD\""), "the trail keeps what came of the contact");
            assertEquals(0, harness.gateway().broker().depth(se.assistansbryggan.delivery.Handoff.RECEIVED), "nothing left over");
        }
    }

    /**
     * "Contact obviously unnecessary" says no how, and closes the clock; a confirmed or tried contact
     * without how it was made is refused, and leaves the clock running.
     */
    @Test
    void only_a_contact_found_unnecessary_may_leave_out_how() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            String id = send(harness);
            for (String outcome : new String[] {null, "KONTAKTAD", "EJ_NADD"}) {
                Receipt refused = confirm(harness, id, "kommun-0180", "212000-0142", "0180", outcome, false);
                assertEquals("SCHEMA_INVALID", refused.code(), "outcome " + outcome);
            }
            assertTrue(operator(harness).followUps().body().contains(id), "a refused confirmation leaves the clock running");
            assertEquals("ACCEPTED", confirm(harness, id, "kommun-0180", "212000-0142", "0180", "UPPENBART_OBEHOVLIGT", false).status());
            assertFalse(operator(harness).followUps().body().contains(id), "the confirmation closed the clock");
            String toFk = harness.clientAs("fk").pullNext().body();
            assertTrue(toFk.contains("UPPENBART_OBEHOVLIGT") && !toFk.contains("Satt>"), toFk);
            assertTrue(harness.auditTrail().contains("\"outcome\":\"UPPENBART_OBEHOVLIGT\""));
        }
    }

    /** CONTACT_CONFIRMATION closes the clock, but only the clock of the kommun that received the notice. */
    @Test
    void the_kommuns_contact_confirmation_stops_the_clock_and_another_kommuns_does_not() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            String id = send(harness);
            OperatorClient operator = operator(harness);
            assertEquals("ACCEPTED", confirm(harness, id, "kommun-1480", "212000-1355", "1480").status());
            assertTrue(operator.followUps().body().contains(id), "Göteborg cannot close Stockholm's clock");

            assertEquals("ACCEPTED", confirm(harness, id, "kommun-0180", "212000-0142", "0180").status());
            assertFalse(operator.followUps().body().contains(id), "Stockholm's confirmation closed the clock");
            Thread.sleep(3000); // past the follow-up time: a stopped clock must not fire
            try (QueueReader reader = harness.reader()) {
                assertEquals(Optional.empty(), reader.receive("kommun.0180.escalations", 500));
            }
            assertTrue(harness.auditTrail().contains("\"event\":\"FOLLOW_UP_CLOSED\""));
        }
    }

    /**
     * Under the policy as shipped a notice's clock runs three working days: it is held for its due
     * day (not scheduled), listed and counted all the same, and the kommun's confirmation stops it
     * for good, across a restart too.
     */
    @Test
    void a_clock_due_on_a_later_day_is_held_listed_counted_and_stopped_for_good() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(Map.of())) {
            String id = send(harness);
            var broker = harness.gateway().broker();
            assertEquals(0, broker.depth(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS), "not scheduled yet");
            assertEquals(1, harness.gateway().openFollowUps());
            // (a queue's count may show a message a moment after the commit that stored it returned)
            BrokerCrashTest.await(() -> broker.nonEmptyQueues().keySet().stream()
                    .anyMatch(q -> q.startsWith(se.assistansbryggan.delivery.HeldClocks.PREFIX)));
            OperatorClient operator = operator(harness);
            assertTrue(operator.followUps().body().contains(id), "operators see the held clock");
            assertEquals("ACCEPTED", confirm(harness, id, "kommun-1480", "212000-1355", "1480").status());
            assertTrue(operator.followUps().body().contains(id), "Göteborg cannot close Stockholm's clock");
            assertEquals(1, harness.gateway().openFollowUps());

            assertEquals("ACCEPTED", confirm(harness, id, "kommun-0180", "212000-0142", "0180").status());
            assertFalse(operator.followUps().body().contains(id), "Stockholm's confirmation closed the clock");
            assertEquals(0, harness.gateway().openFollowUps());
            assertTrue(harness.auditTrail().lines().anyMatch(l -> l.contains("\"event\":\"FOLLOW_UP_CLOSED\"") && l.contains(id)));

            harness.restart(Map.of());
            assertEquals(0, harness.gateway().openFollowUps(), "the stop's marker outlives the process");
            assertFalse(operator(harness).followUps().body().contains(id));
        }
    }

    /** Seed 001: every recipient of a permit revocation is reminded before its grace period ends; the clock waits in the broker until then. */
    @Test
    void a_permit_revocation_reminds_every_recipient_before_the_grace_period_ends() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Stockholm"));
            String soon = revoke(harness, today.plusDays(1)); // five working days before is past: remind at once
            String later = revoke(harness, today.plusDays(60));
            for (String queue : java.util.List.of("fk", "kommun.0180", "kommun.1480")) {
                Document reminder = reminderOn(harness, queue);
                assertEquals("Paminnelse", reminder.getDocumentElement().getLocalName());
                assertEquals(soon, Dom.text(reminder.getDocumentElement(), "AvserMeddelande"));
                assertEquals(today.plusDays(1).toString(), Dom.text(reminder.getDocumentElement(), "Datum"));
                assertEquals(queue.equals("fk") ? se.assistansbryggan.message.SchemaFamily.FK.namespace()
                        : se.assistansbryggan.message.SchemaFamily.KOMMUN.namespace(), reminder.getDocumentElement().getNamespaceURI());
                SchemaGuard.validate(reminder);
                assertEquals(GATEWAY_SIGNER, XmlSignatures.verify(reminder));
            }
            OperatorClient operator = operator(harness);
            String open = operator.followUps().body();
            assertTrue(open.contains(later) && open.contains("REMINDER"), open);
            for (Object o : (org.apache.camel.util.json.JsonArray) org.apache.camel.util.json.Jsoner.deserialize(open)) {
                java.util.Map<?, ?> clock = (java.util.Map<?, ?>) o;
                // the reminders of the soon-ending grace period were sent; its kommuner's follow-up clocks (seed 001) still run
                assertFalse(soon.equals(String.valueOf(clock.get("messageId"))) && "REMINDER".equals(String.valueOf(clock.get("kind"))), open);
            }
            assertTrue(harness.auditTrail().contains("\"event\":\"REMINDED\""));
        }
    }

    /**
     * Message ids are their sender's: a clock of another sender's message with the same id, escalating
     * to the same kommun, escalates too, not taken for a duplicate of FK's escalation (it was retried
     * with back-off to the dead-letter queue). The clock is put beside FK's as a hand-off stores one; under
     * today's policy only FK sends withdrawal notices, the same collision comes with two kommuners'
     * transfers escalating to FK.
     */
    @Test
    void two_senders_clocks_for_the_same_message_id_both_escalate() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            String id = send(harness);
            var broker = harness.gateway().broker();
            try (var factory = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(broker.inVmUrl(),
                    broker.internalUser(), broker.internalPassword()); var connection = factory.createConnection()) {
                // as a hand-off keeps a clock: Göteborg's message with the id FK used, its escalation due to Stockholm at once
                var session = connection.createSession(true, jakarta.jms.Session.SESSION_TRANSACTED);
                var clock = session.createMessage();
                clock.setStringProperty("AbMessageId", id);
                clock.setStringProperty("AbSender", "kommun-1480");
                clock.setStringProperty("AbMessageType", "WITHDRAWAL_NOTICE");
                clock.setStringProperty("AbRecipient", "kommun-0180");
                clock.setStringProperty("AbParty", "kommun-0180");
                clock.setStringProperty("AbTargetQueue", "kommun.0180.escalations");
                clock.setStringProperty("AbClockKind", "ESCALATION");
                clock.setLongProperty("AbDue", System.currentTimeMillis());
                session.createProducer(session.createQueue(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS))
                        .send(clock, jakarta.jms.DeliveryMode.PERSISTENT, 4, 0);
                session.commit();
            }
            try (QueueReader reader = harness.reader()) {
                for (int n = 1; n <= 2; n++) {
                    var escalation = reader.receive("kommun.0180.escalations", 15_000)
                            .orElseThrow(() -> new AssertionError("no escalation of the second sender's clock"));
                    assertEquals(id, escalation.messageId());
                }
            }
            String trail = harness.auditTrail();
            for (String sender : java.util.List.of("fk", "kommun-1480")) {
                assertTrue(trail.lines().anyMatch(line -> line.contains("\"event\":\"ESCALATED\"") && line.contains("\"messageId\":\"" + id + "\"")
                        && line.contains("\"sender\":\"" + sender + "\"")), "the clock of " + sender + "'s message escalated");
            }
        }
    }

    private static String revoke(GatewayHarness harness, java.time.LocalDate graceEnds) throws Exception {
        Document revocation = se.assistansbryggan.transform.FamilyGoldenTest.golden(
                se.assistansbryggan.message.MessageType.PERMIT_REVOCATION, se.assistansbryggan.message.SchemaFamily.FK);
        se.assistansbryggan.client.MessageSigner.stampFresh(revocation);
        Dom.child(Dom.child(revocation.getDocumentElement(), "Tillstandsbeslut"), "AnstandTill").setTextContent(graceEnds.toString());
        byte[] signed = se.assistansbryggan.client.MessageSigner.sign(revocation, GatewayHarness.key("ivo"));
        Receipt receipt = Receipt.parse(harness.clientAs("ivo").post(signed).body());
        assertEquals("ACCEPTED", receipt.status(), receipt.code());
        return receipt.messageId();
    }

    /** The reminder on a queue, past the revocations themselves. */
    private static Document reminderOn(GatewayHarness harness, String queue) throws Exception {
        try (QueueReader reader = harness.reader()) {
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                var next = reader.receive(queue, 500);
                if (next.isPresent() && "REMINDER".equals(next.get().type())) {
                    return SecureXml.parse(next.get().text().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        throw new AssertionError("no reminder on " + queue);
    }

    private static Receipt confirm(GatewayHarness harness, String noticeId, String kommun, String orgnr, String kod) throws Exception {
        return confirm(harness, noticeId, kommun, orgnr, kod, null);
    }

    private static Receipt confirm(GatewayHarness harness, String noticeId, String kommun, String orgnr, String kod, String outcome)
            throws Exception {
        return confirm(harness, noticeId, kommun, orgnr, kod, outcome, true);
    }

    /** A confirmation with this outcome (none: the element left out), saying how the contact was made or not. */
    private static Receipt confirm(GatewayHarness harness, String noticeId, String kommun, String orgnr, String kod, String outcome,
            boolean sayHow) throws Exception {
        Document confirmation = se.assistansbryggan.transform.FamilyGoldenTest.golden(
                se.assistansbryggan.message.MessageType.CONTACT_CONFIRMATION, se.assistansbryggan.message.SchemaFamily.KOMMUN);
        se.assistansbryggan.client.MessageSigner.stampFresh(confirmation);
        var meddelande = Dom.child(confirmation.getDocumentElement(), "Meddelande");
        Dom.child(meddelande, "Referens").setTextContent(noticeId);
        Dom.child(Dom.child(meddelande, "Fran"), "Organisationsnummer").setTextContent(orgnr);
        Dom.child(Dom.child(meddelande, "Fran"), "Kommunkod").setTextContent(kod);
        if (outcome != null) {
            Element kontakt = Dom.child(confirmation.getDocumentElement(), "Kontakt");
            Element utfall = confirmation.createElementNS(kontakt.getNamespaceURI(), kontakt.getPrefix() + ":Utfall");
            utfall.setTextContent(outcome);
            kontakt.insertBefore(utfall, kontakt.getFirstChild());
        }
        if (!sayHow) {
            Element kontakt = Dom.child(confirmation.getDocumentElement(), "Kontakt");
            kontakt.removeChild(Dom.child(kontakt, "Kontaktsatt"));
        }
        byte[] signed = se.assistansbryggan.client.MessageSigner.sign(confirmation, GatewayHarness.key(kommun));
        return Receipt.parse(harness.clientAs(kommun).post(signed).body());
    }

    private static OperatorClient operator(GatewayHarness harness) {
        return new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("operator.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
    }

    private static String send(GatewayHarness harness) throws Exception {
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(
                GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body());
        assertEquals("ACCEPTED", receipt.status());
        return receipt.messageId();
    }

    private static QueueReader.Received awaitOn(GatewayHarness harness, String queue) throws Exception {
        try (QueueReader reader = harness.reader()) {
            return reader.receive(queue, 15_000).orElseThrow(() -> new AssertionError("no escalation on " + queue));
        }
    }
}
