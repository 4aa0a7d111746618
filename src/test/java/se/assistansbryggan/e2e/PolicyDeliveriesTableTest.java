package se.assistansbryggan.e2e;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import se.assistansbryggan.client.QueueReader.Received;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.e2e.PolicyRows.Edit;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.assistansbryggan.e2e.PolicyRows.*;

/**
 * One row per delivering policy rule: a golden file, perhaps edited, is delivered with the rule
 * named in its metadata and the field the rule governs present or absent.
 */
class PolicyDeliveriesTableTest extends SharedGateway {
    static Stream<Arguments> rows() {
        return Stream.of(
                delivered("reasons-with-consent", MessageType.DECISION_NOTICE, none(), "kommun.0180.lss", "Beslut/Motivering", true),
                delivered("reasons-need-consent", MessageType.DECISION_NOTICE, remove("Samtycke"), "kommun.0180.lss",
                        "Beslut/Motivering", false),
                delivered("protected-identity", MessageType.DECISION_NOTICE, set("Forsakrad/Skyddad", "true"), "kommun.0180.lss",
                        "Enskild/Adress", false),
                delivered("protected-identity", MessageType.DECISION_NOTICE, set("Forsakrad/Skyddad", "1"), "kommun.0180.lss",
                        "Enskild/Telefon", false),
                delivered("allow-list", MessageType.PAYMENT_RECIPIENT_NOTICE, none(), "kommun.0180", "Enskild/Adress", false),
                delivered("high-priority", MessageType.PERMIT_REVOCATION, none(), "fk", "Tillstandsbeslut/AnstandTill", true),
                delivered("contact-follow-up", MessageType.WITHDRAWAL_NOTICE, none(), "kommun.1480", "Beslut/GallerFran", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void delivers(String rule, MessageType type, Edit edit, String queue, String path, boolean present) throws Exception {
        String sender = type == MessageType.PERMIT_REVOCATION ? "ivo" : "fk";
        Receipt receipt = Receipt.parse(harness.clientAs(sender).post(signed(type, sender, SchemaFamily.FK, edit)).body());
        assertEquals("ACCEPTED", receipt.status(), receipt.code());
        try (var reader = harness.reader()) {
            Received received = reader.receive(queue, 5000).orElseThrow();
            assertEquals(receipt.messageId(), received.messageId());
            assertTrue(java.util.List.of(received.rules().split(",")).contains(rule), received.rules());
            Element root = SecureXml.parse(received.text().getBytes(StandardCharsets.UTF_8)).getDocumentElement();
            if (present) {
                assertNotNull(find(root, path), path);
            } else {
                assertNull(find(root, path), path);
            }
            while (reader.receive("kommun.0180", 1).isPresent() || reader.receive("kommun.1480", 1).isPresent()
                    || reader.receive("fk", 1).isPresent()) {
                // the other recipients of a fan-out
            }
        }
    }
}
