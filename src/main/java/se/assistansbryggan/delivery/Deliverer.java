package se.assistansbryggan.delivery;

import jakarta.jms.JMSException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import se.assistansbryggan.delivery.Handoff.StoredReceipt;
import se.assistansbryggan.message.ClockKind;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.Submission;
import se.assistansbryggan.message.Verdict;
import se.assistansbryggan.policy.PolicyEngine;

/**
 * Delivery station: hands every recipient's signed document, their follow-up clocks and the
 * sender's receipt to the broker in one transaction, so a fan-out is delivered to all or to
 * none. A resend of an accepted message (same id, same signed content) is answered with the
 * original receipt and delivers nothing new; the same id with other content is refused
 * (DUPLICATE_CONFLICT). The broker's duplicate detection decides, so this holds across restarts
 * and across gateway instances. A kommun's contact confirmation stops the clock of the notice it
 * answers.
 */
public final class Deliverer {
    private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);
    private static final int NORMAL_PRIORITY = 4;
    private static final int HIGH_PRIORITY = 9;

    /** Stops the follow-up clocks a party started by receiving a message; returns how many it stopped. */
    @FunctionalInterface
    public interface FollowUpClocks {
        /**
         * @param senderId the party whose message (by its id) the clocks follow up
         * @param recipientId only the clock of this recipient unit (the answering unit), or null for any of the party's
         * @param types only clocks of these message types (empty: any)
         * @param by the type of the answer that stops them
         * @param outcome what came of it: KONTAKTAD, EJ_NADD or UPPENBART_OBEHOVLIGT (a contact), OVERTAGEN (a handover),
         *     OVERTAGET or EJ_OVERTAGET (a transfer)
         */
        int stop(String messageId, String partyId, String senderId, String recipientId, java.util.Set<String> types, String by,
                String outcome) throws Exception;
    }

    private final Handoff handoff;
    private final FollowUpClocks clocks;
    private final se.assistansbryggan.policy.PolicyRules rules;

    public Deliverer(Handoff handoff, FollowUpClocks clocks, se.assistansbryggan.policy.PolicyRules rules) {
        this.handoff = handoff;
        this.clocks = clocks;
        this.rules = rules;
    }

    public void deliver(@ExchangeProperty(Submission.PROPERTY) Submission submission) {
        String messageId = submission.messageId().orElseThrow();
        String sender = submission.sender().orgnr().value();
        if (handoff.inLegacyWindow() && answeredBefore(submission, messageId)) {
            return;
        }
        try {
            List<Handoff.Delivery> deliveries = new java.util.ArrayList<>(submission.deliveries().stream()
                    .map(d -> deliveryOf(submission, d)).toList());
            // seed 001: IVO's revocation records the provider's permit status with the deliveries, for every instance to see
            permitRecorded(submission).ifPresent(status -> deliveries.add(BrokerPermits.record(status)));
            handoff.commit(sender, messageId, submission.contentDigest(), submission.receiptXml(), deliveries, followUpsOf(submission),
                    submission.auditEvents());
        } catch (Handoff.AlreadyStored duplicate) {
            answerResend(submission, messageId);
        } catch (JMSException e) {
            throw Refusal.BROKER_UNAVAILABLE.because("the broker did not confirm the message", e);
        }
        if (submission.deliveries().get(0).verdict().rules().contains(PolicyEngine.CLOSES_FOLLOW_UP)) {
            stopClock(submission);
        }
    }

    /** Runs after the commit: a confirmation that is stored but whose clock outlives it escalates once, never silently. */
    private void stopClock(Submission submission) {
        try {
            // the confirmation answers the notice its recipient (FK) sent: only that sender's clocks stop
            // an answer from a named unit closes that unit's clock only; and only clocks of the types this answer answers
            String unit = submission.header().senderUnit();
            String answering = unit == null ? null
                    : submission.sender().id() + "/" + submission.sender().unit(unit).map(se.assistansbryggan.message.Party.Unit::id).orElse(unit);
            java.util.Set<String> types = rules.of(submission.type()).closesFollowUpOf().stream().map(Enum::name)
                    .collect(java.util.stream.Collectors.toSet());
            // the answered message's sender is among the answer's recipients (the other a fan-out answer like REVOCATION_FOLLOW_UP
            // reaches has no clock of that message id and type to stop)
            for (String answered : submission.deliveries().stream().map(d -> d.recipient().party().id()).distinct().toList()) {
                clocks.stop(submission.header().referenceId(), submission.sender().id(), answered, answering, types, submission.type().name(),
                        outcome(submission));
            }
        } catch (Exception e) {
            LOG.error("the follow-up clock of {} could not be stopped; it may escalate although {} confirmed contact",
                    submission.header().referenceId(), submission.sender().id(), e);
        }
    }

    /**
     * Shortly after an upgrade, a resend of a message the earlier version accepted is found by its
     * kept receipt: the broker's duplicate detection knows it under the earlier key only.
     */
    private boolean answeredBefore(Submission submission, String messageId) {
        Optional<StoredReceipt> legacy;
        try {
            legacy = handoff.legacyReceipt(messageId);
        } catch (JMSException e) {
            throw Refusal.BROKER_UNAVAILABLE.because("the broker could not be asked for an earlier receipt", e);
        }
        // kept without its sender: the same content (which names its sender) is a resend; other content may be
        // another sender's message with the same id, independent of it, and is handed off as any new message
        if (legacy.isEmpty() || !legacy.get().contentDigest().equals(Base64.getEncoder().encodeToString(submission.contentDigest()))) {
            return false;
        }
        submission.replayOf(legacy.get().receiptXml());
        return true;
    }

    /**
     * What the answer says came of it: a contact confirmation's Kontakt/Utfall, by its value (one
     * written before outcomes existed means contacted); a handover taken over; a transfer taken over
     * or not, by which of the two the answer carries.
     */
    private static String outcome(Submission submission) {
        var root = submission.document().getDocumentElement();
        return switch (submission.type()) {
            case HANDOVER_CONFIRMATION -> "OVERTAGEN";
            case REVOCATION_FOLLOW_UP -> "INFORMERADE";
            case TRANSFER_TAKEN_OVER -> se.assistansbryggan.message.Dom.elementsAt(root, "Besked/AssistansersattningFran").isEmpty()
                    ? "EJ_OVERTAGET" : "OVERTAGET";
            default -> {
                var outcome = se.assistansbryggan.message.Dom.elementsAt(root, "Kontakt/Utfall");
                yield outcome.isEmpty() ? "KONTAKTAD" : se.assistansbryggan.message.SchemaValues.tokenValue(outcome.get(0));
            }
        };
    }

    private void answerResend(Submission submission, String messageId) {
        Optional<StoredReceipt> stored;
        try {
            stored = handoff.storedReceipt(submission.sender().orgnr().value(), messageId);
        } catch (JMSException e) {
            throw Refusal.BROKER_UNAVAILABLE.because("the broker could not be asked for the earlier receipt", e);
        }
        if (stored.isEmpty()) {
            throw Refusal.DUPLICATE.because("the earlier receipt is no longer kept");
        }
        answerWith(submission, messageId, stored.get());
    }

    /** The original receipt for the same content; the same id with other content is a conflict, and the first stands. */
    private static void answerWith(Submission submission, String messageId, StoredReceipt stored) {
        if (!stored.contentDigest().equals(Base64.getEncoder().encodeToString(submission.contentDigest()))) {
            throw Refusal.DUPLICATE_CONFLICT.because("message id " + messageId);
        }
        submission.replayOf(stored.receiptXml());
    }

    /** The provider status a PERMIT_REVOCATION records: whose permit, revoked or suspended, and the grace period's end. */
    private Optional<se.assistansbryggan.message.PermitStatus> permitRecorded(Submission submission) {
        if (submission.type() != se.assistansbryggan.message.MessageType.PERMIT_REVOCATION) {
            return Optional.empty();
        }
        var root = submission.document().getDocumentElement();
        var provider = se.assistansbryggan.message.Dom.elementsAt(root, "Tillstandsbeslut/Anordnare/Organisationsnummer");
        if (provider.isEmpty()) {
            return Optional.empty();
        }
        var atgard = se.assistansbryggan.message.Dom.elementsAt(root, "Tillstandsbeslut/Atgard");
        var grace = se.assistansbryggan.message.Dom.elementsAt(root, "Tillstandsbeslut/AnstandTill");
        se.assistansbryggan.message.Organisationsnummer orgnr;
        try {
            orgnr = se.assistansbryggan.message.Organisationsnummer.of(se.assistansbryggan.message.SchemaValues.tokenValue(provider.get(0)));
        } catch (IllegalArgumentException notOne) {
            // the schema's pattern admits it, but no provider has it: nothing to record, the revocation is delivered all the same
            LOG.warn("revocation {} names a provider whose organisation number does not check out; no status recorded",
                    submission.messageId().orElse(null));
            return Optional.empty();
        }
        return Optional.of(new se.assistansbryggan.message.PermitStatus(orgnr,
                se.assistansbryggan.message.PermitStatus.Status.of(atgard.isEmpty() ? null
                        : se.assistansbryggan.message.SchemaValues.tokenValue(atgard.get(0))),
                grace.isEmpty() ? null : se.assistansbryggan.message.SchemaValues.dateValue(grace.get(0), "Tillstandsbeslut/AnstandTill"),
                submission.messageId().orElseThrow(), java.time.Instant.now()));
    }

    /** An escalation clock where contact must be confirmed, a reminder clock where a date must not pass unnoticed. */
    private List<Handoff.FollowUp> followUpsOf(Submission submission) {
        List<Handoff.FollowUp> clocks = new java.util.ArrayList<>();
        boolean toParty = rules.of(submission.type()).followUp().map(se.assistansbryggan.policy.PolicyRules.FollowUp::escalatesToParty)
                .orElse(false);
        for (Submission.Delivery d : submission.deliveries()) {
            if (d.verdict().followUpDue() != null) {
                // the unit's escalation queue, or (follow-up-escalation=party) its kommun's, which the kommun's on-call reads
                clocks.add(new Handoff.FollowUp(d.recipient().id(), d.recipient().party().id(),
                        toParty ? d.recipient().party().escalationQueue() : d.recipient().escalationQueue(),
                        d.verdict().followUpDue(), ClockKind.ESCALATION, null));
            }
            if (d.verdict().reminder() != null) {
                clocks.add(new Handoff.FollowUp(d.recipient().id(), d.recipient().party().id(), d.recipient().queue(),
                        d.verdict().reminder().due(), ClockKind.REMINDER, d.verdict().reminder().date()));
            }
        }
        return clocks;
    }

    private static Handoff.Delivery deliveryOf(Submission submission, Submission.Delivery delivery) {
        Verdict verdict = delivery.verdict();
        Map<String, String> properties = new java.util.LinkedHashMap<>(Map.of(
                "AbMessageId", submission.messageId().orElseThrow(),
                "AbMessageType", submission.type().name(),
                "AbSender", submission.sender().id(),
                "AbRecipient", delivery.recipient().id(),
                "AbRules", String.join(",", verdict.rules()),
                "AbLegalBasis", String.join(" | ", verdict.legalBasis()),
                "AbProtectedIdentity", String.valueOf(verdict.protectedIdentity())));
        if (!verdict.providers().isEmpty()) {
            // e.g. "556900-1232 PERMIT_REVOKED 2026-12-19": a consumer routes on it without parsing Leverans
            properties.put("AbProviderPermit", String.join(" | ", verdict.providers().stream().map(p -> p.provider().value() + " "
                    + p.status().name() + (p.graceEnds() == null ? "" : " " + p.graceEnds())).toList()));
        }
        return new Handoff.Delivery(delivery.recipient().queue(), delivery.xml(), properties,
                verdict.highPriority() ? HIGH_PRIORITY : NORMAL_PRIORITY,
                verdict.expiresAfter() == null ? 0 : verdict.expiresAfter().toMillis());
    }
}
