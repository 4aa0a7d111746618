package se.assistansbryggan.transform;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.SchemaFamily;

/** Elements the gateway writes itself, in either schema family. */
final class Elements {
    private Elements() {}

    /**
     * A new element with the root's prefix, whose namespace declaration the root already carries:
     * the signature's canonical form must not depend on declarations added when serialising.
     */
    static Element element(Document doc, SchemaFamily family, String name) {
        Element root = doc.getDocumentElement();
        String prefix = root == null ? null : root.getPrefix();
        return doc.createElementNS(family.namespace(), prefix == null ? name : prefix + ":" + name);
    }

    static Element add(Element parent, SchemaFamily family, String name, String text) {
        Element child = element(parent.getOwnerDocument(), family, name);
        child.setTextContent(text);
        parent.appendChild(child);
        return child;
    }

    /** A party (PartTyp) as the directory names it, with its unit if any. */
    static Element party(Document doc, SchemaFamily family, String name, Party party, Party.Unit unit) {
        Element e = element(doc, family, name);
        add(e, family, "Organisationsnummer", party.orgnr().value());
        add(e, family, "Namn", party.name());
        if (party.kommunkod() != null) {
            add(e, family, "Kommunkod", party.kommunkod());
        }
        if (unit != null) {
            add(e, family, "Enhet", unit.id());
        }
        return e;
    }
}
