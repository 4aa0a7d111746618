package se.assistansbryggan.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.message.SecureXml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prometheus metrics and health endpoints tell machines what the gateway does, without personal data. */
class MetricsTest {
    @TempDir
    Path data;

    @Test
    void accepted_and_refused_messages_and_queue_depths_are_counted_and_the_gateway_is_ready() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start(java.util.Map.of("gateway.operations.broker-watch", "PT0.2S"))) {
            harness.clientAs("fk").post(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"));
            harness.clientAs("fk").post(SecureXml.serialize(GatewayHarness.freshFixture("withdrawal-with-reasons-no-consent.xml")));

            // queue depths are the broker watch's last sample, a moment behind
            String metrics = eventually(harness, "/metrics", r -> r.body().contains("bryggan_queue_depth{queue=\"kommun.0180\"} 1.0")).body();
            assertTrue(metrics.contains("bryggan_accepted_total{type=\"WITHDRAWAL_NOTICE\"} 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_refused_total{code=\"SIGNATURE_MISSING\"} 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_queue_depth{queue=\"kommun.0180\"} 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_delivered_total{recipient=\"KOMMUN\",type=\"WITHDRAWAL_NOTICE\"} 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_received_total{channel=\"post\"} 2.0"), metrics);
            assertTrue(metrics.contains("bryggan_open_follow_ups 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_intake_latency_seconds_count 2"), metrics);
            assertFalse(metrics.contains("19840709"));

            assertEquals(200, get(harness, "/health/live").statusCode());
            assertEquals(200, get(harness, "/health/ready").statusCode());
            harness.gateway().broker().server().stop();
            assertEquals(503, eventually(harness, "/health/ready", r -> r.statusCode() == 503).statusCode());
            assertEquals(200, get(harness, "/health/live").statusCode(), "liveness never waits on the broker");
        }
    }

    /** Asks until the answer fits, for at most 20 s. */
    private static HttpResponse<String> eventually(GatewayHarness harness, String path,
            java.util.function.Predicate<HttpResponse<String>> fits) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        HttpResponse<String> answer = get(harness, path);
        while (!fits.test(answer) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            answer = get(harness, path);
        }
        return answer;
    }

    private static HttpResponse<String> get(GatewayHarness harness, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + harness.gateway().healthPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
