package se.assistansbryggan.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import se.assistansbryggan.client.GatewayClient.Answer;

/** The operators' side of /operations and /audit, over mutual TLS with an operator's client certificate. */
public final class OperatorClient {
    private final HttpClient http;
    private final URI base;

    public OperatorClient(String baseUrl, Path operatorKeystore, Path truststore, char[] password) {
        this.base = URI.create(baseUrl + "/operations/");
        this.http = HttpClient.newBuilder().sslContext(GatewayClient.sslContext(operatorKeystore, truststore, password))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public Answer queues() throws IOException, InterruptedException {
        return call("GET", "queues");
    }

    /** The functional addresses declared, of one party or (null) all. */
    public Answer functions(String party) throws IOException, InterruptedException {
        return call("GET", party == null ? "functions" : "functions?party=" + java.net.URLEncoder.encode(party,
                java.nio.charset.StandardCharsets.UTF_8));
    }

    /** What needs an operator, most urgent first. */
    public Answer attention() throws IOException, InterruptedException {
        return call("GET", "attention");
    }

    /** Every provider with its IVO permit id and permit status as the gateway recorded it. */
    public Answer providers() throws IOException, InterruptedException {
        return call("GET", "providers");
    }

    public Answer escalations() throws IOException, InterruptedException {
        return call("GET", "escalations");
    }

    public Answer followUps() throws IOException, InterruptedException {
        return call("GET", "follow-ups");
    }

    public Answer deadLetters(String query) throws IOException, InterruptedException {
        return call("GET", "dead-letters" + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    public Answer show(String queue, String messageId) throws IOException, InterruptedException {
        return call("GET", "dead-letters/" + queue + "/" + messageId);
    }

    public Answer retry(String queue, String messageId, String reason) throws IOException, InterruptedException {
        return call("POST", "dead-letters/" + queue + "/" + messageId + "/retry?reason=" + encode(reason));
    }

    /** Every dead letter of a queue back to its queue, optionally only of a type or sender. */
    public Answer retryAll(String queue, String type, String sender, String reason) throws IOException, InterruptedException {
        return call("POST", "dead-letters/" + queue + "/retry?reason=" + encode(reason)
                + (type == null ? "" : "&type=" + encode(type)) + (sender == null ? "" : "&sender=" + encode(sender)));
    }

    public Answer discard(String queue, String messageId, String reason) throws IOException, InterruptedException {
        return call("DELETE", "dead-letters/" + queue + "/" + messageId + "?reason=" + encode(reason));
    }

    /** Every gateway instance's audit mark as the broker keeps it: how far its trail reached, its newest checkpoint (JSON). */
    public Answer auditMarks() throws IOException, InterruptedException {
        return call("GET", "../audit/marks");
    }

    /** A person's register extract: JSON, or (html) an XHTML page signed by the gateway. The number goes in the body. */
    public Answer auditExtract(String personnummer, boolean html) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("../audit/extract" + (html ? "?format=html" : "")))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "text/plain; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(personnummer, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.body(), response.headers());
    }

    private Answer call(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers());
    }

    private static String encode(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
