package se.assistansbryggan.message;

/**
 * The message catalogue (DESIGN.md §2), each type with its root element in the FK schema family
 * and in the municipal family. RECEIPT/ERROR is the gateway's own kvittens (schemas/receipt).
 */
public enum MessageType {
    /** Meddelande om beslut om assistansersättning (beviljad, ändrad, avslag), FK → bosättningskommun (51 kap. 21 § SFB). */
    DECISION_NOTICE("BeslutOmAssistansersattning", "MeddelandeOmBeslutOmAssistansersattning"),
    /** Meddelande om indragen assistansersättning, FK → bosättningskommun (51 kap. 21 § SFB). */
    WITHDRAWAL_NOTICE("IndragenAssistansersattning", "MeddelandeOmIndragenAssistansersattning"),
    /** Förhandsinformation om övervägd indragning, FK → kommun, only with the person's samtycke. */
    PLANNED_WITHDRAWAL("OvervagdIndragning", "ForhandsinformationOmOvervagdIndragning"),
    /** Beslut om utbetalning till annan än den ersättningsberättigade, FK → kommun (51 kap. 21 § SFB). */
    PAYMENT_RECIPIENT_NOTICE("UtbetalningTillAnnan", "MeddelandeOmUtbetalningTillAnnan"),
    /** Anmälan: kan antas ha rätt till assistansersättning, kommun → FK (15 § 8 LSS, 10 kap. 28 § OSL). */
    ENTITLEMENT_REFERRAL("AnmalanRattTillAssistansersattning", "AnmalanOmRattTillAssistansersattning"),
    /** Överföring av kommunalt beslut (9 § 2 LSS), kommun → FK (uppgiftsskyldighet enligt förslag i SOU 2023:9, not yet law). */
    DECISION_TRANSFER("OvertagetKommunaltBeslut", "OverforingAvKommunaltBeslut"),
    /** Anmälan om kvalitetsbrister hos anordnare, kommun → IVO and FK (förslag till ny lydelse av 15 § 8 LSS, SOU 2023:9). */
    QUALITY_REPORT("KvalitetsbristHosAnordnare", "AnmalanOmKvalitetsbrister"),
    /** Återkallat tillstånd / tillfälligt förbud, IVO → FK and affected kommuner (underrättelseskyldighet as proposed, seed 001). */
    PERMIT_REVOCATION("AterkallatTillstand", "UnderrattelseOmAterkallatTillstand"),
    /** Underrättelse om verksamhet utan tillstånd, FK or kommun → IVO (underrättelseskyldighet). */
    UNLICENSED_PROVIDER_REPORT("VerksamhetUtanTillstand", "UnderrattelseOmVerksamhetUtanTillstand"),
    /** Kvittens: kommunen har kontaktat den enskilde, kommun → FK (8 b § LSS, förslag); closes the follow-up clock. */
    CONTACT_CONFIRMATION("BekraftadKontakt", "KvittensKontaktMedEnskild"),
    /** Överlämning av akut beslut, kommun (nattlig enhet) → enhet i samma kommun (seed 004); its clock runs to the next working day 10:00. */
    ACUTE_DECISION_HANDOVER("AkutBeslutOverlamnat", "OverlamningAvAkutBeslut"),
    /** Bekräftelse av överlämning, enhet → enheten som lämnade över; stops the handover's clock. */
    HANDOVER_CONFIRMATION("OverlamningBekraftad", "BekraftelseAvOverlamning"),
    /** Besked om övertagande, FK → kommun: the day FK's assistansersättning starts after a DECISION_TRANSFER, or why not (seed 000). */
    TRANSFER_TAKEN_OVER("OvertagandeBesked", "BeskedOmOvertagande"),
    /** Hänvisning från anordnare, provider → the person's kommun (24 § LSS): a shift it cannot staff; never refused for the provider's permit status. */
    PROVIDER_REFERRAL("HanvisningFranAnordnare", "AnordnaresHanvisningTillKommunen"),
    /** Uppföljning efter återkallelse, kommun → IVO (seed 001): the persons concerned were told they need another provider. */
    REVOCATION_FOLLOW_UP("UppfoljningEfterAterkallelse", "KvittensInformationOmAterkallelse");

    private final String fkRoot;
    private final String kommunRoot;

    MessageType(String fkRoot, String kommunRoot) {
        this.fkRoot = fkRoot;
        this.kommunRoot = kommunRoot;
    }

    /** The local name of this type's root element in a schema family. */
    public String root(SchemaFamily family) {
        return family == SchemaFamily.FK ? fkRoot : kommunRoot;
    }
}
