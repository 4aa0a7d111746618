package se.assistansbryggan.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.message.SecureXml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static se.assistansbryggan.e2e.GatewayHarness.fixture;
import static se.assistansbryggan.e2e.GatewayHarness.freshFixture;
import static se.assistansbryggan.e2e.GatewayHarness.signedEdited;
import static se.assistansbryggan.e2e.GatewayHarness.signedFixture;

/**
 * Every bad input gets a signed REFUSED receipt with its stable code, and leaves no trace in any
 * queue. Each test asserts the code (never the wording) and that the broker holds nothing.
 */
class RefusalsTest extends SharedGateway.LeavesNoTrace {

    @Test
    void unsigned() throws Exception {
        byte[] unsigned = SecureXml.serialize(freshFixture("withdrawal-with-reasons-no-consent.xml"));
        assertRefused("SIGNATURE_MISSING", 400, harness.clientAs("fk").post(unsigned));
    }

    @Test
    void one_character_changed_after_signing() throws Exception {
        String signed = new String(signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"), StandardCharsets.UTF_8);
        String tampered = signed.replace("FK-2026-104233", "FK-2026-104234");
        assertRefused("SIGNATURE_INVALID", 400, harness.clientAs("fk").post(tampered.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void signed_by_a_party_that_is_not_the_declared_sender() throws Exception {
        byte[] signedByKommun = signedFixture("withdrawal-with-reasons-no-consent.xml", "kommun-0180");
        assertRefused("SENDER_MISMATCH", 403, harness.clientAs("fk").post(signedByKommun));
    }

    @Test
    void tls_client_certificate_of_another_organisation() throws Exception {
        byte[] signedByFk = signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        assertRefused("CLIENT_CERT_MISMATCH", 403, harness.clientAs("kommun-0180").post(signedByFk));
    }

    @Test
    void schema_invalid_document() throws Exception {
        byte[] invalid = signedFixture("withdrawal-schema-invalid.xml", "fk");
        assertRefused("SCHEMA_INVALID", 400, harness.clientAs("fk").post(invalid));
    }

    @Test
    void a_malformed_personnummer_is_refused_without_being_echoed() throws Exception {
        Answer answer = harness.clientAs("fk").post(signedFixture("withdrawal-personnummer-malformed.xml", "fk"));
        assertRefused("SCHEMA_INVALID", 400, answer);
        assertFalse(answer.body().contains("19840709238"), "the refusal repeats the personal number");
    }

    @Test
    void document_with_a_dtd_and_an_external_entity() throws Exception {
        assertRefused("XML_FORBIDDEN_CONSTRUCT", 400,
                harness.clientAs("fk").post(fixture("withdrawal-with-external-entity.xml")));
    }

    @Test
    void a_document_of_no_known_message_type() throws Exception {
        byte[] receiptAsMessage = signedEdited("withdrawal-with-reasons-no-consent.xml", GatewayHarness.key("fk"), root -> { });
        String renamed = new String(receiptAsMessage, StandardCharsets.UTF_8)
                .replace("fk:IndragenAssistansersattning", "fk:OkandMeddelandetyp");
        assertRefused("UNSUPPORTED_MESSAGE_TYPE", 400, harness.clientAs("fk").post(renamed.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void not_xml_at_all() throws Exception {
        assertRefused("XML_MALFORMED", 400, harness.clientAs("fk").post("hej".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void wrong_content_type() throws Exception {
        byte[] notice = signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        assertRefused("CONTENT_TYPE_UNSUPPORTED", 415, harness.clientAs("fk").post(notice, "application/json"));
    }

    @Test
    void nesting_deeper_than_any_message_needs() throws Exception {
        String deep = "<a xmlns=\"urn:x\">".repeat(10_000) + "</a>".repeat(10_000);
        assertRefused("XML_LIMIT_EXCEEDED", 400, harness.clientAs("fk").post(deep.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_body_that_lies_about_its_encoding() throws Exception {
        String signed = new String(signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"), StandardCharsets.UTF_8);
        String lying = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + signed;
        assertRefused("XML_MALFORMED", 400, harness.clientAs("fk").post(lying.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_truncated_body() throws Exception {
        byte[] notice = signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        assertRefused("XML_MALFORMED", 400, harness.clientAs("fk").post(Arrays.copyOf(notice, notice.length / 2)));
    }

    @Test
    void document_larger_than_the_limit() throws Exception {
        int limit = harness.gateway().config().integer("gateway.intake.max-bytes");
        byte[] big = new byte[limit + 4096];
        Arrays.fill(big, (byte) ' ');
        byte[] signed = signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        System.arraycopy(signed, 0, big, 0, signed.length);
        assertRefused("MESSAGE_TOO_LARGE", 413, harness.clientAs("fk").post(big));
    }

    @Test
    void a_kommun_sending_a_withdrawal_notice() throws Exception {
        byte[] fromKommun = signedFixture("withdrawal-from-kommun.xml", "kommun-0180");
        assertRefused("SENDER_NOT_ALLOWED", 403, harness.clientAs("kommun-0180").post(fromKommun));
    }

    @Test
    void signing_certificate_revoked() throws Exception {
        byte[] fromKommun = signedFixture("withdrawal-from-kommun.xml", "kommun-1480-revoked");
        assertRefused("CERT_REVOKED", 403, harness.clientAs("kommun-0180").post(fromKommun));
    }

    @Test
    void signing_certificate_expired() throws Exception {
        byte[] fromKommun = signedFixture("withdrawal-from-kommun.xml", "kommun-1280-expired");
        assertRefused("CERT_EXPIRED", 403, harness.clientAs("kommun-0180").post(fromKommun));
    }

    @Test
    void no_client_certificate_no_connection() {
        GatewayClient anonymous = new GatewayClient(harness.gateway().baseUrl(), null,
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
        assertThrows(IOException.class, () -> anonymous.post(fixture("withdrawal-with-reasons-no-consent.xml")));
    }

    private static void assertRefused(String code, int httpStatus, Answer answer) {
        assertRefused(code, answer);
        assertEquals(httpStatus, answer.status());
    }
}
