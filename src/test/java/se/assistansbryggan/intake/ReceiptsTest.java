package se.assistansbryggan.intake;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.metrics.GatewayMetrics;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures that are not the sender's become signed refusals the sender can act on: send again. */
class ReceiptsTest {
    static final KeyMaterial GATEWAY = KeyMaterial.fromPkcs12(Path.of("certs-sample/gateway-sign.p12"), "changeit".toCharArray());
    @TempDir
    Path dir;

    @Test
    void an_unexpected_failure_is_a_signed_internal_error() {
        Exchange exchange = refusedBecause(new IllegalStateException("a bug"));
        assertEquals("INTERNAL_ERROR", code(exchange));
        assertEquals(500, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    }

    @Test
    void a_broker_failure_is_a_signed_broker_unavailable() {
        Exchange exchange = refusedBecause(new RuntimeException(new jakarta.jms.JMSException("connection lost")));
        assertEquals("BROKER_UNAVAILABLE", code(exchange));
        assertEquals(503, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    }

    @Test
    void every_refusal_is_audited() throws Exception {
        refusedBecause(Refusal.SCHEMA_INVALID.because("test"));
        String trail = java.nio.file.Files.readString(dir.resolve("audit/trail.jsonl"));
        assertTrue(trail.contains("\"code\":\"SCHEMA_INVALID\""));
    }

    private Exchange refusedBecause(Throwable failure) {
        Receipts receipts = new Receipts(GATEWAY, new AuditTrail(dir.resolve("audit/trail.jsonl"),
                "s".getBytes(StandardCharsets.UTF_8), Clock.systemUTC()), new GatewayMetrics(java.util.Map::of, "gateway.followups"), Clock.systemUTC());
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        receipts.refused(exchange);
        return exchange;
    }

    private static String code(Exchange exchange) {
        var receipt = SecureXml.parse(exchange.getMessage().getBody(byte[].class));
        assertEquals(GATEWAY.certificate(), XmlSignatures.verify(receipt));
        Element root = receipt.getDocumentElement();
        assertEquals("REFUSED", Dom.text(root, "Status"));
        return Dom.text(root, "Kod");
    }
}
