package se.assistansbryggan.transform;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import org.apache.camel.ExchangeProperty;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.Recipient;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.Submission;
import se.assistansbryggan.message.Verdict;
import se.assistansbryggan.message.XmlSigner;
import se.assistansbryggan.policy.Minimisation;

/**
 * Transform station: for each recipient, the message's content in the recipient's schema family
 * ({@link Families}), the parties as the directory knows them, only the fields the verdict allows
 * ({@link Minimisation}), and a Leverans record (legal basis, rules, withheld fields, protected
 * identity, priority, digest of the sender's signed original). Checked against the family's XSD
 * and signed with the gateway's own key.
 */
public final class Transformer {
    private static final String LEVERANS = "Leverans";
    private final KeyMaterial gatewayKey;
    private final Clock clock;
    private final boolean validateOutput;

    /** A transformer that checks every document it makes against its family's XSD. */
    public Transformer(KeyMaterial gatewayKey, Clock clock) {
        this(gatewayKey, clock, true);
    }

    /**
     * @param validateOutput whether each document made is checked against its family's XSD before it
     *     is signed (gateway.transform.validate-output, on unless turned off: what the policy's
     *     allow-lists and the directory's names make of a message is only known with them)
     */
    public Transformer(KeyMaterial gatewayKey, Clock clock, boolean validateOutput) {
        this.gatewayKey = gatewayKey;
        this.clock = clock;
        this.validateOutput = validateOutput;
    }

    public void transform(@ExchangeProperty(Submission.PROPERTY) Submission submission) {
        withoutSendersSignature(submission.document());
        // mapped once per family; a fan-out to many kommuner copies the mapped document for each
        java.util.Map<SchemaFamily, Document> mapped = new java.util.EnumMap<>(SchemaFamily.class);
        java.util.Map<SchemaFamily, Long> uses = submission.deliveries().stream().collect(java.util.stream.Collectors.groupingBy(
                d -> d.recipient().party().family(), () -> new java.util.EnumMap<>(SchemaFamily.class), java.util.stream.Collectors.counting()));
        for (Submission.Delivery delivery : submission.deliveries()) {
            SchemaFamily family = delivery.recipient().party().family();
            Document content = mapped.computeIfAbsent(family,
                    f -> Families.convert(submission.document(), submission.type(), submission.family(), f));
            // the last copy a family needs may be the mapped document itself
            Document own = uses.merge(family, -1L, Long::sum) == 0 ? content : copy(content);
            List<String> withheld = new java.util.ArrayList<>();
            delivery.transformed(document(submission, own, delivery.recipient(), delivery.verdict(), withheld), withheld);
        }
    }

    private static Document copy(Document content) {
        Document copy = SecureXml.newDocument();
        copy.appendChild(copy.importNode(content.getDocumentElement(), true));
        return copy;
    }

    private String document(Submission submission, Document out, Recipient recipient, Verdict verdict, List<String> withheldOut) {
        SchemaFamily family = recipient.party().family();
        Element root = out.getDocumentElement();
        Party.Unit senderUnit = submission.header().senderUnit() == null ? null
                : submission.sender().unit(submission.header().senderUnit()).orElseThrow();
        stampParties(root, family, submission.sender(), senderUnit, recipient);
        Dom.children(root, LEVERANS).forEach(root::removeChild);
        List<String> withheld = Minimisation.apply(root, family, verdict);
        withheldOut.addAll(withheld);
        root.appendChild(leverans(out, family, verdict, withheld, submission));
        if (validateOutput) {
            try {
                SchemaGuard.validate(out);
            } catch (RefusedException e) {
                // not the sender's fault: no SCHEMA_INVALID for them (the cause stays out so the refusal is INTERNAL_ERROR)
                throw new IllegalStateException("the gateway produced an invalid " + submission.type() + " for "
                        + recipient.id() + ": " + e.detail());
            }
        }
        XmlSigner.sign(out, gatewayKey);
        return SecureXml.text(out);
    }

    /** Sender and recipient, with their units, as the directory names them, whatever the sender wrote. */
    private static void stampParties(Element root, SchemaFamily family, Party sender, Party.Unit senderUnit, Recipient recipient) {
        Element envelope = Dom.child(root, family.envelope());
        Element from = Dom.child(envelope, family.senderElement());
        envelope.replaceChild(Elements.party(root.getOwnerDocument(), family, family.senderElement(), sender, senderUnit), from);
        Element to = Dom.childOrNull(envelope, family.recipientElement());
        Element stamped = Elements.party(root.getOwnerDocument(), family, family.recipientElement(), recipient.party(), recipient.unit());
        if (to != null) {
            envelope.replaceChild(stamped, to);
        } else {
            envelope.insertBefore(stamped, Dom.child(envelope, "Skapad"));
        }
    }

    private Element leverans(Document doc, SchemaFamily family, Verdict verdict, List<String> withheld, Submission submission) {
        Element e = Elements.element(doc, family, LEVERANS);
        Elements.add(e, family, "Levererad", OffsetDateTime.now(clock).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        verdict.legalBasis().forEach(basis -> Elements.add(e, family, "Rattsliggrund", basis));
        verdict.rules().forEach(rule -> Elements.add(e, family, "Regel", rule));
        withheld.forEach(path -> Elements.add(e, family, "UtelamnadUppgift", path));
        Elements.add(e, family, "SkyddadIdentitet", String.valueOf(verdict.protectedIdentity()));
        Elements.add(e, family, "Prioritet", verdict.highPriority() ? "HOG" : "NORMAL");
        Elements.add(e, family, "Sammandrag", Base64.getEncoder().encodeToString(submission.contentDigest()));
        Elements.add(e, family, "SigneratAv", submission.sender().orgnr().value());
        for (se.assistansbryggan.message.PermitStatus provider : verdict.providers()) {
            Element status = Elements.element(doc, family, "AnordnaresTillstand");
            Elements.add(status, family, "Organisationsnummer", provider.provider().value());
            Elements.add(status, family, "Status", provider.status().name());
            if (provider.graceEnds() != null) {
                Elements.add(status, family, "AnstandTill", provider.graceEnds().toString());
            }
            e.appendChild(status);
        }
        return e;
    }

    /**
     * The sender's signature has been verified and its digest travels in Leverans; the mapping
     * reads only the content. (Left in, JAXB would keep it as a DOM fragment through a new
     * TransformerFactory per message, the most expensive step of the transform.)
     */
    private static void withoutSendersSignature(Document document) {
        var signatures = document.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "Signature");
        for (int i = signatures.getLength() - 1; i >= 0; i--) {
            signatures.item(i).getParentNode().removeChild(signatures.item(i));
        }
    }
}
