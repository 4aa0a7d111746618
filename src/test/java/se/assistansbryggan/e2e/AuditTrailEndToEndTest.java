package se.assistansbryggan.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.client.OperatorClient;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail of a real gateway run: a trail that lost its newest lines fails audit-verify and
 * stops the next start (found against the checkpoint beside it, and against the broker's mark when
 * that is gone too) until an operator starts a new chain; a person's register extract; several
 * instances' trails verified and exported as one.
 */
class AuditTrailEndToEndTest {
    static final String PERSON_A = "198407092389";
    static final String PERSON_B = "197002152382";
    @TempDir
    Path dir;

    @Test
    void a_trail_whose_newest_lines_were_deleted_fails_audit_verify_and_does_not_start_until_an_operator_starts_a_new_chain()
            throws Exception {
        GatewayHarness harness = new GatewayHarness(dir.resolve("data"));
        Path trail = harness.auditFile();
        try (harness) {
            harness.start();
            for (int i = 0; i < 3; i++) {
                send(harness, PERSON_A);
            }
            harness.auditTrail();
        }
        CommandLineTest.Run verified = CommandLineTest.run("audit-verify", "--file", trail.toString());
        assertEquals(0, verified.exitCode(), verified.toString());
        assertTrue(verified.out().startsWith("OK:"), verified.out());

        List<String> lines = Files.readAllLines(trail);
        Files.write(trail, lines.subList(0, lines.size() - 2));
        CommandLineTest.Run truncated = CommandLineTest.run("audit-verify", "--file", trail.toString());
        assertEquals(6, truncated.exitCode(), truncated.toString());
        assertTrue(truncated.out().contains("BROKEN at line " + (lines.size() - 1)) && truncated.out().contains("newest lines were removed"),
                truncated.out());
        Exception refused = assertThrows(Exception.class, () -> harness.start());
        assertTrue(messages(refused).contains("newest lines were removed"), messages(refused));

        // the checkpoint beside the trail deleted as well: the broker's mark still knows how far the trail reached
        Files.delete(AuditTrail.checkpointFileOf(trail));
        refused = assertThrows(Exception.class, () -> harness.start());
        assertTrue(messages(refused).contains("the broker recorded line"), messages(refused));

        CommandLineTest.Run asked = CommandLineTest.run("audit-new-chain", "--file", trail.toString(), "--reason", "trail truncated; restored from nothing");
        assertEquals(0, asked.exitCode(), asked.toString());
        try (harness) {
            harness.start();
            assertEquals("ACCEPTED", send(harness, PERSON_A).status());
            String first = harness.auditTrail().lines().findFirst().orElseThrow();
            assertTrue(first.contains("\"event\":\"CHAIN_STARTED\"") && first.contains("\"operatorRequested\":true")
                    && first.contains("trail truncated"), first);
        }
        try (var aside = Files.list(trail.getParent())) {
            assertTrue(aside.anyMatch(p -> p.getFileName().toString().startsWith("trail.jsonl.broken-")), "the broken trail is kept aside");
        }
        assertEquals(0, CommandLineTest.run("audit-verify", "--file", trail.toString()).exitCode());
    }

    @Test
    void a_persons_register_extract_lists_who_received_what_on_which_basis_and_nothing_of_anyone_else() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start()) {
            String first = send(harness, PERSON_A).messageId();
            String second = send(harness, PERSON_A).messageId();
            String other = send(harness, PERSON_B).messageId();
            assertEquals(200, harness.clientAs("kommun-0180").pullNext().status());
            harness.auditTrail();
            OperatorClient operator = new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("operator.p12"),
                    GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);

            var json = operator.auditExtract(PERSON_A, false);
            assertEquals(200, json.status(), json.body());
            String extract = json.body();
            assertTrue(extract.contains(first) && extract.contains(second), extract);
            assertFalse(extract.contains(other), "another person's message is not in the extract");
            for (String event : List.of("RECEIVED", "TRANSFORMED", "DELIVERED", "ACCEPTED", "PULLED")) {
                assertTrue(extract.contains("\"event\":\"" + event + "\""), event + " in " + extract);
            }
            assertTrue(extract.contains("\"from\":\"fk\"") && extract.contains("\"to\":\"kommun-0180\""), extract);
            assertTrue(extract.contains("\"legalBasis\":\"51 kap. 21 § SFB\""), extract);
            assertTrue(extract.contains("\"withheld\":"), extract);
            assertFalse(extract.contains(PERSON_B) || extract.contains("19700215-2382") || extract.contains("hmac:"), extract);

            var page = operator.auditExtract(PERSON_A, true);
            assertEquals(200, page.status());
            Document signed = SecureXml.parse(page.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(SharedGateway.GATEWAY_SIGNER, XmlSignatures.verify(signed), "the page is signed by the gateway");
            assertTrue(page.body().contains("19840709-2389") && page.body().contains(first), page.body());
            assertFalse(page.body().contains(PERSON_B) || page.body().contains("19700215-2382"));

            String trail = harness.auditTrail();
            assertTrue(trail.lines().filter(l -> l.contains("\"event\":\"AUDIT_EXTRACTED\"")).count() == 2, "each extract is audited");
            assertFalse(trail.contains(PERSON_A) || trail.contains("19840709-2389"), "the trail keeps no personal number in clear");

            var kommun = new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("kommun-0180.p12"),
                    GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD).auditExtract(PERSON_A, false);
            assertEquals(403, kommun.status(), "only operators make extracts");

            Path html = dir.resolve("extract.xhtml");
            Path out = dir.resolve("extract.json");
            CommandLineTest.Run cli = CommandLineTest.run("audit-extract", "--url", harness.gateway().baseUrl(), "--personnummer",
                    "19840709-2389", "--json", out.toString(), "--html", html.toString());
            assertEquals(0, cli.exitCode(), cli.toString());
            assertTrue(Files.readString(out).contains(first));
            assertEquals(SharedGateway.GATEWAY_SIGNER, XmlSignatures.verify(SecureXml.parse(Files.readAllBytes(html))));
        }
    }

    @Test
    void the_trails_of_two_instances_verify_and_export_as_one_ordered_by_time() throws Exception {
        GatewayHarness a = new GatewayHarness(dir.resolve("a"));
        GatewayHarness b = new GatewayHarness(dir.resolve("b"));
        List<String> ids = new ArrayList<>();
        try (a; b) {
            a.start(java.util.Map.of("gateway.instance", "gw-a"));
            b.start(java.util.Map.of("gateway.instance", "gw-b"));
            ids.add(send(a, PERSON_A).messageId());
            ids.add(send(b, PERSON_A).messageId());
            ids.add(send(a, PERSON_B).messageId());
            a.auditTrail();
            b.auditTrail();
        }
        String files = a.auditFile() + "," + b.auditFile();
        CommandLineTest.Run verified = CommandLineTest.run("audit-verify", "--file", files);
        assertEquals(0, verified.exitCode(), verified.toString());
        assertTrue(verified.out().contains("instance gw-a") && verified.out().contains("instance gw-b"), verified.out());

        Path merged = dir.resolve("merged.jsonl");
        assertEquals(0, CommandLineTest.run("audit-export", "--file", files, "--out", merged.toString()).exitCode());
        List<String> lines = Files.readAllLines(merged);
        assertEquals(Files.readAllLines(a.auditFile()).size() + Files.readAllLines(b.auditFile()).size(), lines.size());
        List<java.time.Instant> times = lines.stream().map(l -> java.time.Instant.parse(l.replaceAll(".*\"time\":\"([^\"]+)\".*", "$1")))
                .toList();
        assertEquals(times.stream().sorted().toList(), times, "merged by time");
        List<String> accepted = lines.stream().filter(l -> l.contains("\"event\":\"ACCEPTED\""))
                .map(l -> l.replaceAll(".*\"instance\":\"([^\"]+)\".*\"messageId\":\"([^\"]+)\".*", "$1 $2")).toList();
        assertEquals(List.of("gw-a " + ids.get(0), "gw-b " + ids.get(1), "gw-a " + ids.get(2)), accepted);
    }

    /**
     * The checkpoint beside a trail can be replaced by whoever can edit the trail; the broker's
     * record of how far each trail reached cannot: --from-gateway finds a copy cut back to an older
     * checkpoint that the checkpoint beside it would pass.
     */
    @Test
    void a_trail_cut_back_to_an_older_checkpoint_fails_against_the_brokers_record() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start()) {
            send(harness, PERSON_A);
            harness.auditTrail();
            Path older = dir.resolve("older.checkpoint.json");
            Files.copy(AuditTrail.checkpointFileOf(harness.auditFile()), older);
            send(harness, PERSON_A);
            send(harness, PERSON_A);
            harness.auditTrail();
            Path copy = dir.resolve("copy/trail.jsonl");
            Files.createDirectories(copy.getParent());
            List<String> lines = Files.readAllLines(harness.auditFile());
            Files.write(copy, lines);
            String url = harness.gateway().baseUrl();
            CommandLineTest.Run whole = CommandLineTest.run("audit-verify", "--file", copy.toString(), "--checkpoint", older.toString(),
                    "--from-gateway", "--url", url);
            assertEquals(0, whole.exitCode(), whole.toString());
            assertTrue(whole.out().contains("the line the broker recorded"), whole.out());

            long olderSeq = se.assistansbryggan.audit.Checkpoint.parse(Files.readString(older)).seq();
            Files.write(copy, lines.subList(0, (int) olderSeq));
            Files.copy(older, AuditTrail.checkpointFileOf(copy));
            CommandLineTest.Run beside = CommandLineTest.run("audit-verify", "--file", copy.toString());
            assertEquals(0, beside.exitCode(), "the older checkpoint beside it passes: " + beside);
            CommandLineTest.Run broker = CommandLineTest.run("audit-verify", "--file", copy.toString(), "--from-gateway", "--url", url);
            assertEquals(6, broker.exitCode(), broker.toString());
            assertTrue(broker.out().contains("newest lines were removed"), broker.out());
        }
    }

    private static Receipt send(GatewayHarness harness, String person) throws Exception {
        byte[] signed = GatewayHarness.signedEdited("withdrawal-with-reasons-no-consent.xml", GatewayHarness.key("fk"),
                root -> GatewayHarness.at(root, "Forsakrad", "Personnummer").setTextContent(person));
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(signed).body());
        assertEquals("ACCEPTED", receipt.status(), receipt.toString());
        return receipt;
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
