package se.assistansbryggan.policy;

import java.util.List;
import java.util.Set;

/**
 * What the policy decided for one message and recipient: the rules that decided it, the legal
 * basis stamped on what is delivered, the fields withheld, and when contact must be confirmed
 * (null when no follow-up applies).
 */
public record Verdict(List<String> rules, List<String> legalBasis, Set<Field> withheld, java.time.Instant followUpDue) {
    public Verdict {
        rules = List.copyOf(rules);
        legalBasis = List.copyOf(legalBasis);
        withheld = Set.copyOf(withheld);
    }
}
