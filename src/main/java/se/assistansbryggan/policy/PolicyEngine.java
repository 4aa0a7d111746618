package se.assistansbryggan.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.ExchangeProperty;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.PermitStatus;
import se.assistansbryggan.message.Recipient;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SchemaValues;
import se.assistansbryggan.message.Submission.MessageHeader;
import se.assistansbryggan.message.Submission;
import se.assistansbryggan.message.Verdict;
import se.assistansbryggan.trust.PartyDirectory;

/**
 * Policy station: applies the rules of {@link PolicyRules} to a verified message. It refuses what
 * may not pass, finds the recipients (never chosen freely by the sender), and gives each a
 * {@link Verdict} naming every rule that decided. The transform station carries the verdict out
 * ({@link Minimisation}) on each recipient's copy.
 */
public final class PolicyEngine {
    static final String SENDER_MAY_SEND = "sender-may-send";
    static final String SENDER_WRITES_OWN_FAMILY = "sender-writes-own-family";
    static final String REFERENCE_REQUIRED = "reference-required";
    static final String CONSENT_REQUIRED = "consent-required";
    static final String RECIPIENT_FROM_DIRECTORY = "recipient-from-directory";
    static final String RECIPIENT_IS_BOSATTNINGSKOMMUN = "recipient-is-bosattningskommun";
    static final String RECIPIENT_IS_OWN_ORGANISATION = "recipient-is-own-organisation";
    static final String PROVIDER_PERMIT_STATUS = "provider-permit-status";
    static final String UNIT_TO_UNIT = "unit-to-unit";
    static final String SENDER_NAMED = "sender-named-in-message";
    static final String RECIPIENTS_BY_FAN_OUT = "recipients-by-fan-out";
    static final String UNIT_NAMED_BY_SENDER = "unit-named-by-sender";
    static final String UNIT_DECLARED_FOR_TYPE = "unit-declared-for-type";
    static final String ALLOW_LIST = "allow-list";
    static final String REASONS_NEED_CONSENT = "reasons-need-consent";
    static final String REASONS_WITH_CONSENT = "reasons-with-consent";
    static final String PROTECTED_IDENTITY = "protected-identity";
    static final String HIGH_PRIORITY = "high-priority";
    static final String GRACE_PERIOD_REMINDER = "grace-period-reminder";
    public static final String CLOSES_FOLLOW_UP = "closes-follow-up";

    /** The person's consent that lets a kommun see the reasons (motivering) of FK's decision. */
    static final String REASONS_CONSENT = "MOTIVERING_TILL_KOMMUN";
    private static final ZoneId SWEDEN = ZoneId.of("Europe/Stockholm");

    private final PolicyRules rules;
    private final PartyDirectory directory;
    private final Clock clock;

    private final PermitStatus.Register permits;

    public PolicyEngine(PolicyRules rules, PartyDirectory directory, Clock clock) {
        this(rules, directory, clock, PermitStatus.Register.NONE);
    }

    /** @param permits where the providers' permit statuses are recorded (the broker) */
    public PolicyEngine(PolicyRules rules, PartyDirectory directory, Clock clock, PermitStatus.Register permits) {
        this.rules = rules;
        this.directory = directory;
        this.clock = clock;
        this.permits = permits;
    }

    public void decide(@ExchangeProperty(Submission.PROPERTY) Submission submission) {
        PolicyRules.TypeRule rule = rules.of(submission.type());
        Element root = submission.document().getDocumentElement();
        List<String> applied = new ArrayList<>();
        checkSender(submission, rule, applied);
        checkSenderNamed(submission, rule, root, applied);
        checkReference(submission, rule, applied);
        checkRefusals(root, rule, applied);
        checkRequiredConsent(root, rule, applied);
        if (rule.closesFollowUp()) {
            applied.add(CLOSES_FOLLOW_UP);
        }
        boolean protectedIdentity = submission.family().protectedIdentity(root);
        List<PermitStatus> providers = rule.marksProviderStatus() ? providerStatuses(submission, root) : List.of();
        if (!providers.isEmpty()) {
            // seed 001: never refused for it (a revoked provider's referral is the alarm that someone is without help), marked
            applied.add(PROVIDER_PERMIT_STATUS);
        }
        List<Submission.Delivery> deliveries = new ArrayList<>();
        for (Recipient recipient : recipients(submission, rule, root, applied)) {
            List<String> chosen = new ArrayList<>(applied);
            // which rule chose the unit, if one did: the sender's Enhet, or the unit the recipient declared for the type
            if (recipient.unit() != null) {
                chosen.add(submission.header().recipientUnit() != null ? UNIT_NAMED_BY_SENDER : UNIT_DECLARED_FOR_TYPE);
            }
            deliveries.add(new Submission.Delivery(recipient, verdict(root, rule, recipient, protectedIdentity, chosen, providers)));
        }
        submission.decided(deliveries);
    }

    private static void checkSender(Submission submission, PolicyRules.TypeRule rule, List<String> applied) {
        if (!rule.senders().contains(submission.sender().kind())) {
            throw Refusal.SENDER_NOT_ALLOWED.because(submission.sender().kind() + " may not send " + submission.type());
        }
        String unit = submission.header().senderUnit();
        if (unit != null && submission.sender().unit(unit).isEmpty()) {
            throw Refusal.UNKNOWN_SENDER.because("no such unit of " + submission.sender().id());
        }
        applied.add(SENDER_MAY_SEND);
        if (submission.family() != submission.sender().family()) {
            throw Refusal.SCHEMA_FAMILY_MISMATCH.because(submission.sender().kind() + " writes the "
                    + submission.sender().family() + " family");
        }
        applied.add(SENDER_WRITES_OWN_FAMILY);
    }

    /** The party a message names as its own (a referral's provider) is the party that signed it, or SENDER_MISMATCH. */
    private static void checkSenderNamed(Submission submission, PolicyRules.TypeRule rule, Element root, List<String> applied) {
        if (rule.senderNamedAt().isEmpty()) {
            return;
        }
        String path = rule.senderNamedAt().get();
        List<Element> named = Dom.elementsAt(root, path);
        boolean same;
        try {
            same = !named.isEmpty() && Organisationsnummer.of(SchemaValues.tokenValue(named.get(0))).equals(submission.sender().orgnr());
        } catch (IllegalArgumentException notOne) {
            same = false;
        }
        if (!same) {
            throw Refusal.SENDER_MISMATCH.because(path + " must be the sender's own organisation number");
        }
        applied.add(SENDER_NAMED);
    }

    private static void checkReference(Submission submission, PolicyRules.TypeRule rule, List<String> applied) {
        if (rule.requiresReference()) {
            if (submission.header().referenceId() == null) {
                throw Refusal.REFERENCE_MISSING.because(submission.type() + " names the message it answers");
            }
            applied.add(REFERENCE_REQUIRED);
        }
    }

    /** The policy's named refusals, e.g. decisions about a gruppbostad stay with the kommun (seed 000). */
    private static void checkRefusals(Element root, PolicyRules.TypeRule rule, List<String> applied) {
        for (PolicyRules.Refusing refusing : rule.refusals()) {
            for (Element element : Dom.elementsAt(root, refusing.path())) {
                // the schema's value, not the text: "1" is the xs:boolean true, " GRUPPBOSTAD " the token GRUPPBOSTAD
                if (SchemaValues.holds(element, refusing.value(), refusing.path())) {
                    throw refusing.code().because("rule " + refusing.ruleId() + ": " + refusing.path() + " is " + refusing.value());
                }
            }
            applied.add(refusing.ruleId());
        }
    }

    /** Samtycke that must be in force for the message to pass at all (PLANNED_WITHDRAWAL: contact with the kommun). */
    private void checkRequiredConsent(Element root, PolicyRules.TypeRule rule, List<String> applied) {
        if (rule.requiredConsent().isPresent()) {
            if (!Consents.covers(root, rule.requiredConsent().get(), clock)) {
                throw Refusal.CONSENT_MISSING.because("no samtycke " + rule.requiredConsent().get() + " in force");
            }
            applied.add(CONSENT_REQUIRED);
        }
    }

    private List<Recipient> recipients(Submission submission, PolicyRules.TypeRule rule, Element root, List<String> applied) {
        if (rule.routing() == PolicyRules.Routing.ADDRESSED) {
            Recipient recipient = addressed(submission.header(), submission.type(), rule);
            applied.add(RECIPIENT_FROM_DIRECTORY);
            if (rule.recipientIsOwnOrganisation()) {
                // seed 004: an acute decision is handed over inside the kommun that made it, never to another
                if (!recipient.party().id().equals(submission.sender().id())) {
                    throw Refusal.RECIPIENT_NOT_ALLOWED.because(submission.type() + " goes to a unit of the sender's own organisation, not to "
                            + recipient.party().id());
                }
                applied.add(RECIPIENT_IS_OWN_ORGANISATION);
            }
            if (rule.requiresUnits()) {
                // from one unit to another, each named: a confirmation then closes only the clock of the unit that sends it
                String from = submission.header().senderUnit();
                if (from == null) {
                    throw Refusal.SENDER_NOT_ALLOWED.because(submission.type() + " is sent by a unit, named in the sender's Enhet");
                }
                if (recipient.unit() == null || recipient.unit().id().equals(submission.sender().unit(from).map(Party.Unit::id).orElse(from))) {
                    throw Refusal.RECIPIENT_NOT_ALLOWED.because(submission.type() + " goes to another unit, named in the recipient's Enhet");
                }
                applied.add(UNIT_TO_UNIT);
            }
            if (rule.recipientIsBosattningskommun()) {
                checkBosattningskommun(submission.family().bosattningskommun(root), recipient);
                applied.add(RECIPIENT_IS_BOSATTNINGSKOMMUN);
            }
            return List.of(recipient);
        }
        if (submission.header().recipientOrgnr() != null) {
            throw Refusal.RECIPIENT_NOT_ALLOWED.because("the recipients of " + submission.type() + " follow from the policy; name none");
        }
        List<Recipient> fanOut = fanOut(submission.type(), rule, root, submission.sender());
        applied.add(RECIPIENTS_BY_FAN_OUT);
        return fanOut;
    }

    /**
     * The recipient is the directory's party for the declared organisation and kommunkod, and the
     * unit the sender names, else the unit the party declared for the type, else the party itself.
     */
    private Recipient addressed(MessageHeader header, MessageType type, PolicyRules.TypeRule rule) {
        if (header.recipientOrgnr() == null) {
            throw Refusal.UNKNOWN_RECIPIENT.because("the message names no recipient");
        }
        Party party;
        try {
            party = directory.byOrganisationsnummer(Organisationsnummer.of(header.recipientOrgnr()))
                    .orElseThrow(() -> Refusal.UNKNOWN_RECIPIENT.because(header.recipientOrgnr()));
        } catch (IllegalArgumentException e) {
            throw Refusal.UNKNOWN_RECIPIENT.because("the recipient's organisation number is not valid");
        }
        if (party.kind() == Party.Kind.KOMMUN && !party.kommunkod().equals(header.recipientKommunkod())) {
            throw Refusal.UNKNOWN_RECIPIENT.because("kommunkod does not match organisation " + party.orgnr());
        }
        if (!rule.recipients().contains(party.kind())) {
            throw Refusal.RECIPIENT_NOT_ALLOWED.because(party.kind() + " does not receive this type");
        }
        if (header.recipientUnit() == null) {
            return declaredFor(party, type);
        }
        return new Recipient(party, party.unit(header.recipientUnit())
                .orElseThrow(() -> Refusal.UNKNOWN_RECIPIENT.because("no such unit of " + party.id())));
    }

    /** 51 kap. 21 § SFB: the notice goes to the kommun where the person lives, not to any kommun the sender names. */
    private static void checkBosattningskommun(String bosattningskommun, Recipient recipient) {
        if (bosattningskommun == null) {
            throw Refusal.RECIPIENT_NOT_ALLOWED.because("the message does not say where the person is registered");
        }
        if (!bosattningskommun.equals(recipient.party().kommunkod())) {
            throw Refusal.RECIPIENT_NOT_ALLOWED.because("the person is registered in kommun " + bosattningskommun);
        }
    }

    /** Every party of the recipient kinds; kommuner only as the message lists them (PERMIT_REVOCATION). */
    private List<Recipient> fanOut(MessageType type, PolicyRules.TypeRule rule, Element root, Party sender) {
        Set<Party> parties = new LinkedHashSet<>();
        for (Party.Kind kind : Party.Kind.values()) {
            if (!rule.recipients().contains(kind)) {
                continue;
            }
            if (kind == Party.Kind.KOMMUN) {
                for (String kommunkod : Dom.elementsAt(root, rule.affectedKommuner()).stream().map(SchemaValues::tokenValue).toList()) {
                    parties.add(directory.byKommunkod(kommunkod).orElseThrow(() -> unknownKommun(kommunkod)));
                }
            } else {
                parties.addAll(directory.ofKind(kind));
            }
        }
        parties.remove(sender);
        if (parties.isEmpty()) {
            throw Refusal.UNKNOWN_RECIPIENT.because("the policy finds no recipient in the directory");
        }
        return parties.stream().map(party -> declaredFor(party, type)).toList();
    }

    /** The party's functional address for the type (its declared unit), or the party itself. */
    private Recipient declaredFor(Party party, MessageType type) {
        return directory.functionFor(party, type).map(unit -> new Recipient(party, unit)).orElseGet(() -> Recipient.of(party));
    }

    private RuntimeException unknownKommun(String kommunkod) {
        return directory.unconnectedKommun(kommunkod)
                .map(name -> Refusal.UNKNOWN_RECIPIENT.because(name + " (" + kommunkod + ") is not connected to the gateway yet"))
                .orElseGet(() -> Refusal.UNKNOWN_RECIPIENT.because("no kommun has kommunkod " + kommunkod));
    }

    private Verdict verdict(Element root, PolicyRules.TypeRule rule, Recipient recipient, boolean protectedIdentity,
            List<String> common, List<PermitStatus> providers) {
        List<String> applied = new ArrayList<>(common);
        applied.add(ALLOW_LIST);
        Set<String> withhold = new LinkedHashSet<>();
        if (rule.reasonsNeedConsent() && recipient.party().kind() == Party.Kind.KOMMUN) {
            reasons(root, withhold, applied);
        }
        if (protectedIdentity) {
            SchemaFamily family = recipient.party().family();
            withhold.add(family.personElement() + "/Adress");
            withhold.add(family.personElement() + "/Telefon");
            applied.add(PROTECTED_IDENTITY);
        }
        if (rule.highPriority()) {
            applied.add(HIGH_PRIORITY);
        }
        Instant due = followUpDue(root, rule, recipient, applied);
        Verdict.Reminder remind = reminder(root, rule, applied);
        return new Verdict(applied, rule.legalBasis(), rule.deliver().get(recipient.party().kind()), withhold,
                protectedIdentity, rule.highPriority(), due, remind, rule.expiresAfter().orElse(null), providers);
    }

    /** 51 kap. 21 § SFB: the kommun gets the decision, not the reasons (motivering), unless the person consented. */
    private void reasons(Element root, Set<String> withhold, List<String> applied) {
        if (Consents.covers(root, REASONS_CONSENT, clock)) {
            applied.add(REASONS_WITH_CONSENT);
        } else {
            withhold.add("Motivering");
            applied.add(REASONS_NEED_CONSENT);
        }
    }

    /**
     * When the recipient must have answered, or the clock escalates: 8 b § LSS (förslag), the kommun
     * confirms contact with the person; seed 004, the unit takes an acute decision over by the next
     * working day at 10:00, or before the decision ends if that is sooner; seed 000, FK answers a
     * transfer. The rule named is the policy's (follow-up-rule).
     */
    private Instant followUpDue(Element root, PolicyRules.TypeRule rule, Recipient recipient, List<String> applied) {
        if (rule.followUp().isEmpty() || !rule.followUp().get().recipients().contains(recipient.party().kind())) {
            return null;
        }
        PolicyRules.FollowUp followUp = rule.followUp().get();
        applied.add(followUp.rule());
        if (followUp.duration() != null) {
            return clock.instant().plus(followUp.duration());
        }
        if (followUp.nextWorkingDayAt() != null) {
            Instant due = WorkingDays.nextAt(clock.instant(), followUp.nextWorkingDayAt());
            if (followUp.atTheLatest() != null) {
                List<Element> end = Dom.elementsAt(root, followUp.atTheLatest());
                if (!end.isEmpty()) {
                    Instant ends = SchemaValues.dateTimeValue(end.get(0), followUp.atTheLatest()).toInstant();
                    due = ends.isBefore(due) ? (ends.isBefore(clock.instant()) ? clock.instant() : ends) : due;
                }
            }
            return due;
        }
        if (followUp.endOf() != null) {
            // seed 001: the kommun must have told the persons before the grace period ends, i.e. by the end of its last day
            List<Element> date = Dom.elementsAt(root, followUp.endOf());
            if (!date.isEmpty()) {
                Instant due = SchemaValues.dateValue(date.get(0), followUp.endOf()).plusDays(1).atStartOfDay(SWEDEN).toInstant();
                return due.isBefore(clock.instant()) ? clock.instant() : due;
            }
        }
        LocalDate today = LocalDate.now(clock.withZone(SWEDEN));
        return WorkingDays.after(today, followUp.workingDays()).atTime(17, 0).atZone(SWEDEN).toInstant();
    }

    /**
     * The recorded permit status of every provider the message concerns: its sender, if a provider,
     * and every provider it names (an Anordnare's organisation number, wherever it stands).
     */
    private List<PermitStatus> providerStatuses(Submission submission, Element root) {
        java.util.Set<Organisationsnummer> concerned = new LinkedHashSet<>();
        if (submission.sender().kind() == Party.Kind.ANORDNARE) {
            concerned.add(submission.sender().orgnr());
        }
        namedProviders(root, concerned);
        List<PermitStatus> recorded = new ArrayList<>();
        for (Organisationsnummer provider : concerned) {
            permits.of(provider).ifPresent(recorded::add);
        }
        return recorded;
    }

    private static void namedProviders(Element element, java.util.Set<Organisationsnummer> found) {
        for (Element child : Dom.elements(element)) {
            if (child.getLocalName().equals("Anordnare")) {
                for (Element number : Dom.elementsAt(child, "Organisationsnummer")) {
                    try {
                        found.add(Organisationsnummer.of(SchemaValues.tokenValue(number)));
                    } catch (IllegalArgumentException notOne) {
                        // the schema's pattern admits it; the directory would not know it either
                    }
                }
            } else {
                namedProviders(child, found);
            }
        }
    }

    /**
     * Seed 001: payment to a provider whose permit was revoked may go on for a grace period; every
     * recipient is reminded some working days before it ends (at once if that is already past,
     * never if the period is over).
     */
    private Verdict.Reminder reminder(Element root, PolicyRules.TypeRule rule, List<String> applied) {
        if (rule.reminder().isEmpty()) {
            return null;
        }
        String path = rule.reminder().get().path();
        List<Element> at = Dom.elementsAt(root, path);
        LocalDate date = at.isEmpty() ? null : SchemaValues.dateValue(at.get(0), path);
        LocalDate today = LocalDate.now(clock.withZone(SWEDEN));
        if (date == null || date.isBefore(today)) {
            return null;
        }
        applied.add(GRACE_PERIOD_REMINDER);
        Instant due = WorkingDays.before(date, rule.reminder().get().workingDays()).atTime(9, 0).atZone(SWEDEN).toInstant();
        return new Verdict.Reminder(date, due.isBefore(clock.instant()) ? clock.instant() : due);
    }
}
