package se.assistansbryggan.policy;

import java.util.regex.Pattern;

/**
 * What may be stamped as a legal basis on a delivery (Leverans/Rattsliggrund, AbLegalBasis), signed
 * by the gateway: a citation of a statute in force ("51 kap. 21 § SFB", "15 § 8 LSS", "10 kap. 28 §
 * OSL"), the person's consent ("samtycke", optionally saying whose), or a proposal said to be one
 * ("förslag till 8 b § LSS", "uppgiftsskyldighet enligt förslag i SOU 2023:9"). Never an inquiry's
 * report as if it were law, never a word of the project's own notes.
 */
final class LegalBasis {
    /** Statutes the catalogue rests on: LSS, SFB, OSL, SoL and their ordinances. */
    private static final String STATUTE = "(LSS|SFB|OSL|SoL|OSF|FL)";
    private static final String CITATION = "(\\d{1,2} kap\\. )?\\d{1,3}( [a-z])? §( \\d{1,2})?( (första|andra|tredje|fjärde) stycket( \\d{1,2})?)? " + STATUTE;
    private static final Pattern LAW = Pattern.compile(CITATION);
    /** Provisions that exist only as proposals: cited, they must say so. */
    private static final java.util.Set<String> PROPOSED_ONLY = java.util.Set.of("8 b § LSS");
    private static final Pattern CONSENT = Pattern.compile("samtycke( från (den enskilde|den enskildes (god man|förvaltare|ställföreträdare)))?");
    /** A proposal, said to be one, naming where it was made: a provision, an inquiry (SOU, Ds), a bill or a memorandum. */
    private static final Pattern PROPOSAL = Pattern.compile("((uppgiftsskyldighet|underrättelseskyldighet|anmälningsskyldighet) enligt )?"
            + "förslag (till (ny lydelse av )?" + CITATION + "( i (SOU|Ds) \\d{4}:\\d{1,3})?|i (SOU|Ds) \\d{4}:\\d{1,3}|i prop\\. \\d{4}/\\d{2}:\\d{1,3}"
            + "|i promemorian [\\p{L} ]+ \\((Socialdepartementet|Regeringskansliet) \\d{4}\\))");

    private LegalBasis() {}

    /** The basis as given, or an IllegalArgumentException that says what a legal basis may be. */
    static String check(String type, String basis) {
        boolean law = LAW.matcher(basis).matches() && !PROPOSED_ONLY.contains(basis);
        boolean consent = CONSENT.matcher(basis).matches();
        boolean proposal = PROPOSAL.matcher(basis).matches();
        if (!(law || consent || proposal)) {
            throw new IllegalArgumentException("policy " + type + ".legal-basis \"" + basis + "\": cite a statute in force "
                    + "(\"51 kap. 21 § SFB\"), \"samtycke\", or a proposal said to be one (\"förslag till 8 b § LSS\")");
        }
        return basis;
    }
}
