package se.assistansbryggan.e2e;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import se.assistansbryggan.e2e.PolicyRows.Edit;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.SchemaFamily;

import static se.assistansbryggan.e2e.PolicyRows.*;

/**
 * One row per refusing policy rule (config/policy.properties, PolicyEngine): a golden file edited
 * to provoke the rule, sent over HTTPS with mutual TLS, refused with the rule's code, and nothing
 * left in any queue.
 */
class PolicyRefusalsTableTest extends SharedGateway.LeavesNoTrace {
    static Stream<Arguments> rows() {
        return Stream.of(
                row("sender-may-send: only IVO sends PERMIT_REVOCATION", MessageType.PERMIT_REVOCATION, "fk",
                        set("Huvud/Avsandare/Organisationsnummer", "202100-5521"), "SENDER_NOT_ALLOWED"),
                row("sender-may-send: FK cannot transfer a municipal decision", MessageType.DECISION_TRANSFER, "fk",
                        senderFk(), "SENDER_NOT_ALLOWED"),
                row("sender-may-send: the sender's unit must be in the directory", MessageType.ENTITLEMENT_REFERRAL,
                        "kommun-0180", set("Meddelande/Fran/Enhet", "ekonomikontoret"), "UNKNOWN_SENDER"),
                row("sender-writes-own-family: FK writes the FK family", MessageType.WITHDRAWAL_NOTICE, "fk", SchemaFamily.KOMMUN,
                        none(), "SCHEMA_FAMILY_MISMATCH"),
                row("reference-required: a contact confirmation names its notice", MessageType.CONTACT_CONFIRMATION,
                        "kommun-0180", remove("Meddelande/Referens"), "REFERENCE_MISSING"),
                row("gruppbostad-stays-with-kommun", MessageType.DECISION_TRANSFER, "kommun-1280",
                        set("Beslut/Boendeform", "GRUPPBOSTAD"), "NOT_TRANSFERABLE"),
                row("beyond-assistansersattning-stays-with-kommun", MessageType.DECISION_TRANSFER, "kommun-1280",
                        set("Beslut/UtoverAssistansersattning", "true"), "NOT_TRANSFERABLE"),
                row("beyond-assistansersattning-stays-with-kommun: 1 is the xs:boolean true", MessageType.DECISION_TRANSFER,
                        "kommun-1280", set("Beslut/UtoverAssistansersattning", "1"), "NOT_TRANSFERABLE"),
                row("consent-required: a samtycke time without a time zone is the sender's to fix", MessageType.PLANNED_WITHDRAWAL,
                        "fk", set("Samtycke/Lamnat", "2026-09-01T09:30:00"), "SCHEMA_INVALID"),
                row("reasons-need-consent: a samtycke time without a time zone is the sender's to fix", MessageType.DECISION_NOTICE,
                        "fk", set("Samtycke/Lamnat", "2026-09-01T09:30:00"), "SCHEMA_INVALID"),
                row("a withdrawal time without a time zone is refused whether or not a rule reads it", MessageType.WITHDRAWAL_NOTICE,
                        "fk", set("Samtycke/Aterkallat", "2026-10-15T12:00:00"), "SCHEMA_INVALID"),
                row("consent-required: no samtycke", MessageType.PLANNED_WITHDRAWAL, "fk", remove("Samtycke"), "CONSENT_MISSING"),
                row("consent-required: expired samtycke", MessageType.PLANNED_WITHDRAWAL, "fk",
                        set("Samtycke/GiltigtTill", "2026-01-31"), "CONSENT_MISSING"),
                row("consent-required: samtycke to something else", MessageType.PLANNED_WITHDRAWAL, "fk",
                        set("Samtycke/Omfattning", "MOTIVERING_TILL_KOMMUN"), "CONSENT_MISSING"),
                row("consent-required: withdrawn samtycke", MessageType.PLANNED_WITHDRAWAL, "fk",
                        root -> append(at(root, "Samtycke"), "Aterkallat", "2026-11-02T00:00:00Z"), "CONSENT_MISSING"),
                row("recipient-from-directory: a unit the directory does not know", MessageType.DECISION_NOTICE, "fk",
                        set("Huvud/Mottagare/Enhet", "ekonomikontoret"), "UNKNOWN_RECIPIENT"),
                row("recipient-from-directory: IVO does not receive decisions", MessageType.DECISION_NOTICE, "fk",
                        recipientIvo(), "RECIPIENT_NOT_ALLOWED"),
                row("recipient-from-directory: an addressed type names its recipient", MessageType.DECISION_NOTICE, "fk",
                        remove("Huvud/Mottagare"), "UNKNOWN_RECIPIENT"),
                row("recipient-is-bosattningskommun: not the kommun where the person lives", MessageType.DECISION_NOTICE, "fk",
                        set("Forsakrad/Bosattningskommun", "1480"), "RECIPIENT_NOT_ALLOWED"),
                row("recipient-is-bosattningskommun: the notice says where the person lives", MessageType.WITHDRAWAL_NOTICE, "fk",
                        remove("Forsakrad/Bosattningskommun"), "RECIPIENT_NOT_ALLOWED"),
                row("recipients-by-fan-out: the sender does not choose", MessageType.PERMIT_REVOCATION, "ivo",
                        addMottagare(), "RECIPIENT_NOT_ALLOWED"),
                row("recipients-by-fan-out: every affected kommun is in the directory", MessageType.PERMIT_REVOCATION, "ivo",
                        root -> append(at(root, "Tillstandsbeslut"), "BerordKommun", "9999"), "UNKNOWN_RECIPIENT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void refuses(String rule, MessageType type, String sender, SchemaFamily family, Edit edit, String code) throws Exception {
        assertRefused(code, harness.clientAs(sender).post(signed(type, sender, family, edit)));
    }
}
