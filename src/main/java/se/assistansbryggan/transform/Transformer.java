package se.assistansbryggan.transform;

import jakarta.xml.bind.JAXBElement;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.apache.camel.ExchangeProperty;
import org.w3c.dom.Document;
import se.assistansbryggan.intake.RefusedException;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.intake.SecureXml;
import se.assistansbryggan.intake.Submission;
import se.assistansbryggan.trust.KeyMaterial;
import se.assistansbryggan.trust.XmlSignatures;

/**
 * Transform station: maps the (already minimised) message into the recipient's schema family,
 * checks the result against that family's XSD, and signs it with the gateway's own key. The
 * delivered document carries a digest of the sender's signed original.
 */
public final class Transformer {
    private final KeyMaterial gatewayKey;
    private final Clock clock;

    public Transformer(KeyMaterial gatewayKey, Clock clock) {
        this.gatewayKey = gatewayKey;
        this.clock = clock;
    }

    public void transform(@ExchangeProperty(Submission.PROPERTY) Submission submission) {
        withoutSendersSignature(submission.document());
        JAXBElement<?> mapped = switch (submission.type()) {
            case WITHDRAWAL_NOTICE -> WithdrawalNoticeToKommun.map(submission, OffsetDateTime.now(clock));
        };
        Document delivered = Jaxb.marshal(mapped);
        try {
            SchemaGuard.validate(delivered);
        } catch (RefusedException e) {
            throw new IllegalStateException("the gateway produced an invalid " + submission.type() + ": " + e.detail(), e);
        }
        XmlSignatures.sign(delivered, gatewayKey);
        submission.transformed(new String(SecureXml.serialize(delivered), StandardCharsets.UTF_8));
    }

    /**
     * The sender's signature has been verified and its digest travels in Ursprung; the mapping
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

