package se.assistansbryggan.operations;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.Submission;
import se.assistansbryggan.message.Verdict;
import se.assistansbryggan.policy.PolicyEngine;
import se.assistansbryggan.policy.PolicyRules;
import se.assistansbryggan.transform.Transformer;
import se.assistansbryggan.trust.PartyDirectory;

/**
 * What the gateway would decide for a message, delivering nothing: the message read as intake
 * reads it, the policy applied as the policy station applies it (this policy file, perhaps one
 * not yet live) and each recipient's copy made as the transform makes it, so that the fields it
 * withholds are the ones a delivery would withhold. The signature and the sender's certificates
 * are not checked: the sender is the party named, for trying messages before anyone signs them.
 */
public final class PolicyExplainer {
    private final PolicyEngine policy;
    private final Transformer transformer;
    private final PartyDirectory directory;
    private final int maxBytes;

    public PolicyExplainer(PolicyRules rules, PartyDirectory directory, KeyMaterial gatewayKey, int maxBytes, Clock clock) {
        this.policy = new PolicyEngine(rules, directory, clock);
        this.transformer = new Transformer(gatewayKey, clock);
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The decision for one message as sent by this party: each recipient's, or the refusal with its code. */
    public Map<String, Object> explain(String senderId, byte[] message) {
        Party sender = directory.byId(senderId)
                .orElseThrow(() -> new IllegalArgumentException("no party " + senderId + " in the directory"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sender", sender.id());
        Submission submission = new Submission("explain", null);
        try {
            new SchemaGuard(maxBytes).admit(message, submission);
            out.put("type", submission.type().name());
            out.put("messageId", submission.messageId().orElse(null));
            if (!submission.header().senderOrgnr().replace("-", "").equals(sender.orgnr().value().replace("-", ""))) {
                out.put("warning", "the message names sender " + submission.header().senderOrgnr() + ", not " + sender.id()
                        + " (" + sender.orgnr().value() + "): the gateway would refuse it as SENDER_MISMATCH");
            }
            // the signature is not checked: the copies name the message by a digest of the bytes given instead
            submission.signedBy(null, sha256(message));
            submission.sentBy(sender);
            policy.decide(submission);
            transformer.transform(submission);
        } catch (RefusedException refused) {
            out.put("outcome", "REFUSED");
            out.put("code", refused.refusal().name());
            out.put("why", refused.refusal().sentence() + " (" + refused.detail() + ")");
            return out;
        }
        out.put("outcome", "ACCEPTED");
        List<Map<String, Object>> recipients = new ArrayList<>();
        for (Submission.Delivery delivery : submission.deliveries()) {
            Verdict verdict = delivery.verdict();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("recipient", delivery.recipient().id());
            r.put("name", delivery.recipient().party().name());
            r.put("queue", delivery.recipient().queue());
            r.put("family", delivery.recipient().party().family().name());
            r.put("legalBasis", verdict.legalBasis());
            r.put("rules", verdict.rules());
            r.put("withheld", delivery.withheld());
            r.put("priority", verdict.highPriority() ? "HIGH" : "NORMAL");
            r.put("protectedIdentity", verdict.protectedIdentity());
            if (verdict.followUpDue() != null) {
                r.put("followUpDue", verdict.followUpDue().toString());
            }
            if (verdict.reminder() != null) {
                r.put("reminder", verdict.reminder().due() + " (before " + verdict.reminder().date() + ")");
            }
            if (verdict.expiresAfter() != null) {
                r.put("expiresAfter", verdict.expiresAfter().toString());
            }
            recipients.add(r);
        }
        out.put("recipients", recipients);
        return out;
    }
}
