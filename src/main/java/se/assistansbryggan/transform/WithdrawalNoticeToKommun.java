package se.assistansbryggan.transform;

import jakarta.xml.bind.JAXBElement;
import java.time.OffsetDateTime;
import se.assistansbryggan.intake.Submission;
import se.assistansbryggan.policy.Field;
import se.assistansbryggan.policy.Party;
import se.assistansbryggan.policy.Verdict;
import se.assistansbryggan.schema.fk.v1.IndragenAssistansersattningTyp;
import se.assistansbryggan.schema.fk.v1.IndragningsbeslutTyp;
import se.assistansbryggan.schema.kommun.v1.BeslutTyp;
import se.assistansbryggan.schema.kommun.v1.EnskildTyp;
import se.assistansbryggan.schema.kommun.v1.IdentitetTyp;
import se.assistansbryggan.schema.kommun.v1.IdentitetstypTyp;
import se.assistansbryggan.schema.kommun.v1.MeddelandeTyp;
import se.assistansbryggan.schema.kommun.v1.ObjectFactory;
import se.assistansbryggan.schema.kommun.v1.PartTyp;
import se.assistansbryggan.schema.kommun.v1.UrsprungTyp;
import se.assistansbryggan.schema.kommun.v1.UtlamnandeTyp;
import se.assistansbryggan.trust.Personnummer;

/** WITHDRAWAL_NOTICE, FK family v1 → municipal family v1 (MeddelandeOmIndragenAssistansersattning). */
final class WithdrawalNoticeToKommun {
    private static final ObjectFactory KOMMUN = new ObjectFactory();

    private WithdrawalNoticeToKommun() {}

    static JAXBElement<?> map(Submission submission, OffsetDateTime deliveredAt) {
        IndragenAssistansersattningTyp fk = Jaxb.unmarshal(submission.document(), IndragenAssistansersattningTyp.class);
        var out = KOMMUN.createIndragenAssistansersattningTyp();
        out.setMeddelande(message(fk, submission, deliveredAt));
        out.setEnskild(person(fk.getForsakrad().getPersonnummer()));
        out.setBeslut(decision(fk.getBeslut()));
        out.setUtlamnande(disclosure(submission.verdict()));
        out.setUrsprung(origin(submission));
        return KOMMUN.createMeddelandeOmIndragenAssistansersattning(out);
    }

    private static MeddelandeTyp message(IndragenAssistansersattningTyp fk, Submission submission, OffsetDateTime at) {
        MeddelandeTyp m = KOMMUN.createMeddelandeTyp();
        m.setId(fk.getHuvud().getMeddelandeId());
        m.setReferens(fk.getHuvud().getReferensMeddelandeId());
        m.setTyp(submission.type().name());
        m.setVersion("1.0");
        m.setFran(party(submission.sender(), fk.getHuvud().getAvsandare().getEnhet()));
        m.setTill(party(submission.recipient(), fk.getHuvud().getMottagare().getEnhet()));
        m.setSkapad(fk.getHuvud().getSkapad());
        m.setLevererad(Jaxb.dateTime(at));
        return m;
    }

    private static PartTyp party(Party party, String unit) {
        PartTyp p = KOMMUN.createPartTyp();
        p.setOrganisationsnummer(party.orgnr().value());
        p.setNamn(party.name());
        p.setKommunkod(party.kommunkod());
        p.setEnhet(unit);
        return p;
    }

    private static EnskildTyp person(String twelveDigits) {
        Personnummer pnr = Personnummer.parse(twelveDigits);
        IdentitetTyp id = KOMMUN.createIdentitetTyp();
        id.setValue(pnr.withHyphen());
        id.setTyp(pnr.isSamordningsnummer() ? IdentitetstypTyp.SAMORDNINGSNUMMER : IdentitetstypTyp.PERSONNUMMER);
        EnskildTyp e = KOMMUN.createEnskildTyp();
        e.setIdentitet(id);
        return e;
    }

    private static BeslutTyp decision(IndragningsbeslutTyp fk) {
        BeslutTyp b = KOMMUN.createBeslutTyp();
        b.setBeslutsnummer(fk.getArendenummer());
        b.setBeslutsdatum(fk.getBeslutsdatum());
        b.setGallerFran(fk.getIndragenFran());
        b.setMotivering(fk.getMotivering());
        return b;
    }

    private static UtlamnandeTyp disclosure(Verdict verdict) {
        UtlamnandeTyp u = KOMMUN.createUtlamnandeTyp();
        u.getRattsliggrund().addAll(verdict.legalBasis());
        u.getRegel().addAll(verdict.rules());
        verdict.withheld().stream().map(Field::element).sorted().forEach(u.getUtelamnadUppgift()::add);
        return u;
    }

    private static UrsprungTyp origin(Submission submission) {
        UrsprungTyp o = KOMMUN.createUrsprungTyp();
        o.setSammandrag(submission.originalDigest());
        o.setSigneratAv(submission.sender().orgnr().value());
        return o;
    }
}
