package se.assistansbryggan.intake;

import jakarta.xml.bind.JAXBElement;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.message.Jaxb;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.Submission;
import se.assistansbryggan.message.XmlSigner;
import se.assistansbryggan.metrics.GatewayMetrics;
import se.assistansbryggan.schema.kvittens.v1.KvittensTyp;
import se.assistansbryggan.schema.kvittens.v1.ObjectFactory;
import se.assistansbryggan.schema.kvittens.v1.StatusTyp;

/**
 * The gateway's answer to a sender: a kvittens (receipt) signed with the gateway's key, ACCEPTED
 * after the broker committed the message or REFUSED with a stable code. The receipt document is
 * the exchange body afterwards (bytes); the HTTP status goes in {@link Exchange#HTTP_RESPONSE_CODE}.
 */
public final class Receipts {
    private static final Logger LOG = LoggerFactory.getLogger(Receipts.class);
    private static final ObjectFactory KVITTENS = new ObjectFactory();
    private final KeyMaterial gatewayKey;
    private final AuditTrail audit;
    private final GatewayMetrics metrics;
    private final Clock clock;

    public Receipts(KeyMaterial gatewayKey, AuditTrail audit, GatewayMetrics metrics, Clock clock) {
        this.gatewayKey = gatewayKey;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Makes and signs the ACCEPTED receipt before the hand-off, so the broker stores it with the message. */
    public void prepare(Exchange exchange) {
        Submission submission = exchange.getProperty(Submission.PROPERTY, Submission.class);
        String text = "delivered to " + String.join(", ", submission.deliveries().stream().map(d -> d.recipient().name()).toList());
        Document receipt = receipt(submission.messageId().orElseThrow(), StatusTyp.ACCEPTED, null, text, null);
        submission.receiptMade(SecureXml.text(receipt));
        // the steps of acceptance are committed with the deliveries, not written after them
        submission.auditMade(audit.encode(steps(submission)));
    }

    /**
     * Answers with the receipt the broker committed (its audit events were committed with it), or
     * the original one for a resend, which is recorded here: nothing new was stored.
     */
    public void accepted(Exchange exchange) {
        Submission submission = exchange.getProperty(Submission.PROPERTY, Submission.class);
        LOG.info("{} {} {} from {} to {}", submission.replayed() ? "resent" : "accepted", submission.type(),
                submission.messageId().orElseThrow(), submission.sender().id(), submission.recipientIds());
        if (submission.replayed()) {
            audit(steps(submission));
            metrics.received(submission.channel());
            metrics.resent(submission.type().name());
        } else {
            metrics.received(submission.channel());
            metrics.accepted(submission.type().name(), submission.elapsed());
            submission.deliveries().forEach(d -> metrics.delivered(submission.type().name(), d.recipient().party().kind().name()));
        }
        answer(exchange, submission.receiptXml().getBytes(StandardCharsets.UTF_8), 200);
    }

    /** Turns whatever stopped the message into a REFUSED receipt; unexpected failures become INTERNAL_ERROR. */
    public void refused(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        RefusedException refusal = asRefusal(caught);
        Submission submission = exchange.getProperty(Submission.PROPERTY, Submission.class);
        // on the SOAP door a refusal is the operation's normal output (HTTP 200, WS-I Basic Profile): a standard SOAP client
        // reads the signed Kvittens, its Status REFUSED and its Kod, instead of failing on a transport error
        boolean soap = submission != null && "soap".equals(submission.channel());
        answer(exchange, SecureXml.serialize(refusal(refusal, submission, caught)), soap ? 200 : refusal.refusal().httpStatus());
    }

    /** The signed REFUSED receipt for a refusal, logged, audited and counted; also for doors that fail before the route. */
    public Document refusal(RefusedException refusal, Submission submission, Throwable caught) {
        String id = submission == null ? null : submission.messageId().orElse(null);
        String incident = UUID.randomUUID().toString();
        if (refusal.refusal().blame() == Refusal.Blame.GATEWAY) {
            LOG.error("incident {}: {} for message {}", incident, refusal.refusal(), id, caught);
        } else {
            LOG.info("refused message {} with {} (incident {}): {}", id, refusal.refusal(), incident, refusal.detail());
        }
        Map<String, Object> event = describe(submission);
        event.put("code", refusal.refusal().name());
        event.put("incident", incident);
        audit(Event.REFUSED, event);
        metrics.received(submission == null ? "unknown" : submission.channel());
        metrics.refused(refusal.refusal().name(), submission == null ? java.time.Duration.ZERO : submission.elapsed());
        String text = refusal.refusal().sentence() + " (" + refusal.detail() + ")";
        return receipt(id, StatusTyp.REFUSED, refusal.refusal().name(), text, incident);
    }

    /** What the audit trail records of every outcome; the person only as a keyed hash. */
    private enum Event { RECEIVED, TRANSFORMED, DELIVERED, ACCEPTED, RESENT, REFUSED }

    /** An accepted message's steps, written together: received, then per recipient transformed and delivered, then accepted. */
    private static List<AuditTrail.Event> steps(Submission submission) {
        List<AuditTrail.Event> steps = new ArrayList<>();
        steps.add(new AuditTrail.Event(Event.RECEIVED.name(), describe(submission)));
        if (submission.replayed()) {
            steps.add(new AuditTrail.Event(Event.RESENT.name(), describe(submission)));
            return steps;
        }
        for (Submission.Delivery delivery : submission.deliveries()) {
            Map<String, Object> transformed = about(submission, delivery);
            transformed.put("family", delivery.recipient().party().family().name());
            transformed.put("rules", String.join(",", delivery.verdict().rules()));
            transformed.put("withheld", String.join(",", delivery.withheld()));
            steps.add(new AuditTrail.Event(Event.TRANSFORMED.name(), transformed));
            Map<String, Object> delivered = about(submission, delivery);
            delivered.put("queue", delivery.recipient().queue());
            delivered.put("legalBasis", String.join(" | ", delivery.verdict().legalBasis()));
            steps.add(new AuditTrail.Event(Event.DELIVERED.name(), delivered));
        }
        Map<String, Object> accepted = describe(submission);
        accepted.put("recipient", submission.recipientIds());
        steps.add(new AuditTrail.Event(Event.ACCEPTED.name(), accepted));
        return steps;
    }

    private static Map<String, Object> about(Submission submission, Submission.Delivery delivery) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("messageId", submission.messageId().orElse(null));
        fields.put("type", submission.type().name());
        fields.put("recipient", delivery.recipient().id());
        fields.put("sender", submission.sender().id());
        // each recipient's steps name the person too (as a keyed hash): a register extract finds them directly
        fields.put("person", submission.header() == null ? null : submission.header().person());
        return fields;
    }

    private static Map<String, Object> describe(Submission submission) {
        Map<String, Object> event = new HashMap<>();
        if (submission != null) {
            event.put("channel", submission.channel());
            submission.messageId().ifPresent(id -> event.put("messageId", id));
            event.put("type", submission.type() == null ? null : submission.type().name());
            event.put("sender", submission.sender() == null ? null : submission.sender().id());
            event.put("person", submission.header() == null ? null : submission.header().person());
        }
        return event;
    }

    private void audit(Event event, Map<String, Object> fields) {
        audit(List.of(new AuditTrail.Event(event.name(), fields)));
    }

    private void audit(List<AuditTrail.Event> events) {
        try {
            audit.recordAll(events);
        } catch (RuntimeException e) {
            // A refusal or a resend stored nothing, so its answer stands; operators must see the gap.
            LOG.error("AUDIT GAP: {} for message {} could not be recorded", events.get(events.size() - 1).name(),
                    events.get(0).fields().get("messageId"), e);
        }
    }

    private static RefusedException asRefusal(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof RefusedException r) {
                return r;
            }
            if (t instanceof jakarta.jms.JMSException) {
                return Refusal.BROKER_UNAVAILABLE.because("the broker did not confirm the message", caught);
            }
        }
        return Refusal.INTERNAL_ERROR.because("unexpected " + (caught == null ? "failure" : caught.getClass().getSimpleName()), caught);
    }

    private Document receipt(String messageId, StatusTyp status, String code, String text, String incident) {
        KvittensTyp k = KVITTENS.createKvittensTyp();
        k.setKvittensId(UUID.randomUUID().toString());
        k.setMeddelandeId(messageId);
        k.setStatus(status);
        k.setKod(code);
        k.setText(text);
        k.setIncidentId(incident);
        k.setTidpunkt(Jaxb.dateTime(OffsetDateTime.now(clock)));
        JAXBElement<KvittensTyp> element = KVITTENS.createKvittens(k);
        Document document = Jaxb.marshal(element);
        XmlSigner.sign(document, gatewayKey);
        return document;
    }

    private static void answer(Exchange exchange, byte[] receipt, int status) {
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setBody(receipt);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/xml");
    }
}
