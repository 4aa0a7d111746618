package se.assistansbryggan.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Small helpers for reading schema-validated documents, and the one way the gateway walks child
 * elements: children in document order, by local name in the parent's namespace.
 */
public final class Dom {
    private Dom() {}

    /** Every child element of {@code parent}, in document order (text, comments and the like skipped). */
    public static List<Element> elements(Element parent) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                found.add(e);
            }
        }
        return found;
    }

    /** The first child element, or null when there is none. */
    public static Element firstElement(Element parent) {
        List<Element> all = elements(parent);
        return all.isEmpty() ? null : all.get(0);
    }

    public static Element child(Element parent, String localName) {
        Element found = childOrNull(parent, localName);
        if (found == null) {
            throw Refusal.SCHEMA_INVALID.because("missing element " + localName);
        }
        return found;
    }

    public static Element childOrNull(Element parent, String localName) {
        List<Element> found = children(parent, localName);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The child elements named {@code localName} in the parent's own namespace. */
    public static List<Element> children(Element parent, String localName) {
        return elements(parent).stream()
                .filter(e -> localName.equals(e.getLocalName()) && Objects.equals(parent.getNamespaceURI(), e.getNamespaceURI()))
                .toList();
    }

    /** Every element at a path of local names below {@code root} ("Beslut/Boendeform"), in document order. */
    public static List<Element> elementsAt(Element root, String path) {
        List<Element> level = List.of(root);
        for (String step : path.split("/")) {
            List<Element> next = new ArrayList<>();
            level.forEach(e -> next.addAll(children(e, step)));
            level = next;
        }
        return level;
    }

    public static String text(Element parent, String localName) {
        return child(parent, localName).getTextContent().trim();
    }

    public static String textOrNull(Element parent, String localName) {
        Element e = childOrNull(parent, localName);
        return e == null ? null : e.getTextContent().trim();
    }
}
