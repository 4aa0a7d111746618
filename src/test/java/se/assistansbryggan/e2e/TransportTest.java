package se.assistansbryggan.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTPS door: only TLS 1.2/1.3 with strong suites, and no body the gateway would have to hold whole. */
class TransportTest extends SharedGateway.LeavesNoTrace {

    @Test
    void tls_1_3_and_1_2_with_a_strong_suite_connect() throws Exception {
        handshake(new String[] {"TLSv1.3"}, null);
        handshake(new String[] {"TLSv1.2"}, new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
    }

    @Test
    void tls_1_1_is_refused() {
        assertThrows(IOException.class, () -> handshake(new String[] {"TLSv1.1"}, null));
    }

    @Test
    void a_cbc_suite_is_refused() {
        assertThrows(IOException.class,
                () -> handshake(new String[] {"TLSv1.2"}, new String[] {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}));
    }

    @Test
    void a_soap_envelope_over_the_limit_is_refused_with_a_signed_receipt() throws Exception {
        int limit = harness.gateway().config().integer("gateway.intake.max-bytes");
        String padding = " ".repeat(limit + 1024);
        String signed = new String(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"),
                StandardCharsets.UTF_8);
        Answer answer = harness.clientAs("fk").postSoap(signed.replace("</fk:Huvud>", "</fk:Huvud>" + padding));
        String kvittens = answer.body().substring(answer.body().indexOf("<Kvittens"), answer.body().indexOf("</Kvittens>") + 11);
        assertEquals("MESSAGE_TOO_LARGE", Receipt.parse(kvittens).code());
    }

    /** Whether CXF or the route gives up on them, they get a signed refusal with a code (in a fault, where CXF did). */
    @Test
    void a_soap_request_cxf_cannot_read_gets_a_signed_refusal_in_its_fault() throws Exception {
        GatewayClient fk = harness.clientAs("fk");
        String envelope = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>";
        java.util.Map<String, String> requests = java.util.Map.of(
                "this is not XML at all", "XML_MALFORMED",
                envelope + "<in:Inlamning xmlns:in=\"urn:se:assistansbryggan:intake:v1\"><cut-off", "XML_MALFORMED",
                envelope + "<Okand/></soap:Body></soap:Envelope>", "UNSUPPORTED_MESSAGE_TYPE");
        for (var request : requests.entrySet()) {
            Answer answer = fk.postSoapEnvelope(request.getKey());
            // in the SOAP body when the route read it, in the fault's detail when CXF could not
            assertTrue(answer.body().contains("<Kvittens"), answer.body());
            String kvittens = answer.body().substring(answer.body().indexOf("<Kvittens"), answer.body().indexOf("</Kvittens>") + 11);
            Receipt receipt = Receipt.parse(kvittens);
            assertEquals(request.getValue(), receipt.code(), request.getKey());
            assertEquals(GatewayHarness.key("gateway-sign").certificate(),
                    se.assistansbryggan.trust.XmlSignatures.verify(receipt.document()));
        }
        assertEquals(0, harness.gateway().broker().totalMessages());
    }

    @Test
    void a_body_far_over_the_limit_is_cut_off_before_it_is_read_whole() throws Exception {
        int limit = harness.gateway().config().integer("gateway.intake.max-bytes");
        byte[] huge = new byte[8 * limit];
        Arrays.fill(huge, (byte) 'a');
        GatewayClient fk = harness.clientAs("fk");
        try {
            Answer answer = fk.postSoap(new String(huge, StandardCharsets.US_ASCII));
            // on the SOAP door a refusal is the operation's output (HTTP 200)
            assertEquals(200, answer.status());
            assertTrue(answer.body().contains("<Kod>MESSAGE_TOO_LARGE</Kod>"), answer.body());
        } catch (IOException closedMidRequest) {
            // also acceptable: the server stopped reading and closed the connection
        }
    }

    /** The doors answer a body declared too large at once, signed, without waiting for a byte of it. */
    @Test
    void a_body_declared_over_the_limit_gets_a_signed_refusal_before_it_is_read() throws Exception {
        for (String door : new String[] {"/messages", "/soap"}) {
            String response = headersOnly("POST " + door + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                    + "Content-Length: 104857600\r\n\r\n");
            // POST answers with the refusal's status; SOAP with the operation's output, HTTP 200
            assertTrue(response.startsWith(door.equals("/soap") ? "HTTP/1.1 200" : "HTTP/1.1 413"), door + ": " + response);
            String kvittens = response.substring(response.indexOf("<Kvittens"), response.indexOf("</Kvittens>") + 11);
            Receipt receipt = Receipt.parse(kvittens);
            assertEquals("MESSAGE_TOO_LARGE", receipt.code(), door);
            assertEquals(GatewayHarness.key("gateway-sign").certificate(),
                    se.assistansbryggan.trust.XmlSignatures.verify(receipt.document()), door);
        }
        assertEquals(0, harness.gateway().broker().totalMessages());
    }

    /** Sends request headers and no body over mutual TLS as FK; the whole answer, read until the gateway closes. */
    static String headersOnly(String request) throws Exception {
        return raw(request.getBytes(StandardCharsets.US_ASCII));
    }

    /** Sends these bytes over mutual TLS as FK; the whole answer, read until the gateway closes. */
    static String raw(byte[] request) throws Exception {
        SSLContext context = GatewayClient.sslContext(GatewayHarness.CERTS.resolve("fk.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        URI base = URI.create(harness.gateway().baseUrl());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void handshake(String[] protocols, String[] suites) throws Exception {
        SSLContext context = GatewayClient.sslContext(GatewayHarness.CERTS.resolve("fk.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        URI base = URI.create(harness.gateway().baseUrl());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(base.getHost(), base.getPort())) {
            socket.setEnabledProtocols(protocols);
            if (suites != null) {
                socket.setEnabledCipherSuites(suites);
            }
            socket.startHandshake();
            socket.getOutputStream().write("GET /messages HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            if (socket.getInputStream().read() < 0) {
                throw new IOException("closed after the handshake");
            }
        }
    }
}
