package se.assistansbryggan.message;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the policy decided for one message and one recipient: the rules that decided it, the
 * legal basis stamped on what is delivered, the fields the recipient may see ({@code allowed},
 * paths in the recipient's schema family) and those withheld regardless ({@code withhold}: a
 * path, or a bare element name withheld wherever it occurs), whether the person's identity is
 * protected, whether the delivery is urgent, when contact must be confirmed (null when no
 * follow-up applies), when the recipient is reminded of a date in the message (null: never) and
 * how long an unread delivery is worth keeping before it goes to the expiry queue (null: always),
 * and the recorded permit status of every provider the message concerns whose permit IVO revoked
 * or suspended (seed 001: delivered all the same, marked).
 */
public record Verdict(List<String> rules, List<String> legalBasis, List<String> allowed, Set<String> withhold,
        boolean protectedIdentity, boolean highPriority, Instant followUpDue, Reminder reminder, java.time.Duration expiresAfter,
        List<PermitStatus> providers) {

    /** A verdict about no provider whose permit IVO revoked or suspended. */
    public Verdict(List<String> rules, List<String> legalBasis, List<String> allowed, Set<String> withhold,
            boolean protectedIdentity, boolean highPriority, Instant followUpDue, Reminder reminder, java.time.Duration expiresAfter) {
        this(rules, legalBasis, allowed, withhold, protectedIdentity, highPriority, followUpDue, reminder, expiresAfter, List.of());
    }

    /** Remind the recipient of {@code date} (e.g. a grace period's end) at {@code due}. */
    public record Reminder(java.time.LocalDate date, Instant due) {}

    public Verdict {
        rules = List.copyOf(rules);
        legalBasis = List.copyOf(legalBasis);
        allowed = List.copyOf(allowed);
        withhold = Set.copyOf(withhold);
        providers = List.copyOf(providers);
    }
}
