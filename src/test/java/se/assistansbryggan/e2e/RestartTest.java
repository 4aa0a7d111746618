package se.assistansbryggan.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The journal under data/ keeps an accepted message across a restart of the gateway. */
class RestartTest {
    @TempDir
    Path data;

    @Test
    void a_message_accepted_before_a_restart_is_still_on_the_queue() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            byte[] notice = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
            Receipt receipt = Receipt.parse(harness.clientAs("fk").post(notice).body());
            assertEquals("ACCEPTED", receipt.status());

            harness.restart();

            assertEquals(1, harness.gateway().broker().depth("kommun.0180"));
            try (QueueReader reader = harness.reader()) {
                assertEquals(receipt.messageId(), reader.receive("kommun.0180", 5000).orElseThrow().messageId());
            }
        }
    }
}
