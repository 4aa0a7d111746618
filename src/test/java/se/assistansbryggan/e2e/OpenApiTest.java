package se.assistansbryggan.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.operations.ApiDescription;
import se.assistansbryggan.message.SecureXml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI description the gateway serves at /openapi, checked against what the REST doors
 * really answer: every operation it lists is called, and each answer's status, media type,
 * headers and (for JSON) required properties must be the ones it documents.
 */
class OpenApiTest extends SharedGateway {
    private final Set<String> exercised = new HashSet<>();

    @Test
    void the_served_description_is_what_the_doors_answer() throws Exception {
        HttpResponse<byte[]> served = http("fk").send(HttpRequest.newBuilder(uri("/openapi")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        try (var in = ApiDescription.class.getResourceAsStream(ApiDescription.RESOURCE)) {
            assertArrayEquals(in.readAllBytes(), served.body(), "the gateway serves the committed description");
        }
        Map<String, Object> api = map(new Load(LoadSettings.builder().build()).loadFromString(new String(served.body(), StandardCharsets.UTF_8)));
        assertTrue(String.valueOf(api.get("openapi")).startsWith("3."));
        everyReferenceResolves(api, api);

        byte[] notice = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        String id = GatewayHarness.messageIdOf(notice);
        check(api, "fk", "POST", "/messages", "/messages", "application/xml", notice, 200);
        check(api, "fk", "POST", "/messages", "/messages", "application/xml",
                SecureXml.serialize(GatewayHarness.freshFixture("withdrawal-with-reasons-no-consent.xml")), 400);
        check(api, "fk", "POST", "/messages", "/messages", "text/plain", notice, 415);
        check(api, "kommun-1480", "GET", "/pull/next", "/pull/next", null, null, 204);
        HttpResponse<String> pulled = check(api, "kommun-0180", "GET", "/pull/next", "/pull/next", null, null, 200);
        assertEquals(id, pulled.headers().firstValue("X-Message-Id").orElseThrow());
        check(api, "kommun-0180", "POST", "/pull/ack/{messageId}", "/pull/ack/" + id, null, null, 200);
        check(api, "kommun-0180", "POST", "/pull/ack/{messageId}", "/pull/ack/" + UUID.randomUUID(), null, null, 404);
        check(api, "kommun-1280", "GET", "/pull/functions", "/pull/functions", null, null, 200);
        check(api, "operator", "GET", "/operations/queues", "/operations/queues", null, null, 200);
        HttpResponse<String> kiruna = check(api, "operator", "GET", "/operations/queues", "/operations/queues?search=Kiruna&offset=0&limit=1",
                null, null, 200);
        assertEquals("2", kiruna.headers().firstValue("X-Total-Count").orElseThrow());
        assertTrue(kiruna.body().contains("\"name\":\"Kiruna\""), kiruna.body());
        check(api, "operator", "GET", "/operations/attention", "/operations/attention", null, null, 200);
        check(api, "kommun-0180", "GET", "/operations/queues", "/operations/queues", null, null, 403);
        check(api, "operator", "GET", "/operations/dead-letters", "/operations/dead-letters?queue=DLQ.kommun.0180", null, null, 200);
        String missing = "/operations/dead-letters/DLQ.kommun.0180/" + UUID.randomUUID();
        check(api, "operator", "GET", "/operations/dead-letters/{queue}/{messageId}", missing, null, null, 404);
        check(api, "operator", "DELETE", "/operations/dead-letters/{queue}/{messageId}", missing, null, null, 400);
        check(api, "operator", "POST", "/operations/dead-letters/{queue}/{messageId}/retry", missing + "/retry", null, null, 400);
        check(api, "operator", "POST", "/operations/dead-letters/{queue}/retry", "/operations/dead-letters/DLQ.kommun.0180/retry",
                null, null, 400);
        check(api, "operator", "GET", "/operations/follow-ups", "/operations/follow-ups", null, null, 200);
        check(api, "operator", "GET", "/operations/escalations", "/operations/escalations", null, null, 200);
        check(api, "operator", "GET", "/operations/functions", "/operations/functions", null, null, 200);
        check(api, "operator", "GET", "/operations/functions", "/operations/functions?party=kommun-9999", null, null, 404);
        check(api, "operator", "GET", "/operations/history", "/operations/history", null, null, 200);
        check(api, "operator", "GET", "/operations/providers", "/operations/providers", null, null, 200);
        harness.gateway().awaitAudit(java.time.Duration.ofSeconds(20));
        check(api, "operator", "GET", "/audit/marks", "/audit/marks", null, null, 200);
        check(api, "operator", "POST", "/audit/extract", "/audit/extract", "text/plain", "198407092389".getBytes(StandardCharsets.UTF_8), 200);
        check(api, "operator", "POST", "/audit/extract", "/audit/extract", "text/plain", "not a number".getBytes(StandardCharsets.UTF_8), 400);
        check(api, "kommun-0180", "POST", "/audit/extract", "/audit/extract", "text/plain", "198407092389".getBytes(StandardCharsets.UTF_8), 403);

        // nothing the description lists is left untried, and every operation of the doors is listed
        Set<String> listed = new HashSet<>();
        map(api.get("paths")).forEach((path, item) -> map(item).keySet().forEach(method -> listed.add(method.toUpperCase() + " " + path)));
        assertEquals(listed, exercised);
        Set<String> implemented = new HashSet<>();
        implemented.addAll(operationsOf("/messages", se.assistansbryggan.intake.MessageResource.class));
        implemented.addAll(operationsOf("/pull", se.assistansbryggan.operations.PullResource.class));
        implemented.addAll(operationsOf("/operations", se.assistansbryggan.operations.OperatorResource.class));
        implemented.addAll(operationsOf("/audit", se.assistansbryggan.operations.AuditResource.class));
        assertEquals(implemented, listed, "the description and the JAX-RS resources of the doors");
    }

    /** Every HTTP operation a JAX-RS resource published at {@code base} implements, as "METHOD /path". */
    private static Set<String> operationsOf(String base, Class<?> resource) {
        Set<String> operations = new HashSet<>();
        for (java.lang.reflect.Method method : resource.getMethods()) {
            for (var annotation : method.getAnnotations()) {
                jakarta.ws.rs.HttpMethod http = annotation.annotationType().getAnnotation(jakarta.ws.rs.HttpMethod.class);
                if (http != null) {
                    jakarta.ws.rs.Path path = method.getAnnotation(jakarta.ws.rs.Path.class);
                    operations.add(http.value() + " " + base + (path == null ? "" : "/" + path.value().replaceAll("^/", "")));
                }
            }
        }
        return operations;
    }

    /** One real call; its answer must be one the description documents for the operation. */
    private HttpResponse<String> check(Map<String, Object> api, String party, String method, String template, String path,
            String contentType, byte[] body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> answer = http(party).send(request.build(), HttpResponse.BodyHandlers.ofString());
        String what = method + " " + path + " as " + party;
        assertEquals(expected, answer.statusCode(), what + ": " + answer.body());
        Map<String, Object> operation = map(map(map(api.get("paths")).get(template)).get(method.toLowerCase()));
        assertNotNull(operation, what + ": not in the description");
        exercised.add(method + " " + template);
        Map<String, Object> response = resolve(api, map(map(operation.get("responses")).get(Integer.toString(expected))));
        assertNotNull(response, what + ": HTTP " + expected + " is not documented");
        Map<String, Object> content = map(response.get("content"));
        if (answer.body().isEmpty()) {
            return answer;
        }
        assertNotNull(content, what + ": documented without a body, answered " + answer.body());
        String mediaType = answer.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        assertTrue(content.containsKey(mediaType), what + ": answered " + mediaType + ", documented " + content.keySet());
        if (response.get("headers") != null) {
            for (String header : map(response.get("headers")).keySet()) {
                assertTrue(answer.headers().firstValue(header).isPresent(), what + ": no " + header);
            }
        }
        if (mediaType.equals("application/json")) {
            conforms(api, resolve(api, map(map(content.get(mediaType)).get("schema"))), Jsoner.deserialize(answer.body()), what);
        }
        return answer;
    }

    /** The JSON has the documented shape: arrays and objects where they are said to be, required properties present. */
    private static void conforms(Map<String, Object> api, Map<String, Object> schema, Object json, String what) {
        if (schema == null) {
            return;
        }
        if ("array".equals(schema.get("type"))) {
            assertTrue(json instanceof List, what + ": not an array");
            for (Object item : (List<?>) json) {
                conforms(api, resolve(api, map(schema.get("items"))), item, what);
            }
        } else if ("object".equals(schema.get("type"))) {
            assertTrue(json instanceof Map, what + ": not an object");
            for (Object required : schema.get("required") == null ? List.of() : (List<?>) schema.get("required")) {
                assertTrue(((Map<?, ?>) json).containsKey(required), what + ": no " + required + " in " + json);
            }
        }
    }

    private static void everyReferenceResolves(Map<String, Object> api, Object node) {
        if (node instanceof Map<?, ?> m) {
            if (m.get("$ref") instanceof String ref) {
                assertNotNull(resolve(api, Map.of("$ref", ref)), "unresolved " + ref);
            }
            m.values().forEach(v -> everyReferenceResolves(api, v));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> everyReferenceResolves(api, v));
        }
    }

    private static Map<String, Object> resolve(Map<String, Object> api, Map<String, Object> node) {
        if (node == null || !(node.get("$ref") instanceof String ref)) {
            return node;
        }
        Object target = api;
        for (String step : ref.substring(2).split("/")) {
            target = map(target) == null ? null : map(target).get(step);
        }
        return map(target);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static URI uri(String path) {
        return URI.create(harness.gateway().baseUrl() + path);
    }

    private static HttpClient http(String party) {
        return HttpClient.newBuilder().sslContext(GatewayClient.sslContext(GatewayHarness.CERTS.resolve(party + ".p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD)).build();
    }
}
