package se.assistansbryggan.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** While the broker is down, senders are told to send again (BROKER_UNAVAILABLE); once it is back, messages flow. */
class BrokerOutageTest {
    @TempDir
    Path data;

    @Test
    void a_stopped_broker_gives_broker_unavailable_and_a_restarted_one_accepts_again() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            GatewayClient fk = harness.clientAs("fk");
            Receipt before = Receipt.parse(fk.post(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body());
            assertEquals("ACCEPTED", before.status());

            harness.gateway().broker().server().stop();
            Answer during = fk.post(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"));
            assertEquals(503, during.status());
            assertEquals("BROKER_UNAVAILABLE", Receipt.parse(during.body()).code());

            harness.gateway().broker().server().start();
            Receipt after = Receipt.parse(fk.post(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body());
            assertEquals("ACCEPTED", after.status());

            assertEquals(2, harness.gateway().broker().depth("kommun.0180"));
            try (QueueReader reader = harness.reader()) {
                assertEquals(before.messageId(), reader.receive("kommun.0180", 5000).orElseThrow().messageId());
                assertEquals(after.messageId(), reader.receive("kommun.0180", 5000).orElseThrow().messageId());
            }
        }
    }
}
