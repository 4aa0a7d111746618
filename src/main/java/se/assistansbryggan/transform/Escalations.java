package se.assistansbryggan.transform;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.UUID;
import org.w3c.dom.Document;
import se.assistansbryggan.delivery.FollowUpWatcher.Due;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.intake.SecureXml;
import se.assistansbryggan.policy.Party;
import se.assistansbryggan.policy.PartyDirectory;
import se.assistansbryggan.schema.kommun.v1.KommunEskaleringTyp;
import se.assistansbryggan.schema.kommun.v1.ObjectFactory;
import se.assistansbryggan.schema.kommun.v1.KommunPartTyp;
import se.assistansbryggan.trust.KeyMaterial;
import se.assistansbryggan.trust.XmlSignatures;

/** The Eskalering a kommun receives when it did not confirm contact in time; signed by the gateway. */
public final class Escalations {
    private static final ObjectFactory KOMMUN = new ObjectFactory();
    private final PartyDirectory directory;
    private final KeyMaterial gatewayKey;

    public Escalations(PartyDirectory directory, KeyMaterial gatewayKey) {
        this.directory = directory;
        this.gatewayKey = gatewayKey;
    }

    public String document(Due due) {
        Party recipient = directory.byId(due.recipient()).orElseThrow();
        KommunEskaleringTyp e = KOMMUN.createKommunEskaleringTyp();
        e.setId(UUID.randomUUID().toString());
        e.setAvserMeddelande(due.messageId());
        e.setTyp(due.type());
        KommunPartTyp till = KOMMUN.createKommunPartTyp();
        till.setOrganisationsnummer(recipient.orgnr().value());
        till.setNamn(recipient.name());
        till.setKommunkod(recipient.kommunkod());
        e.setTill(till);
        e.setFrist(Jaxb.dateTime(due.due().atOffset(ZoneOffset.UTC)));
        e.setRattsliggrund("8 b § LSS (förslag)");
        e.setText("Kommunen har inte bekräftat kontakt med den enskilde efter meddelandet " + due.messageId()
                + " inom fristen. Kontakta den enskilde utan dröjsmål.");
        Document document = Jaxb.marshal(KOMMUN.createEskalering(e));
        SchemaGuard.validate(document);
        XmlSignatures.sign(document, gatewayKey);
        return new String(SecureXml.serialize(document), StandardCharsets.UTF_8);
    }
}
