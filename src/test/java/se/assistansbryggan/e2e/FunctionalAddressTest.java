package se.assistansbryggan.e2e;

import java.util.List;
import org.junit.jupiter.api.Test;
import se.assistansbryggan.client.OperatorClient;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The right function, not just the right kommun (seed 002: notices reached the economy unit, not
 * the LSS case officer). Malmö declares in config/functions.csv which of its units receives which
 * type; a notice naming no unit goes there, one naming a unit goes to that one, a kommun that
 * declared nothing gets it on its own queue, and the delivery says which rule chose.
 */
class FunctionalAddressTest extends SharedGateway {

    @Test
    void a_notice_naming_no_unit_goes_to_the_unit_declared_for_its_type() throws Exception {
        QueueReader.Received received = sendToMalmo(null, "kommun.1280.lss");
        assertTrue(received.rules().contains("unit-declared-for-type"), received.rules());
        assertFalse(received.rules().contains("unit-named-by-sender"), received.rules());
    }

    @Test
    void a_notice_naming_a_unit_goes_to_that_unit() throws Exception {
        QueueReader.Received received = sendToMalmo("ekonomi", "kommun.1280.ekonomi");
        assertTrue(received.rules().contains("unit-named-by-sender"), received.rules());
        assertFalse(received.rules().contains("unit-declared-for-type"), received.rules());
    }

    @Test
    void a_kommun_that_declared_nothing_gets_the_notice_on_its_own_queue() throws Exception {
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(
                GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk")).body());
        try (QueueReader reader = harness.reader()) {
            QueueReader.Received received = reader.receive("kommun.0180", 5000).orElseThrow();
            assertEquals(receipt.messageId(), received.messageId());
            assertFalse(received.rules().contains("unit-"), received.rules());
        }
    }

    @Test
    void operators_and_the_kommun_list_the_declarations() throws Exception {
        OperatorClient operator = new OperatorClient(harness.gateway().baseUrl(), GatewayHarness.CERTS.resolve("operator.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        String all = operator.functions(null).body();
        for (String type : List.of("WITHDRAWAL_NOTICE", "DECISION_NOTICE", "PLANNED_WITHDRAWAL", "PAYMENT_RECIPIENT_NOTICE")) {
            assertTrue(all.contains("\"type\":\"" + type + "\""), all);
        }
        assertTrue(all.contains("\"queue\":\"kommun.1280.ekonomi\""), all);
        assertEquals("[]", operator.functions("kommun-0180").body());
        assertEquals(404, operator.functions("kommun-9999").status());
        String malmo = harness.clientAs("kommun-1280").functions().body();
        assertTrue(malmo.contains("\"queue\":\"kommun.1280.lss\"") && malmo.contains("\"toItsOwnQueue\""), malmo);
        String stockholm = harness.clientAs("kommun-0180").functions().body();
        assertTrue(stockholm.contains("\"declared\":[]") && !stockholm.contains("1280"), stockholm);
    }

    private static QueueReader.Received sendToMalmo(String unit, String queue) throws Exception {
        byte[] notice = GatewayHarness.signedEdited("withdrawal-with-reasons-no-consent.xml", GatewayHarness.key("fk"), root -> {
            GatewayHarness.at(root, "Huvud", "Mottagare", "Organisationsnummer").setTextContent("212000-1124");
            GatewayHarness.at(root, "Huvud", "Mottagare", "Kommunkod").setTextContent("1280");
            GatewayHarness.at(root, "Forsakrad", "Bosattningskommun").setTextContent("1280");
            if (unit != null) {
                var mottagare = GatewayHarness.at(root, "Huvud", "Mottagare");
                var enhet = root.getOwnerDocument().createElementNS(mottagare.getNamespaceURI(), mottagare.getPrefix() + ":Enhet");
                enhet.setTextContent(unit);
                mottagare.appendChild(enhet);
            }
        });
        Receipt receipt = Receipt.parse(harness.clientAs("fk").post(notice).body());
        assertEquals("ACCEPTED", receipt.status(), receipt.code());
        try (QueueReader reader = harness.reader()) {
            QueueReader.Received received = reader.receive(queue, 5000).orElseThrow(() -> new AssertionError("nothing on " + queue));
            assertEquals(receipt.messageId(), received.messageId());
            return received;
        }
    }
}
