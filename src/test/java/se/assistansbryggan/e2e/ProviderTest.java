package se.assistansbryggan.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
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
import se.assistansbryggan.transform.FamilyGoldenTest;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Providers as parties (seed 001, seed 004): an assistance provider with its own certificate
 * refers a shift it cannot staff to the person's kommun (24 § LSS), urgently and without its free
 * text; IVO's revocation records the provider's permit status in the broker (across a restart,
 * seen by operators), and a referral from the revoked provider is delivered all the same, marked;
 * each kommun the revocation reached must confirm it informed the persons concerned before the
 * grace period ends, or the revocation escalates.
 */
class ProviderTest {
    static final String PROVIDER = "556900-1232";
    @TempDir
    Path dir;
    Map<String, String> settings;

    @BeforeEach
    void a_policy_whose_revocation_clock_is_eight_seconds() throws Exception {
        Path policy = dir.resolve("policy.properties");
        Files.writeString(policy, Files.readString(Path.of("config/policy.properties")).replace(
                "PERMIT_REVOCATION.follow-up=until the end of Tillstandsbeslut/AnstandTill, else 5 working days",
                "PERMIT_REVOCATION.follow-up=PT8S"));
        settings = Map.of("gateway.policy", policy.toString());
    }

    @Test
    void a_revoked_providers_referral_is_delivered_marked_with_its_status_which_survives_a_restart() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start()) {
            // before any revocation: urgent, to the person's kommun, minimised, unmarked
            String first = refer(harness);
            QueueReader.Received delivered = awaitOn(harness, "kommun.0180");
            assertEquals(first, delivered.messageId());
            assertEquals(9, delivered.priority(), "a shift nobody staffs is urgent");
            assertEquals("24 § LSS", delivered.legalBasis());
            assertFalse(delivered.text().contains(":Beskrivning>") || delivered.text().contains("sjuka"), "no free text: " + delivered.text());
            assertTrue(delivered.text().contains("<k:UtelamnadUppgift>Hanvisning/Beskrivning<"), "and it says so");
            assertFalse(delivered.rules().contains("provider-permit-status"), delivered.rules());
            Document document = SecureXml.parse(delivered.text().getBytes(StandardCharsets.UTF_8));
            SchemaGuard.validate(document);
            assertEquals(SharedGateway.GATEWAY_SIGNER, XmlSignatures.verify(document));
            assertEquals("ACTIVE", provider(harness).get("status"));

            LocalDate graceEnds = LocalDate.now(ZoneId.of("Europe/Stockholm")).plusDays(20);
            revoke(harness, graceEnds);
            drain(harness, "kommun.0180");
            JsonObject revoked = provider(harness);
            for (long deadline = System.currentTimeMillis() + 5_000; !"PERMIT_REVOKED".equals(revoked.get("status"))
                    && System.currentTimeMillis() < deadline; revoked = provider(harness)) {
                Thread.sleep(100); // the statuses are read from the broker at most a second apart
            }
            assertEquals("PERMIT_REVOKED", revoked.get("status"));
            assertEquals(graceEnds.toString(), revoked.get("graceEnds"));
            assertEquals("IVO 3.5.1-00042/2026", revoked.get("permit"));
            harness.restart();
            assertEquals("PERMIT_REVOKED", provider(harness).get("status"), "the status is kept in the broker");

            String after = refer(harness);
            QueueReader.Received marked = awaitOn(harness, "kommun.0180");
            assertEquals(after, marked.messageId(), "never refused for the permit: the referral is the alarm");
            assertTrue(marked.rules().contains("provider-permit-status"), marked.rules());
            Element status = Dom.child(Dom.child(SecureXml.parse(marked.text().getBytes(StandardCharsets.UTF_8)).getDocumentElement(),
                    "Leverans"), "AnordnaresTillstand");
            assertEquals(PROVIDER, Dom.text(status, "Organisationsnummer"));
            assertEquals("PERMIT_REVOKED", Dom.text(status, "Status"));
            assertEquals(graceEnds.toString(), Dom.text(status, "AnstandTill"));
            assertEquals(PROVIDER + " PERMIT_REVOKED " + graceEnds, marked.providerPermit(), "a property a consumer routes on");
            assertEquals(null, delivered.providerPermit());
            String operatorsSee = new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("operator.p12"),
                    GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD).providers().body();
            assertTrue(operatorsSee.contains("Assistans Prov AB") && operatorsSee.contains("PERMIT_REVOKED"), operatorsSee);
        }
    }

    @Test
    void each_kommun_confirms_it_told_the_persons_or_the_revocation_escalates_even_across_a_restart() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(settings)) {
            String revocation = revoke(harness, LocalDate.now(ZoneId.of("Europe/Stockholm")).plusDays(20));
            Receipt confirmed = confirm(harness, revocation, "kommun-1480", "212000-1355", "1480");
            assertEquals("ACCEPTED", confirmed.status(), confirmed.code());
            for (String queue : java.util.List.of("ivo", "fk")) {
                QueueReader.Received told = awaitOn(harness, queue);
                if (queue.equals("fk") && !MessageType.REVOCATION_FOLLOW_UP.name().equals(told.type())) {
                    told = awaitOn(harness, queue); // FK's copy of the revocation itself came first
                }
                assertEquals(MessageType.REVOCATION_FOLLOW_UP.name(), told.type(), queue);
                assertTrue(told.text().contains("InformeradeEnskilda"), told.text());
            }
            harness.restart(settings);

            Document escalation = SecureXml.parse(awaitOn(harness, "kommun.0180.escalations").text().getBytes(StandardCharsets.UTF_8));
            assertEquals(revocation, Dom.text(escalation.getDocumentElement(), "AvserMeddelande"));
            assertEquals("PERMIT_REVOCATION", Dom.text(escalation.getDocumentElement(), "Typ"));
            assertTrue(Dom.text(escalation.getDocumentElement(), "Text").contains("byta"), Dom.text(escalation.getDocumentElement(), "Text"));
            SchemaGuard.validate(escalation);
            assertEquals(SharedGateway.GATEWAY_SIGNER, XmlSignatures.verify(escalation));
            try (QueueReader reader = harness.reader()) {
                assertEquals(Optional.empty(), reader.receive("kommun.1480.escalations", 2000), "Göteborg confirmed: no escalation");
                assertEquals(Optional.empty(), reader.receive("fk.escalations", 500), "FK gets a reminder, not this clock");
            }
        }
    }

    @Test
    void a_provider_refers_only_in_its_own_name() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start()) {
            Document referral = FamilyGoldenTest.golden(MessageType.PROVIDER_REFERRAL, SchemaFamily.KOMMUN);
            MessageSigner.stampFresh(referral);
            Dom.child(Dom.child(Dom.child(referral.getDocumentElement(), "Hanvisning"), "Anordnare"), "Organisationsnummer")
                    .setTextContent("556900-4566");
            Receipt refused = Receipt.parse(harness.clientAs("anordnare-prov").post(MessageSigner.sign(referral,
                    GatewayHarness.key("anordnare-prov"))).body());
            assertEquals("SENDER_MISMATCH", refused.code());
            assertEquals(0, harness.gateway().broker().totalMessages());
        }
    }

    private static String refer(GatewayHarness harness) throws Exception {
        Document referral = FamilyGoldenTest.golden(MessageType.PROVIDER_REFERRAL, SchemaFamily.KOMMUN);
        MessageSigner.stampFresh(referral);
        Receipt receipt = Receipt.parse(harness.clientAs("anordnare-prov").post(MessageSigner.sign(referral,
                GatewayHarness.key("anordnare-prov"))).body());
        assertEquals("ACCEPTED", receipt.status(), receipt.code());
        return receipt.messageId();
    }

    private static String revoke(GatewayHarness harness, LocalDate graceEnds) throws Exception {
        Document revocation = FamilyGoldenTest.golden(MessageType.PERMIT_REVOCATION, SchemaFamily.FK);
        MessageSigner.stampFresh(revocation);
        Element beslut = Dom.child(revocation.getDocumentElement(), "Tillstandsbeslut");
        Dom.child(beslut, "AnstandTill").setTextContent(graceEnds.toString());
        Dom.child(Dom.child(beslut, "Anordnare"), "Organisationsnummer").setTextContent(PROVIDER);
        Receipt receipt = Receipt.parse(harness.clientAs("ivo").post(MessageSigner.sign(revocation, GatewayHarness.key("ivo"))).body());
        assertEquals("ACCEPTED", receipt.status(), receipt.code());
        return receipt.messageId();
    }

    private static Receipt confirm(GatewayHarness harness, String revocation, String kommun, String orgnr, String kod) throws Exception {
        Document confirmation = FamilyGoldenTest.golden(MessageType.REVOCATION_FOLLOW_UP, SchemaFamily.KOMMUN);
        MessageSigner.stampFresh(confirmation);
        Element meddelande = Dom.child(confirmation.getDocumentElement(), "Meddelande");
        Dom.child(meddelande, "Referens").setTextContent(revocation);
        Dom.child(Dom.child(meddelande, "Fran"), "Organisationsnummer").setTextContent(orgnr);
        Dom.child(Dom.child(meddelande, "Fran"), "Kommunkod").setTextContent(kod);
        return Receipt.parse(harness.clientAs(kommun).post(MessageSigner.sign(confirmation, GatewayHarness.key(kommun))).body());
    }

    /** The sample provider as operators see it. */
    private static JsonObject provider(GatewayHarness harness) throws Exception {
        OperatorClient operator = new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("operator.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        for (Object o : (JsonArray) Jsoner.deserialize(operator.providers().body())) {
            JsonObject provider = (JsonObject) o;
            if (PROVIDER.equals(provider.get("organisationsnummer"))) {
                return provider;
            }
        }
        throw new AssertionError("no " + PROVIDER + " among the providers");
    }

    private static void drain(GatewayHarness harness, String queue) throws Exception {
        try (QueueReader reader = harness.reader()) {
            while (reader.receive(queue, 500).isPresent()) {
                // the revocation's own copy
            }
        }
    }

    private static QueueReader.Received awaitOn(GatewayHarness harness, String queue) throws Exception {
        try (QueueReader reader = harness.reader()) {
            return reader.receive(queue, 15_000).orElseThrow(() -> new AssertionError("nothing on " + queue));
        }
    }
}
