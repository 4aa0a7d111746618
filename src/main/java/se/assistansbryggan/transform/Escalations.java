package se.assistansbryggan.transform;

import java.util.UUID;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.ClockKind;
import se.assistansbryggan.message.DueClock;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Recipient;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;
import se.assistansbryggan.trust.PartyDirectory;

/**
 * What a due clock sends, signed by the gateway, in the recipient's own schema family: the
 * Eskalering a recipient receives when it did not answer in time (a kommun that did not confirm
 * contact, 8 b § LSS, förslag; a unit that did not take an acute decision over, seed 004; FK that
 * did not answer a transfer, seed 000), or the Paminnelse a recipient receives before a date in an
 * earlier message.
 */
public final class Escalations {
    private final PartyDirectory directory;
    private final KeyMaterial gatewayKey;

    public Escalations(PartyDirectory directory, KeyMaterial gatewayKey) {
        this.directory = directory;
        this.gatewayKey = gatewayKey;
    }

    public String document(DueClock due) {
        Recipient recipient = directory.recipient(due.recipient())
                .orElseThrow(() -> new IllegalStateException("the clock's recipient left the directory: " + due.recipient()));
        Document document = due.kind() == ClockKind.ESCALATION ? escalation(due, recipient) : reminder(due, recipient);
        SchemaGuard.validate(document);
        XmlSigner.sign(document, gatewayKey);
        return SecureXml.text(document);
    }

    private static final String REVOCATION_MEMO = "underrättelseskyldighet enligt förslag i promemorian Utbetalning av ersättning för personlig assistans endast vid tillstånd (Socialdepartementet 2021)";

    /** What an escalation says, and on which ground, by the type of the message that was not answered. */
    private record Ground(String legalBasis, String notAnswered, String received) {}

    private static final java.util.Map<String, Ground> GROUNDS = java.util.Map.of(
            "PERMIT_REVOCATION", new Ground(REVOCATION_MEMO,
                    "Kommunen har inte bekräftat (REVOCATION_FOLLOW_UP) att den informerat de assistansberättigade om att anordnarens"
                            + " tillstånd återkallats (meddelandet %s) innan anståndet löper ut. Informera dem om behovet att byta"
                            + " assistansanordnare utan dröjsmål.",
                    "Återkallelsen %s togs emot av kommunens system, men kommunen har inte bekräftat att de assistansberättigade"
                            + " informerats: informera dem utan dröjsmål."),
            "ACUTE_DECISION_HANDOVER", new Ground("9 § 2 LSS",
                    "Enheten har inte bekräftat att den tagit över det akuta beslutet i meddelandet %s inom fristen (nästa vardag kl. 10,"
                            + " eller när beslutet upphör). Den enskilde kan stå utan beslut: ta över ärendet utan dröjsmål.",
                    "Meddelandet %s togs emot av enhetens system, men ingen har bekräftat att det akuta beslutet tagits över."
                            + " Mottaget är inte övertaget: ta över ärendet utan dröjsmål."),
            "DECISION_TRANSFER", new Ground("uppgiftsskyldighet enligt förslag i SOU 2023:9",
                    "Försäkringskassan har inte besvarat överföringen %s (TRANSFER_TAKEN_OVER) inom fristen. Kommunen vet inte när"
                            + " dess ersättning upphör: besvara överföringen.",
                    "Överföringen %s togs emot av Försäkringskassans system men är inte besvarad (TRANSFER_TAKEN_OVER): besvara den."));
    private static final Ground CONTACT = new Ground("förslag till 8 b § LSS",
            "Kommunen har inte bekräftat kontakt med den enskilde efter meddelandet %s inom fristen. Kontakta den enskilde utan dröjsmål.",
            "Meddelandet %s togs emot av kommunens system, men kommunen har inte bekräftat kontakt med den enskilde inom fristen."
                    + " Mottaget är inte kontaktat: kontakta den enskilde utan dröjsmål.");

    /** The Eskalering in the recipient's family: which message was not answered, by when it should have been, and what to do. */
    private static Document escalation(DueClock due, Recipient recipient) {
        SchemaFamily family = recipient.party().family();
        Ground ground = GROUNDS.getOrDefault(due.type(), CONTACT);
        Element root = about("Eskalering", due, recipient);
        Document doc = root.getOwnerDocument();
        Elements.add(root, family, "Frist", due.due().toString()); // an Instant's text always has its seconds, as xs:dateTime needs
        if (due.receivedAt() != null) {
            Elements.add(root, family, family == SchemaFamily.KOMMUN ? "MottagetAvKommunen" : "Mottaget",
                    due.receivedAt().toString());
        }
        Elements.add(root, family, "Rattsliggrund", ground.legalBasis());
        Elements.add(root, family, "Text", String.format(due.receivedAt() != null ? ground.received() : ground.notAnswered(), due.messageId()));
        return doc;
    }

    /** The root both start with, in the recipient's family: a new id, the message it is about, its type, and to whom. */
    private static Element about(String name, DueClock due, Recipient recipient) {
        SchemaFamily family = recipient.party().family();
        Document doc = SecureXml.newDocument();
        Element root = doc.createElementNS(family.namespace(), name);
        // declared as an attribute, so the canonical form the signature covers carries it too
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", family.namespace());
        doc.appendChild(root);
        Elements.add(root, family, "Id", UUID.randomUUID().toString());
        Elements.add(root, family, "AvserMeddelande", due.messageId());
        Elements.add(root, family, "Typ", due.type());
        root.appendChild(Elements.party(doc, family, "Till", recipient.party(), recipient.unit()));
        return root;
    }

    /** Seed 001: the grace period after a revoked permit ends on {@code due.date()}; payment to the provider must stop. */
    private static Document reminder(DueClock due, Recipient recipient) {
        SchemaFamily family = recipient.party().family();
        Element root = about("Paminnelse", due, recipient);
        Document doc = root.getOwnerDocument();
        Elements.add(root, family, "Datum", due.date());
        Elements.add(root, family, "Text", "Anståndet enligt meddelandet " + due.messageId() + " (" + due.type()
                + ") löper ut " + due.date() + ". Utbetalning till anordnaren får inte fortsätta efter det.");
        return doc;
    }
}
