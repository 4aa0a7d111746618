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
            String before = get(harness, "/metrics").body();
            harness.clientAs("fk").post(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"));
            harness.clientAs("fk").post(SecureXml.serialize(GatewayHarness.freshFixture("withdrawal-with-reasons-no-consent.xml")));

            System.gc(); // the JVM's GC metrics appear with the first collection
            // queue depths are the broker watch's last sample, a moment behind
            String metrics = eventually(harness, "/metrics", r -> r.body().contains("bryggan_queue_depth{queue=\"kommun.0180\"} 1.0")).body();
            assertTrue(metrics.contains("bryggan_accepted_total{type=\"WITHDRAWAL_NOTICE\"} 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_refused_total{code=\"SIGNATURE_MISSING\"} 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_queue_depth{queue=\"kommun.0180\"} 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_delivered_total{recipient=\"KOMMUN\",type=\"WITHDRAWAL_NOTICE\"} 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_received_total{channel=\"post\"} 2.0"), metrics);
            assertTrue(metrics.contains("bryggan_open_follow_ups 1.0"), metrics);
            assertTrue(metrics.contains("bryggan_intake_latency_seconds_count 2"), metrics);
            // where the CPU goes: each station the accepted message passed, metered on the request's thread
            for (String station : java.util.List.of("intake", "trust", "policy", "transform", "delivery")) {
                var used = java.util.regex.Pattern.compile("bryggan_station_cpu_seconds_total\\{station=\"" + station + "\"} ([0-9.E-]+)")
                        .matcher(metrics);
                assertTrue(used.find() && Double.parseDouble(used.group(1)) > 0, station + ": " + metrics);
            }
            // and, within them, the signatures: the signed message's checked, the unsigned one refused before any; the signed
            // message's receipt, its delivered copy and the refusal signed, and the test's own client signing the message here
            // (the count is process-wide)
            assertEquals(1, counted(metrics, "bryggan_crypto_operations_total{operation=\"verify\"}")
                    - counted(before, "bryggan_crypto_operations_total{operation=\"verify\"}"), metrics);
            assertEquals(4, counted(metrics, "bryggan_crypto_operations_total{operation=\"sign\"}")
                    - counted(before, "bryggan_crypto_operations_total{operation=\"sign\"}"), metrics);
            assertTrue(metrics.contains("bryggan_crypto_cpu_seconds_total{operation=\"sign\"}")
                    && metrics.contains("bryggan_crypto_cpu_seconds_total{operation=\"verify\"}"), metrics);
            // beside the gateway's own: the JVM's and the embedded broker's, in the same registry
            assertTrue(metrics.contains("jvm_memory_used_bytes{") && metrics.contains("jvm_gc_pause_seconds") && metrics.contains("process_cpu_usage")
                    && metrics.contains("jvm_threads_live_threads"), metrics);
            assertTrue(metrics.contains("artemis_message_count{") && metrics.contains("artemis_address_memory_usage"), metrics);
            assertFalse(metrics.contains("artemis_address_size{"), "nothing per address: some six hundred of them");
            assertFalse(java.util.regex.Pattern.compile("queue=\"[0-9a-f]{8}-").matcher(metrics).find(), "no series per temporary queue");
            assertFalse(metrics.contains("19840709"));

            assertEquals(200, get(harness, "/health/live").statusCode());
            assertEquals(200, get(harness, "/health/ready").statusCode());
            harness.gateway().broker().server().stop();
            assertEquals(503, eventually(harness, "/health/ready", r -> r.statusCode() == 503).statusCode());
            assertEquals(200, get(harness, "/health/live").statusCode(), "liveness never waits on the broker");
        }
    }

    /**
     * The Grafana dashboard in the repository is valid JSON, every panel has queries, and every metric
     * a query names is one this gateway exports (gateway, JVM and broker metrics in one registry).
     */
    @Test
    void the_grafana_dashboard_asks_only_for_metrics_the_gateway_exports() throws Exception {
        org.apache.camel.util.json.JsonObject dashboard = (org.apache.camel.util.json.JsonObject) org.apache.camel.util.json.Jsoner
                .deserialize(java.nio.file.Files.readString(Path.of("ops/grafana/assistansbryggan.json")));
        org.apache.camel.util.json.JsonArray panels = (org.apache.camel.util.json.JsonArray) dashboard.get("panels");
        assertTrue(panels.size() >= 8, "accepted, refused, latency, queues, follow-ups, dead letters, JVM, broker");
        java.util.Set<String> asked = new java.util.TreeSet<>();
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b((?:bryggan|jvm|process|system|artemis)_[a-z0-9_]+)");
        for (Object o : panels) {
            org.apache.camel.util.json.JsonObject panel = (org.apache.camel.util.json.JsonObject) o;
            org.apache.camel.util.json.JsonArray targets = (org.apache.camel.util.json.JsonArray) panel.get("targets");
            assertTrue(panel.get("title") != null && panel.get("gridPos") != null && targets != null && !targets.isEmpty(), panel.toString());
            for (Object t : targets) {
                java.util.regex.Matcher m = metric.matcher(String.valueOf(((java.util.Map<?, ?>) t).get("expr")));
                while (m.find()) {
                    asked.add(m.group(1));
                }
            }
        }
        try (GatewayHarness harness = new GatewayHarness(data).start(java.util.Map.of("gateway.operations.broker-watch", "PT0.2S"))) {
            harness.clientAs("fk").post(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"));
            harness.clientAs("fk").post(SecureXml.serialize(GatewayHarness.freshFixture("withdrawal-with-reasons-no-consent.xml")));
            System.gc(); // the JVM's GC metrics appear with the first collection
            String metrics = eventually(harness, "/metrics", r -> r.body().contains("bryggan_queue_depth{")).body();
            java.util.Set<String> exported = new java.util.HashSet<>();
            metrics.lines().filter(l -> !l.startsWith("#")).forEach(l -> exported.add(l.replaceAll("[{ ].*", "")));
            for (String name : asked) {
                assertTrue(exported.contains(name), "the dashboard asks for " + name + ", which the gateway does not export");
            }
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

    /** A series' value in a Prometheus scrape. */
    private static double counted(String metrics, String series) {
        var value = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(series) + " ([0-9.E-]+)").matcher(metrics);
        assertTrue(value.find(), series + " in " + metrics);
        return Double.parseDouble(value.group(1));
    }

    private static HttpResponse<String> get(GatewayHarness harness, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + harness.gateway().healthPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
