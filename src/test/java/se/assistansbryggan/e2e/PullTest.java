package se.assistansbryggan.e2e;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A kommun without a broker client pulls over HTTPS: at least once, until it acknowledges. */
class PullTest {
    @TempDir
    Path data;

    @Test
    void an_unacknowledged_message_comes_back_and_an_acknowledged_one_does_not() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start(Map.of("gateway.pull.visibility-timeout", "PT1S"))) {
            String id = Receipt.parse(harness.clientAs("fk").post(
                    GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body()).messageId();
            GatewayClient stockholm = harness.clientAs("kommun-0180");

            Answer first = stockholm.pullNext();
            assertEquals(200, first.status());
            assertTrue(first.body().contains(id));
            assertEquals(204, stockholm.pullNext().status(), "invisible while leased");
            assertEquals(204, harness.clientAs("kommun-1480").pullNext().status(), "Göteborg sees nothing of Stockholm's");

            Answer again = awaitPull(stockholm);
            assertTrue(again.body().contains(id), "not acknowledged, so it came back");
            assertEquals(200, stockholm.acknowledge(id).status());
            assertEquals(404, stockholm.acknowledge(id).status());
            Thread.sleep(1500); // past the visibility timeout: an acknowledged message must not come back
            assertEquals(204, stockholm.pullNext().status());
            assertEquals(0, harness.gateway().broker().depth("kommun.0180"));
        }
    }

    private static Answer awaitPull(GatewayClient client) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        Answer answer = client.pullNext();
        while (answer.status() == 204 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            answer = client.pullNext();
        }
        assertEquals(200, answer.status());
        return answer;
    }

    /** A unit's messages are pulled from the unit's queue, and only its own party may. */
    @Test
    void a_unit_pulls_and_acknowledges_its_own_messages() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            org.w3c.dom.Document notice = se.assistansbryggan.transform.FamilyGoldenTest.golden(
                    se.assistansbryggan.message.MessageType.DECISION_NOTICE, se.assistansbryggan.message.SchemaFamily.FK);
            se.assistansbryggan.client.MessageSigner.stampFresh(notice);
            String id = Receipt.parse(harness.clientAs("fk").post(
                    se.assistansbryggan.client.MessageSigner.sign(notice, GatewayHarness.key("fk"))).body()).messageId();
            GatewayClient stockholm = harness.clientAs("kommun-0180");
            assertEquals(204, stockholm.pullNext().status(), "the notice is for the LSS unit, not the kommun's own queue");
            assertEquals(404, stockholm.pullNext("ekonomikontoret").status());
            Answer pulled = stockholm.pullNext("lss");
            assertEquals(200, pulled.status());
            assertTrue(pulled.body().contains(id));
            assertEquals(200, stockholm.acknowledge(id, "lss").status());
            assertEquals(0, harness.gateway().broker().depth("kommun.0180.lss"));
        }
    }
}
