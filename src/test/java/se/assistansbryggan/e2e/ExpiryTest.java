package se.assistansbryggan.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.OperatorClient;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A delivery nobody takes before the policy's expires-after goes to the expiry queue EXP.<queue>,
 * where operators see it, instead of being acted on late. (One second here instead of days.)
 */
class ExpiryTest {
    @TempDir
    Path dir;

    @Test
    void an_unread_delivery_past_its_time_moves_to_the_expiry_queue_operators_see() throws Exception {
        Path policy = dir.resolve("policy.properties");
        Files.writeString(policy, Files.readString(Path.of("config/policy.properties")) + "\nWITHDRAWAL_NOTICE.expires-after=PT1S\n");
        try (GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(Map.of("gateway.policy", policy.toString(),
                "gateway.broker.expiry-scan-period", "PT1S"))) {
            Receipt receipt = Receipt.parse(harness.clientAs("fk").post(
                    GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body());
            assertEquals("ACCEPTED", receipt.status());
            BrokerCrashTest.await(() -> harness.gateway().broker().depth("EXP.kommun.0180") == 1);
            assertEquals(0, harness.gateway().broker().depth("kommun.0180"));
            OperatorClient operator = new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("operator.p12"),
                    GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
            String queues = operator.queues().body();
            assertTrue(queues.contains("{\"queue\":\"EXP.kommun.0180\",\"name\":\"Stockholms stad\",\"depth\":1"), queues);
        }
    }
}
