package se.assistansbryggan.e2e;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One real gateway (default settings, its own data directory) for all tests of a class. */
abstract class SharedGateway {
    static final X509Certificate GATEWAY_SIGNER = GatewayHarness.key("gateway-sign").certificate();
    @TempDir
    static Path data;
    static GatewayHarness harness;

    @BeforeAll
    static void startGateway() throws Exception {
        harness = new GatewayHarness(data.resolve("data")).start();
    }

    @AfterAll
    static void stopGateway() throws Exception {
        harness.close();
    }

    /** A signed REFUSED receipt with this code (the wording is never asserted). */
    static Receipt assertRefused(String code, Answer answer) {
        Receipt receipt = Receipt.parse(answer.body());
        assertEquals("REFUSED", receipt.status(), answer.body());
        assertEquals(code, receipt.code(), answer.body());
        assertEquals(GATEWAY_SIGNER, XmlSignatures.verify(receipt.document()));
        return receipt;
    }

    /** Refused input leaves no trace: after each test the broker holds nothing. */
    abstract static class LeavesNoTrace extends SharedGateway {
        @org.junit.jupiter.api.AfterEach
        void no_queue_received_anything() {
            assertEquals(0, harness.gateway().broker().totalMessages(),
                    () -> "a refused message left a trace in a queue: " + harness.gateway().broker().nonEmptyQueues());
        }
    }
}
