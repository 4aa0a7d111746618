package se.assistansbryggan.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import se.assistansbryggan.client.BulkSender;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.transform.FamilyGoldenTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 2026 transfer from a kommun's side: Malmö sends a folder of decisions, some of them wrong;
 * the run is cut short and started again, and every decision reaches FK exactly once, with a
 * receipts report for every file.
 */
class BulkTransferTest {
    @TempDir
    Path dir;

    @Test
    void a_folder_sent_stopped_and_sent_again_reaches_fk_once_with_a_report_for_every_file() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("beslut"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Document decision = FamilyGoldenTest.golden(MessageType.DECISION_TRANSFER, SchemaFamily.KOMMUN);
            String id = UUID.randomUUID().toString();
            Dom.child(Dom.child(decision.getDocumentElement(), "Meddelande"), "Id").setTextContent(id);
            ids.add(id);
            Files.write(folder.resolve(String.format("beslut-%03d.xml", i)), SecureXml.serialize(decision));
        }
        Document gruppbostad = FamilyGoldenTest.golden(MessageType.DECISION_TRANSFER, SchemaFamily.KOMMUN);
        Dom.child(Dom.child(gruppbostad.getDocumentElement(), "Beslut"), "Boendeform").setTextContent("GRUPPBOSTAD");
        Dom.child(Dom.child(gruppbostad.getDocumentElement(), "Meddelande"), "Id").setTextContent(UUID.randomUUID().toString());
        Files.write(folder.resolve("gruppbostad.xml"), SecureXml.serialize(gruppbostad));
        Files.writeString(folder.resolve("trasig.xml"), "<inte-klar");

        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start()) {
            Path report = dir.resolve("report");
            List<BulkSender.Outcome> first = sender(harness, report).run(progress -> { });
            assertEquals(32, first.size());
            assertEquals(30, first.stream().filter(o -> "ACCEPTED".equals(o.status())).count(), first.toString());
            assertTrue(first.stream().filter(o -> "trasig.xml".equals(o.file())).allMatch(o -> "FAILED".equals(o.status())));
            assertEquals(java.util.Map.of("NOT_TRANSFERABLE", 1, "FAILED", 1), BulkSender.refusalsByCode(first));

            // stopped after ten answers: the rest of the log is lost, their signed copies are kept
            Path log = report.resolve("outcomes.jsonl");
            Files.write(log, Files.readAllLines(log).subList(0, 10));
            List<BulkSender.Progress> seen = new ArrayList<>();
            List<BulkSender.Outcome> again = sender(harness, report).run(seen::add);
            assertEquals(10 - countNotFinal(Files.readAllLines(log).subList(0, 10)), seen.get(0).skipped(), "the answered ones are skipped");
            assertEquals(30, again.stream().filter(o -> "ACCEPTED".equals(o.status())).count(), again.toString());
            assertEquals(32, seen.get(seen.size() - 1).done());

            // each decision once on FK's queue, whatever was sent twice
            assertEquals(30, harness.gateway().broker().depth("fk"));
            List<String> csv = Files.readAllLines(report.resolve("receipts.csv"));
            assertEquals("file,messageId,status,code,sentence", csv.get(0));
            assertEquals(33, csv.size());
            for (String id : ids) {
                assertTrue(csv.stream().anyMatch(line -> line.contains(id) && line.contains("ACCEPTED")), id);
            }
            assertTrue(Files.readString(report.resolve("receipts.json")).contains("NOT_TRANSFERABLE"));
        }
    }

    /**
     * Resumed after the gateway's creation-time window: the kept signed copies are stale, so they are
     * signed anew with the same ids; the gateway knows them (DUPLICATE) and delivers nothing twice.
     */
    @Test
    void a_run_resumed_after_the_creation_time_window_reports_the_decisions_accepted_earlier() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("beslut"));
        for (int i = 0; i < 5; i++) {
            Document decision = FamilyGoldenTest.golden(MessageType.DECISION_TRANSFER, SchemaFamily.KOMMUN);
            Dom.child(Dom.child(decision.getDocumentElement(), "Meddelande"), "Id").setTextContent(UUID.randomUUID().toString());
            Files.write(folder.resolve("beslut-" + i + ".xml"), SecureXml.serialize(decision));
        }
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(java.util.Map.of("gateway.replay.max-age", "PT3S",
                "gateway.replay.clock-skew", "PT0S", "gateway.broker.expiry-scan-period", "PT1S"))) {
            Path report = dir.resolve("report");
            assertEquals(5, sender(harness, report).run(progress -> { }).stream().filter(BulkSender.Outcome::accepted).count());
            Files.write(report.resolve("outcomes.jsonl"), List.of()); // every answer lost
            Thread.sleep(4000); // past the window: the kept copies are stale
            List<BulkSender.Outcome> again = sender(harness, report).run(progress -> { });
            assertTrue(again.stream().allMatch(o -> "ACCEPTED_EARLIER".equals(o.status())), again.toString());
            assertEquals(5, harness.gateway().broker().depth("fk"), "nothing delivered twice");
        }
    }

    private static long countNotFinal(List<String> lines) {
        return lines.stream().filter(l -> l.contains("\"FAILED\"")).count();
    }

    private static BulkSender sender(GatewayHarness harness, Path report) {
        GatewayClient malmo = harness.clientAs("kommun-1280");
        return new BulkSender(malmo, KeyMaterial.fromPkcs12(GatewayHarness.CERTS.resolve("kommun-1280.p12"), GatewayHarness.PASSWORD),
                report.getParent().resolve("beslut"), report, 4);
    }
}
