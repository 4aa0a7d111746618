package se.assistansbryggan.delivery;

import jakarta.jms.JMSException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.ExchangeProperty;
import se.assistansbryggan.delivery.Handoff.StoredReceipt;
import se.assistansbryggan.intake.Refusal;
import se.assistansbryggan.intake.Submission;

/**
 * Delivery station: hands the signed, transformed document and the sender's receipt to the
 * broker in one transaction. A resend of an accepted message (same id, same signed content) is
 * answered with the original receipt and delivers nothing new; the same id with other content
 * is refused (DUPLICATE_CONFLICT). The broker's duplicate detection decides, so this holds
 * across restarts and across gateway instances.
 */
public final class Deliverer {
    private static final int NORMAL_PRIORITY = 4;
    private final Handoff handoff;

    public Deliverer(Handoff handoff) {
        this.handoff = handoff;
    }

    public void deliver(@ExchangeProperty(Submission.PROPERTY) Submission submission) {
        String messageId = submission.messageId().orElseThrow();
        try {
            handoff.commit(messageId, submission.contentDigest(), submission.receiptXml(), List.of(deliveryOf(submission)),
                    followUpOf(submission));
        } catch (Handoff.AlreadyStored duplicate) {
            answerResend(submission, messageId);
        } catch (JMSException e) {
            throw Refusal.BROKER_UNAVAILABLE.because("the broker did not confirm the message", e);
        }
    }

    private void answerResend(Submission submission, String messageId) {
        Optional<StoredReceipt> stored;
        try {
            stored = handoff.storedReceipt(messageId);
        } catch (JMSException e) {
            throw Refusal.BROKER_UNAVAILABLE.because("the broker could not be asked for the earlier receipt", e);
        }
        if (stored.isEmpty()) {
            throw Refusal.DUPLICATE.because("the earlier receipt is no longer kept");
        }
        if (!stored.get().contentDigest().equals(Base64.getEncoder().encodeToString(submission.contentDigest()))) {
            throw Refusal.DUPLICATE_CONFLICT.because("message id " + messageId);
        }
        submission.replayOf(stored.get().receiptXml());
    }

    private static Handoff.FollowUp followUpOf(Submission submission) {
        var due = submission.verdict().followUpDue();
        return due == null ? null
                : new Handoff.FollowUp(submission.recipient().id(), submission.recipient().escalationQueue(), due);
    }

    private static Handoff.Delivery deliveryOf(Submission submission) {
        return new Handoff.Delivery(submission.recipient().queue(), submission.deliveredXml(), Map.of(
                "AbMessageId", submission.messageId().orElseThrow(),
                "AbMessageType", submission.type().name(),
                "AbSender", submission.sender().id(),
                "AbRecipient", submission.recipient().id(),
                "AbRules", String.join(",", submission.verdict().rules()),
                "AbLegalBasis", String.join(" | ", submission.verdict().legalBasis())), NORMAL_PRIORITY);
    }
}
