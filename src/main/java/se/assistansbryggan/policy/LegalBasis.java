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
    private static final Pattern LAW = Pattern.compile("(\\d+ kap\\. )?\\d+( [a-z])? §( \\d+)?( (första|andra|tredje) stycket)? " + STATUTE);
    private static final Pattern CONSENT = Pattern.compile("samtycke( från [\\p{L} ]+)?");
    private static final Pattern PROPOSAL = Pattern.compile("([\\p{L} ]+ )?(enligt )?förslag (till|i) .+");
    /** Words that belong in notes, not in a signed statement of law. */
    private static final Pattern NOTES = Pattern.compile("(?i).*\\b(seed|todo|fixme|ny lydelse\\))\\b.*");

    private LegalBasis() {}

    /** The basis as given, or an IllegalArgumentException that says what a legal basis may be. */
    static String check(String type, String basis) {
        boolean law = LAW.matcher(basis).matches();
        boolean consent = CONSENT.matcher(basis).matches();
        boolean proposal = PROPOSAL.matcher(basis).matches();
        if (NOTES.matcher(basis).matches() || !(law || consent || proposal)) {
            throw new IllegalArgumentException("policy " + type + ".legal-basis \"" + basis + "\": cite a statute in force "
                    + "(\"51 kap. 21 § SFB\"), \"samtycke\", or a proposal said to be one (\"förslag till 8 b § LSS\")");
        }
        return basis;
    }
}
