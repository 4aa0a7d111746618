package se.assistansbryggan.message;

import java.util.Optional;
import org.w3c.dom.Element;

/**
 * The two schema families and where each keeps the parts every message has. FK and IVO speak the
 * FK family, kommuner the municipal one; a sender writes its own family and a recipient gets its
 * own. Element names under the body differ between families and are mapped in the transform
 * station; the parts named here are the ones the gateway reads or writes in either family.
 */
public enum SchemaFamily {
    FK("urn:se:assistansbryggan:fk:v1", "Huvud", "MeddelandeId", "ReferensMeddelandeId", "Avsandare", "Mottagare",
            "Forsakrad", "Skyddad", "Bosattningskommun"),
    KOMMUN("urn:se:assistansbryggan:kommun:v1", "Meddelande", "Id", "Referens", "Fran", "Till",
            "Enskild", "SkyddadIdentitet", "Folkbokforingskommun");

    private final String namespace;
    private final String envelope;
    private final String id;
    private final String reference;
    private final String sender;
    private final String recipient;
    private final String person;
    private final String protectedMark;
    private final String residence;

    SchemaFamily(String namespace, String envelope, String id, String reference, String sender, String recipient,
            String person, String protectedMark, String residence) {
        this.namespace = namespace;
        this.envelope = envelope;
        this.id = id;
        this.reference = reference;
        this.sender = sender;
        this.recipient = recipient;
        this.person = person;
        this.protectedMark = protectedMark;
        this.residence = residence;
    }

    public String namespace() { return namespace; }
    /** The envelope element: Huvud / Meddelande. */
    public String envelope() { return envelope; }
    public String idElement() { return id; }
    public String referenceElement() { return reference; }
    public String senderElement() { return sender; }
    public String recipientElement() { return recipient; }
    /** The person element: Forsakrad / Enskild. */
    public String personElement() { return person; }

    public static Optional<SchemaFamily> ofNamespace(String namespace) {
        for (SchemaFamily family : values()) {
            if (family.namespace.equals(namespace)) {
                return Optional.of(family);
            }
        }
        return Optional.empty();
    }

    /** The person's number as twelve digits, or null when the message is about no person. */
    public String personnummer(Element root) {
        Element p = Dom.childOrNull(root, person);
        if (p == null) {
            return null;
        }
        return this == FK ? Dom.text(p, "Personnummer") : Dom.text(p, "Identitet").replace("-", "");
    }

    /** The kommunkod of the kommun where the person is registered, or null if the message does not say. */
    public String bosattningskommun(Element root) {
        Element p = Dom.childOrNull(root, person);
        Element kommun = p == null ? null : Dom.childOrNull(p, residence);
        return kommun == null ? null : SchemaValues.tokenValue(kommun);
    }

    /** True when the person has sekretessmarkering or skyddad folkbokföring. */
    public boolean protectedIdentity(Element root) {
        Element p = Dom.childOrNull(root, person);
        Element mark = p == null ? null : Dom.childOrNull(p, protectedMark);
        // the xs:boolean's value: "1" protects as "true" does
        return mark != null && SchemaValues.booleanValue(mark, person + "/" + protectedMark);
    }
}
