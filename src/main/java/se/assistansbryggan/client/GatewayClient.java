package se.assistansbryggan.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import se.assistansbryggan.message.KeyMaterial;

/**
 * A sender's side of the gateway: posts a document over HTTPS with the party's client
 * certificate (mutual TLS), trusting only the given truststore. Used by the {@code send}
 * command, the tests and the benchmark.
 */
public final class GatewayClient {
    private final HttpClient http;
    private final URI baseUrl;

    public GatewayClient(String baseUrl, Path clientKeystore, Path truststore, char[] password) {
        this(baseUrl, clientKeystore, truststore, password, null);
    }

    /** @param executor runs the client's asynchronous work (null: the HTTP client's own pool, whose idle threads end) */
    public GatewayClient(String baseUrl, Path clientKeystore, Path truststore, char[] password, java.util.concurrent.Executor executor) {
        this.baseUrl = URI.create(baseUrl);
        HttpClient.Builder builder = HttpClient.newBuilder().sslContext(sslContext(clientKeystore, truststore, password))
                .connectTimeout(Duration.ofSeconds(10));
        this.http = (executor == null ? builder : builder.executor(executor)).build();
    }

    /** The gateway's answer: status, body and headers (Retry-After on RATE_LIMITED). */
    public record Answer(int status, String body, java.net.http.HttpHeaders headers) {
        public Answer(int status, String body) {
            this(status, body, java.net.http.HttpHeaders.of(java.util.Map.of(), (k, v) -> true));
        }

        public java.util.Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    public Answer post(byte[] document) throws IOException, InterruptedException {
        return post(document, "application/xml");
    }

    public Answer post(byte[] document, String contentType) throws IOException, InterruptedException {
        return send("/messages", contentType, null, document);
    }

    /** As {@link #post(byte[])}, without waiting: for load generators that must keep their schedule. */
    public java.util.concurrent.CompletableFuture<Answer> postAsync(byte[] document) {
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve("/messages")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofByteArray(document)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(response.statusCode(), response.body(), response.headers()));
    }

    /** {@code GET /pull/next}: the next message of this party's queue (204 when there is none). */
    public Answer pullNext() throws IOException, InterruptedException {
        return pullNext(null);
    }

    /** The next message for one of the party's units (null: the party's own queue). */
    public Answer pullNext(String unit) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(baseUrl.resolve("/pull/next" + (unit == null ? "" : "?unit=" + unit)))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers());
    }

    /** {@code GET /pull/functions}: which of this party's units receives which message type when the sender names none. */
    public Answer functions() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(baseUrl.resolve("/pull/functions"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers());
    }

    /** {@code POST /pull/ack/{id}}: the message is processed and may be forgotten. */
    public Answer acknowledge(String messageId) throws IOException, InterruptedException {
        return acknowledge(messageId, null);
    }

    public Answer acknowledge(String messageId, String unit) throws IOException, InterruptedException {
        return acknowledge(messageId, unit, null);
    }

    /** As {@link #acknowledge(String, String)}, naming the sender (X-Message-Sender) when two senders used one id. */
    public Answer acknowledge(String messageId, String unit, String sender) throws IOException, InterruptedException {
        String query = (unit == null ? "" : "&unit=" + unit) + (sender == null ? "" : "&sender=" + sender);
        return send("/pull/ack/" + messageId + (query.isEmpty() ? "" : "?" + query.substring(1)), "text/plain", null, new byte[0]);
    }

    /** Wraps the document in the SOAP envelope of {@code schemas/intake.wsdl} and posts it to /soap. */
    /** Posts a whole SOAP request as given, well-formed or not. */
    public Answer postSoapEnvelope(String envelope) throws IOException, InterruptedException {
        return send("/soap", "text/xml; charset=UTF-8", "\"urn:se:assistansbryggan:intake:v1:Skicka\"",
                envelope.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Answer postSoap(String documentXml) throws IOException, InterruptedException {
        String envelope = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<in:Inlamning xmlns:in=\"urn:se:assistansbryggan:intake:v1\">" + documentXml
                + "</in:Inlamning></soap:Body></soap:Envelope>";
        return send("/soap", "text/xml; charset=UTF-8", "\"urn:se:assistansbryggan:intake:v1:Skicka\"",
                envelope.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private Answer send(String path, String contentType, String soapAction, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (soapAction != null) {
            request.header("SOAPAction", soapAction);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers());
    }

    /** A TLS context presenting the keystore's client certificate (none if null) and trusting the truststore. */
    public static SSLContext sslContext(Path clientKeystore, Path truststore, char[] password) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(clientKeystore == null ? null : KeyMaterial.loadPkcs12(clientKeystore, password), password);
            KeyStore trusted = KeyMaterial.loadPkcs12(truststore, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
