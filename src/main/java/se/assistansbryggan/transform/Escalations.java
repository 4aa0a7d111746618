package se.assistansbryggan.transform;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.UUID;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.ClockKind;
import se.assistansbryggan.message.DueClock;
import se.assistansbryggan.message.Jaxb;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Recipient;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;
import se.assistansbryggan.schema.kommun.v1.KommunEskaleringTyp;
import se.assistansbryggan.schema.kommun.v1.KommunPartTyp;
import se.assistansbryggan.schema.kommun.v1.ObjectFactory;
import se.assistansbryggan.trust.PartyDirectory;

/**
 * What a due clock sends, signed by the gateway: the Eskalering a kommun receives when it did not
 * confirm contact in time (8 b § LSS, förslag), or the Paminnelse a recipient receives before a
 * date in an earlier message, in the recipient's own schema family.
 */
public final class Escalations {
    private static final ObjectFactory KOMMUN = new ObjectFactory();
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
        return new String(SecureXml.serialize(document), StandardCharsets.UTF_8);
    }

    private static Document escalation(DueClock due, Recipient recipient) {
        KommunEskaleringTyp e = KOMMUN.createKommunEskaleringTyp();
        e.setId(UUID.randomUUID().toString());
        e.setAvserMeddelande(due.messageId());
        e.setTyp(due.type());
        KommunPartTyp till = KOMMUN.createKommunPartTyp();
        till.setOrganisationsnummer(recipient.party().orgnr().value());
        till.setNamn(recipient.party().name());
        till.setKommunkod(recipient.party().kommunkod());
        till.setEnhet(recipient.unit() == null ? null : recipient.unit().id());
        e.setTill(till);
        e.setFrist(Jaxb.dateTime(due.due().atOffset(ZoneOffset.UTC)));
        e.setRattsliggrund("förslag till 8 b § LSS");
        if (due.receivedAt() != null) {
            e.setMottagetAvKommunen(Jaxb.dateTime(due.receivedAt().atOffset(ZoneOffset.UTC)));
            e.setText("Meddelandet " + due.messageId() + " togs emot av kommunens system, men kommunen har inte bekräftat "
                    + "kontakt med den enskilde inom fristen. Mottaget är inte kontaktat: kontakta den enskilde utan dröjsmål.");
        } else {
            e.setText("Kommunen har inte bekräftat kontakt med den enskilde efter meddelandet " + due.messageId()
                    + " inom fristen. Kontakta den enskilde utan dröjsmål.");
        }
        return Jaxb.marshal(KOMMUN.createEskalering(e));
    }

    /** Seed 001: the grace period after a revoked permit ends on {@code due.date()}; payment to the provider must stop. */
    private static Document reminder(DueClock due, Recipient recipient) {
        SchemaFamily family = recipient.party().family();
        Document doc = SecureXml.newDocument();
        Element root = doc.createElementNS(family.namespace(), "Paminnelse");
        // declared as an attribute, so the canonical form the signature covers carries it too
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", family.namespace());
        doc.appendChild(root);
        Elements.add(root, family, "Id", UUID.randomUUID().toString());
        Elements.add(root, family, "AvserMeddelande", due.messageId());
        Elements.add(root, family, "Typ", due.type());
        root.appendChild(Elements.party(doc, family, "Till", recipient.party(), recipient.unit()));
        Elements.add(root, family, "Datum", due.date());
        Elements.add(root, family, "Text", "Anståndet enligt meddelandet " + due.messageId() + " (" + due.type()
                + ") löper ut " + due.date() + ". Utbetalning till anordnaren får inte fortsätta efter det.");
        return doc;
    }
}
