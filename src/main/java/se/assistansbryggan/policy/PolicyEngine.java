package se.assistansbryggan.policy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.ExchangeProperty;
import org.w3c.dom.Element;
import se.assistansbryggan.intake.Refusal;
import se.assistansbryggan.intake.Submission;
import se.assistansbryggan.intake.Submission.MessageHeader;
import se.assistansbryggan.trust.Organisationsnummer;

/**
 * Policy station: applies the rules of {@link PolicyRules} to a verified message, names each rule
 * that decided, and removes withheld fields from the document before it is transformed.
 */
public final class PolicyEngine {
    static final String SENDER_MAY_SEND = "sender-may-send";
    static final String RECIPIENT_FROM_DIRECTORY = "recipient-from-directory";
    static final String REASONS_NEED_CONSENT = "reasons-need-consent";
    static final String REASONS_WITH_CONSENT = "reasons-with-consent";
    static final String CONTACT_FOLLOW_UP = "contact-follow-up";

    private final PolicyRules rules;
    private final PartyDirectory directory;
    private final Clock clock;

    public PolicyEngine(PolicyRules rules, PartyDirectory directory, Clock clock) {
        this.rules = rules;
        this.directory = directory;
        this.clock = clock;
    }

    public void decide(@ExchangeProperty(Submission.PROPERTY) Submission submission) {
        PolicyRules.TypeRule rule = rules.of(submission.type());
        List<String> applied = new ArrayList<>();
        checkSender(submission, rule, applied);
        Party recipient = recipient(submission.header(), rule, applied);
        Set<Field> withheld = withheld(submission, recipient, rule, applied);
        removeFields(submission.document().getDocumentElement(), withheld);
        submission.decided(recipient, new Verdict(applied, rule.legalBasis(), withheld, followUpDue(rule, recipient, applied)));
    }

    private static void checkSender(Submission submission, PolicyRules.TypeRule rule, List<String> applied) {
        if (!rule.senders().contains(submission.sender().kind())) {
            throw Refusal.SENDER_NOT_ALLOWED.because(submission.sender().kind() + " may not send " + submission.type());
        }
        applied.add(SENDER_MAY_SEND);
    }

    /** The recipient is the directory's party for the declared organisation and kommunkod; never chosen freely. */
    private Party recipient(MessageHeader header, PolicyRules.TypeRule rule, List<String> applied) {
        Party recipient;
        try {
            recipient = directory.byOrganisationsnummer(Organisationsnummer.of(header.recipientOrgnr()))
                    .orElseThrow(() -> Refusal.UNKNOWN_RECIPIENT.because(header.recipientOrgnr()));
        } catch (IllegalArgumentException e) {
            throw Refusal.UNKNOWN_RECIPIENT.because("the recipient's organisation number is not valid");
        }
        if (recipient.kind() == Party.Kind.KOMMUN && !recipient.kommunkod().equals(header.recipientKommunkod())) {
            throw Refusal.UNKNOWN_RECIPIENT.because("kommunkod does not match organisation " + recipient.orgnr());
        }
        if (!rule.recipients().contains(recipient.kind())) {
            throw Refusal.RECIPIENT_NOT_ALLOWED.because(recipient.kind() + " does not receive this type");
        }
        applied.add(RECIPIENT_FROM_DIRECTORY);
        return recipient;
    }

    /** 51 kap. 21 § SFB: the kommun gets the decision, not the reasons, unless the person consented. */
    private Set<Field> withheld(Submission submission, Party recipient, PolicyRules.TypeRule rule, List<String> applied) {
        Set<Field> withheld = EnumSet.noneOf(Field.class);
        if (rule.reasonsNeedConsent() && recipient.kind() == Party.Kind.KOMMUN) {
            if (Consents.covers(submission.document().getDocumentElement(), "MOTIVERING_TILL_KOMMUN", clock)) {
                applied.add(REASONS_WITH_CONSENT);
            } else {
                withheld.add(Field.MOTIVERING);
                applied.add(REASONS_NEED_CONSENT);
            }
        }
        return withheld;
    }

    /** 8 b § LSS (förslag): the kommun that receives it must confirm contact with the person in time. */
    private java.time.Instant followUpDue(PolicyRules.TypeRule rule, Party recipient, List<String> applied) {
        if (rule.followUp().isEmpty() || recipient.kind() != Party.Kind.KOMMUN) {
            return null;
        }
        applied.add(CONTACT_FOLLOW_UP);
        PolicyRules.FollowUp followUp = rule.followUp().get();
        if (followUp.duration() != null) {
            return clock.instant().plus(followUp.duration());
        }
        java.time.ZoneId sweden = java.time.ZoneId.of("Europe/Stockholm");
        java.time.LocalDate today = java.time.LocalDate.now(clock.withZone(sweden));
        return WorkingDays.after(today, followUp.workingDays()).atTime(17, 0).atZone(sweden).toInstant();
    }

    private static void removeFields(Element root, Set<Field> withheld) {
        for (Field field : withheld) {
            var found = root.getElementsByTagNameNS(root.getNamespaceURI(), field.element());
            for (int i = found.getLength() - 1; i >= 0; i--) {
                found.item(i).getParentNode().removeChild(found.item(i));
            }
        }
    }
}
