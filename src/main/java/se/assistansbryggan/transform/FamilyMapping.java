package se.assistansbryggan.transform;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.mapstruct.InheritInverseConfiguration;
import org.mapstruct.Mapper;
import org.mapstruct.Mapping;
import org.mapstruct.factory.Mappers;
import se.assistansbryggan.message.Personnummer;
import se.assistansbryggan.schema.fk.v1.*;
import se.assistansbryggan.schema.kommun.v1.*;

/**
 * The content of every catalogue type, FK family v1 ⇄ municipal family v1. Each pair of names
 * that differs between the families is one {@code @Mapping} line; the way back is the inverse of
 * the way there, so a document that goes municipal → FK → municipal comes back equal. MapStruct
 * generates the code at build time and fails the build if a field has no counterpart.
 * Leverans (the gateway's own delivery record) and the signature are never mapped: the gateway
 * writes them anew for each recipient.
 */
@Mapper
interface FamilyMapping {
    FamilyMapping INSTANCE = Mappers.getMapper(FamilyMapping.class);

    /** The parts of a root every type shares, FK → municipal. */
    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.METHOD)
    @Mapping(target = "meddelande", source = "huvud")
    @Mapping(target = "leverans", ignore = true)
    @Mapping(target = "any", ignore = true)
    @interface ToKommun {}

    /** The parts of a root every type shares, municipal → FK. */
    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.METHOD)
    @Mapping(target = "huvud", source = "meddelande")
    @Mapping(target = "leverans", ignore = true)
    @Mapping(target = "any", ignore = true)
    @interface ToFk {}

    // ---- DECISION_NOTICE
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunMeddelandeOmBeslutTyp toKommun(FkBeslutOmAssistansersattningTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkBeslutOmAssistansersattningTyp toFk(KommunMeddelandeOmBeslutTyp kommun);
    @Mapping(target = "beslutsnummer", source = "arendenummer")
    KommunAssistansbeslutTyp beslut(FkAssistansbeslutTyp fk);
    @InheritInverseConfiguration
    FkAssistansbeslutTyp beslut(KommunAssistansbeslutTyp kommun);

    // ---- WITHDRAWAL_NOTICE
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunMeddelandeOmIndragningTyp toKommun(FkIndragenAssistansersattningTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkIndragenAssistansersattningTyp toFk(KommunMeddelandeOmIndragningTyp kommun);
    @Mapping(target = "beslutsnummer", source = "arendenummer")
    @Mapping(target = "gallerFran", source = "indragenFran")
    KommunIndragningTyp indragning(FkIndragningsbeslutTyp fk);
    @InheritInverseConfiguration
    FkIndragningsbeslutTyp indragning(KommunIndragningTyp kommun);

    // ---- PLANNED_WITHDRAWAL
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunForhandsinformationTyp toKommun(FkOvervagdIndragningTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkOvervagdIndragningTyp toFk(KommunForhandsinformationTyp kommun);
    @Mapping(target = "fkArendenummer", source = "arendenummer")
    @Mapping(target = "planeradFran", source = "overvagsFran")
    @Mapping(target = "fkHandlaggare", source = "handlaggare")
    KommunOvervagandeTyp overvagande(FkOvervagandeTyp fk);
    @InheritInverseConfiguration
    FkOvervagandeTyp overvagande(KommunOvervagandeTyp kommun);

    // ---- PAYMENT_RECIPIENT_NOTICE
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    @Mapping(target = "utbetalning", source = "utbetalningsbeslut")
    KommunMeddelandeOmUtbetalningTyp toKommun(FkUtbetalningTillAnnanTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    @Mapping(target = "utbetalningsbeslut", source = "utbetalning")
    FkUtbetalningTillAnnanTyp toFk(KommunMeddelandeOmUtbetalningTyp kommun);
    @Mapping(target = "beslutsnummer", source = "arendenummer")
    @Mapping(target = "mottagare", source = "betalningsmottagare")
    KommunUtbetalningTyp utbetalning(FkUtbetalningsbeslutTyp fk);
    @InheritInverseConfiguration
    FkUtbetalningsbeslutTyp utbetalning(KommunUtbetalningTyp kommun);

    // ---- ENTITLEMENT_REFERRAL
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunAnmalanOmRattTyp toKommun(FkAnmalanRattTillAssistansersattningTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkAnmalanRattTillAssistansersattningTyp toFk(KommunAnmalanOmRattTyp kommun);
    @Mapping(target = "diarienummer", source = "kommunensDiarienummer")
    @Mapping(target = "bedomtBehovTimmarPerVecka", source = "grundlaggandeBehovTimmarPerVecka")
    @Mapping(target = "kontaktperson", source = "kommunensKontakt")
    KommunRattighetsanmalanTyp anmalan(FkAnmalanTyp fk);
    @InheritInverseConfiguration
    FkAnmalanTyp anmalan(KommunRattighetsanmalanTyp kommun);

    // ---- DECISION_TRANSFER
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    @Mapping(target = "beslut", source = "kommunaltBeslut")
    KommunOverforingTyp toKommun(FkOvertagetKommunaltBeslutTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    @Mapping(target = "kommunaltBeslut", source = "beslut")
    FkOvertagetKommunaltBeslutTyp toFk(KommunOverforingTyp kommun);
    @Mapping(target = "beslutsnummer", source = "kommunensBeslutsnummer")
    @Mapping(target = "timmarPerVecka", source = "beviljadeTimmarPerVecka")
    @Mapping(target = "kontaktperson", source = "kommunensKontakt")
    KommunLssBeslutTyp lssBeslut(FkKommunaltBeslutTyp fk);
    @InheritInverseConfiguration
    FkKommunaltBeslutTyp lssBeslut(KommunLssBeslutTyp kommun);

    // ---- QUALITY_REPORT
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    @Mapping(target = "anmalan", source = "kvalitetsbrist")
    KommunAnmalanOmKvalitetsbristerTyp toKommun(FkKvalitetsbristHosAnordnareTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    @Mapping(target = "kvalitetsbrist", source = "anmalan")
    FkKvalitetsbristHosAnordnareTyp toFk(KommunAnmalanOmKvalitetsbristerTyp kommun);
    @Mapping(target = "diarienummer", source = "kommunensDiarienummer")
    @Mapping(target = "iakttagelsedatum", source = "iakttagen")
    KommunKvalitetsanmalanTyp kvalitetsbrist(FkKvalitetsbristTyp fk);
    @InheritInverseConfiguration
    FkKvalitetsbristTyp kvalitetsbrist(KommunKvalitetsanmalanTyp kommun);

    // ---- PERMIT_REVOCATION (about a provider: no person)
    @ToKommun
    KommunUnderrattelseOmTillstandTyp toKommun(FkAterkallatTillstandTyp fk);
    @ToFk
    FkAterkallatTillstandTyp toFk(KommunUnderrattelseOmTillstandTyp kommun);
    @Mapping(target = "diarienummer", source = "ivoDiarienummer")
    @Mapping(target = "sistaDagForUtbetalning", source = "anstandTill")
    KommunTillstandsbeslutTyp tillstandsbeslut(FkTillstandsbeslutTyp fk);
    @InheritInverseConfiguration
    FkTillstandsbeslutTyp tillstandsbeslut(KommunTillstandsbeslutTyp kommun);

    // ---- UNLICENSED_PROVIDER_REPORT
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunUnderrattelseUtanTillstandTyp toKommun(FkVerksamhetUtanTillstandTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkVerksamhetUtanTillstandTyp toFk(KommunUnderrattelseUtanTillstandTyp kommun);
    @Mapping(target = "iakttagelsedatum", source = "iakttagen")
    KommunUnderrattelseTyp underrattelse(FkUnderrattelseTyp fk);
    @InheritInverseConfiguration
    FkUnderrattelseTyp underrattelse(KommunUnderrattelseTyp kommun);

    // ---- CONTACT_CONFIRMATION
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunKvittensKontaktTyp toKommun(FkBekraftadKontaktTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkBekraftadKontaktTyp toFk(KommunKvittensKontaktTyp kommun);
    @Mapping(target = "kontaktdatum", source = "kontaktTagen")
    @Mapping(target = "kontaktsatt", source = "satt")
    @Mapping(target = "handlaggare", source = "kommunensHandlaggare")
    KommunKontaktTyp kontakt(FkKontaktTyp fk);
    @InheritInverseConfiguration
    FkKontaktTyp kontakt(KommunKontaktTyp kommun);

    // ---- ACUTE_DECISION_HANDOVER
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunOverlamningAvAkutBeslutTyp toKommun(FkAkutBeslutOverlamnatTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkAkutBeslutOverlamnatTyp toFk(KommunOverlamningAvAkutBeslutTyp kommun);

    // ---- HANDOVER_CONFIRMATION
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunBekraftelseAvOverlamningTyp toKommun(FkOverlamningBekraftadTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkOverlamningBekraftadTyp toFk(KommunBekraftelseAvOverlamningTyp kommun);

    // ---- TRANSFER_TAKEN_OVER
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunBeskedOmOvertagandeTyp toKommun(FkOvertagandeBeskedTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkOvertagandeBeskedTyp toFk(KommunBeskedOmOvertagandeTyp kommun);
    @Mapping(target = "fkArendenummer", source = "arendenummer")
    @Mapping(target = "fkHandlaggare", source = "handlaggare")
    KommunBeskedTyp besked(FkBeskedTyp fk);
    @InheritInverseConfiguration
    FkBeskedTyp besked(KommunBeskedTyp kommun);

    // ---- PROVIDER_REFERRAL
    @ToKommun @Mapping(target = "enskild", source = "forsakrad")
    KommunAnordnaresHanvisningTillKommunenTyp toKommun(FkHanvisningFranAnordnareTyp fk);
    @ToFk @Mapping(target = "forsakrad", source = "enskild")
    FkHanvisningFranAnordnareTyp toFk(KommunAnordnaresHanvisningTillKommunenTyp kommun);

    // ---- REVOCATION_FOLLOW_UP (about a provider and how many were told: no person)
    @ToKommun
    KommunKvittensInformationOmAterkallelseTyp toKommun(FkUppfoljningEfterAterkallelseTyp fk);
    @ToFk
    FkUppfoljningEfterAterkallelseTyp toFk(KommunKvittensInformationOmAterkallelseTyp kommun);

    // ---- the parts every type shares
    @Mapping(target = "id", source = "meddelandeId")
    @Mapping(target = "referens", source = "referensMeddelandeId")
    @Mapping(target = "typ", source = "meddelandetyp")
    @Mapping(target = "version", source = "schemaversion")
    @Mapping(target = "fran", source = "avsandare")
    @Mapping(target = "till", source = "mottagare")
    KommunMeddelandeTyp meddelande(FkHuvudTyp fk);
    @InheritInverseConfiguration
    FkHuvudTyp huvud(KommunMeddelandeTyp kommun);

    @Mapping(target = "identitet", source = "personnummer")
    @Mapping(target = "skyddadIdentitet", source = "skyddad")
    @Mapping(target = "folkbokforingskommun", source = "bosattningskommun")
    KommunEnskildTyp enskild(FkForsakradTyp fk);
    @InheritInverseConfiguration
    FkForsakradTyp forsakrad(KommunEnskildTyp kommun);

    @Mapping(target = "gatuadress", source = "utdelningsadress")
    @Mapping(target = "ort", source = "postort")
    KommunAdressTyp adress(FkAdressTyp fk);
    @InheritInverseConfiguration
    FkAdressTyp adress(KommunAdressTyp kommun);

    /** FK writes twelve digits; the kommun family the number with its hyphen and whether it is a samordningsnummer. */
    default KommunIdentitetTyp identitet(String personnummer) {
        if (personnummer == null) {
            return null;
        }
        Personnummer pnr = Personnummer.parse(personnummer);
        KommunIdentitetTyp id = new KommunIdentitetTyp();
        id.setValue(pnr.withHyphen());
        id.setTyp(pnr.isSamordningsnummer() ? KommunIdentitetstypTyp.SAMORDNINGSNUMMER : KommunIdentitetstypTyp.PERSONNUMMER);
        return id;
    }

    default String personnummer(KommunIdentitetTyp identitet) {
        return identitet == null ? null : identitet.getValue().replace("-", "");
    }
}
