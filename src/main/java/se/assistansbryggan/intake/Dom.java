package se.assistansbryggan.intake;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Small helpers for reading schema-validated documents: children by local name in the parent's namespace. */
public final class Dom {
    private Dom() {}

    public static Element child(Element parent, String localName) {
        Element found = childOrNull(parent, localName);
        if (found == null) {
            throw Refusal.SCHEMA_INVALID.because("missing element " + localName);
        }
        return found;
    }

    public static Element childOrNull(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())
                    && String.valueOf(parent.getNamespaceURI()).equals(String.valueOf(e.getNamespaceURI()))) {
                return e;
            }
        }
        return null;
    }

    public static List<Element> children(Element parent, String localName) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())
                    && String.valueOf(parent.getNamespaceURI()).equals(String.valueOf(e.getNamespaceURI()))) {
                found.add(e);
            }
        }
        return found;
    }

    public static String text(Element parent, String localName) {
        return child(parent, localName).getTextContent().trim();
    }

    public static String textOrNull(Element parent, String localName) {
        Element e = childOrNull(parent, localName);
        return e == null ? null : e.getTextContent().trim();
    }
}
