package se.assistansbryggan.e2e;

import jakarta.xml.ws.BindingProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.transport.http.HTTPConduit;
import org.junit.jupiter.api.Test;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.integrator.intake.Inlamning;
import se.assistansbryggan.integrator.intake.IntakePortType;
import se.assistansbryggan.integrator.intake.IntakeService;
import se.assistansbryggan.integrator.kvittens.KvittensTyp;
import se.assistansbryggan.integrator.kvittens.StatusTyp;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.SecureXml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SOAP door as a Java integrator uses it: a JAX-WS client generated at build time from
 * schemas/intake.wsdl (cxf-codegen-plugin), over mutual TLS. An accepted and a refused message
 * both come back as the operation's output, the signed Kvittens, with HTTP 200: its status, code
 * and sentence read through the generated types.
 */
class SoapIntegratorTest extends SharedGateway {

    @Test
    void an_accepted_message_comes_back_as_its_receipt() throws Exception {
        KvittensTyp receipt = portAs("fk").skicka(inlamning(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")));
        assertEquals(StatusTyp.ACCEPTED, receipt.getStatus(), receipt.getText());
        assertNotNull(receipt.getMeddelandeId());
        try (var reader = harness.reader()) {
            assertEquals(receipt.getMeddelandeId(), reader.receive("kommun.0180", 5000).orElseThrow().messageId());
        }
    }

    @Test
    void a_refused_message_comes_back_as_its_receipt_with_code_and_sentence() throws Exception {
        byte[] unsigned = SecureXml.serialize(GatewayHarness.freshFixture("withdrawal-with-reasons-no-consent.xml"));
        KvittensTyp receipt = portAs("fk").skicka(inlamning(unsigned));
        assertEquals(StatusTyp.REFUSED, receipt.getStatus());
        assertEquals("SIGNATURE_MISSING", receipt.getKod());
        assertTrue(receipt.getText() != null && !receipt.getText().isBlank());
        assertNotNull(receipt.getAny(), "the receipt carries the gateway's signature");

        byte[] fromStockholm = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "kommun-0180");
        KvittensTyp mismatch = portAs("kommun-0180").skicka(inlamning(fromStockholm));
        assertEquals(StatusTyp.REFUSED, mismatch.getStatus());
        assertEquals("SENDER_MISMATCH", mismatch.getKod());
    }

    /**
     * A refusal made before the message is read, here RATE_LIMITED (FK's share of one request is held
     * by a slow one), reaches the generated client the same way: its Kvittens, HTTP 200.
     */
    @Test
    void a_refusal_before_the_message_is_read_reaches_the_client_as_its_receipt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        try (GatewayHarness limited = new GatewayHarness(dir).start(java.util.Map.of("gateway.https.in-flight-per-party.fk", "1"))) {
            javax.net.ssl.SSLContext fk = GatewayClient.sslContext(GatewayHarness.CERTS.resolve("fk.p12"),
                    GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
            URI base = URI.create(limited.gateway().baseUrl());
            try (javax.net.ssl.SSLSocket slow = (javax.net.ssl.SSLSocket) fk.getSocketFactory().createSocket(base.getHost(), base.getPort())) {
                slow.getOutputStream().write(("POST /soap HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 5000\r\n\r\n<")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                slow.getOutputStream().flush();
                Thread.sleep(1000); // its headers are read: it holds FK's one slot
                KvittensTyp receipt = port("fk", limited.gateway().baseUrl()).skicka(
                        inlamning(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")));
                assertEquals(StatusTyp.REFUSED, receipt.getStatus());
                assertEquals("RATE_LIMITED", receipt.getKod());
            }
        }
    }

    /**
     * The WSDL is served, and declares the Refusal fault (detail: the Kvittens) that requests the
     * gateway cannot read as the operation get (TransportTest sends such requests).
     */
    @Test
    void the_wsdl_is_served_at_soap_wsdl() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(GatewayClient.sslContext(GatewayHarness.CERTS.resolve("fk.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD)).build();
        HttpResponse<String> wsdl = http.send(HttpRequest.newBuilder(URI.create(harness.gateway().baseUrl() + "/soap?wsdl")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, wsdl.statusCode());
        assertTrue(wsdl.body().contains("IntakeService") && wsdl.body().contains("Skicka"), wsdl.body());
        assertTrue(wsdl.body().contains("wsdl:fault name=\"Refusal\""), wsdl.body());
    }

    private static Inlamning inlamning(byte[] document) {
        Inlamning inlamning = new Inlamning();
        inlamning.setAny(SecureXml.parse(document).getDocumentElement());
        return inlamning;
    }

    private static IntakePortType portAs(String party) throws Exception {
        return port(party, harness.gateway().baseUrl());
    }

    private static IntakePortType port(String party, String baseUrl) throws Exception {
        IntakePortType port = new IntakeService(Path.of("schemas/intake.wsdl").toUri().toURL()).getIntakePort();
        ((BindingProvider) port).getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, baseUrl + "/soap");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(KeyMaterial.loadPkcs12(GatewayHarness.CERTS.resolve(party + ".p12"), GatewayHarness.PASSWORD), GatewayHarness.PASSWORD);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(KeyMaterial.loadPkcs12(GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD));
        TLSClientParameters tls = new TLSClientParameters();
        tls.setKeyManagers(keys.getKeyManagers());
        tls.setTrustManagers(trust.getTrustManagers());
        ((HTTPConduit) ClientProxy.getClient(port).getConduit()).setTlsClientParameters(tls);
        return port;
    }
}
