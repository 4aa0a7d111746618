package se.assistansbryggan.transform;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * A document as lines of {@code path [attributes] = text}, by namespace and local name: two
 * documents with the same outline carry the same content whatever their prefixes and
 * indentation. Compared as one string, a difference shows as a readable diff.
 */
final class XmlOutline {
    private XmlOutline() {}

    static String of(Element root) {
        List<String> lines = new ArrayList<>();
        walk(root, "{" + root.getNamespaceURI() + "}" + root.getLocalName(), lines);
        return String.join("\n", lines);
    }

    private static void walk(Element element, String path, List<String> lines) {
        StringBuilder line = new StringBuilder(path);
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            if (!"http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
                line.append(" @").append(a.getLocalName()).append('=').append(a.getValue());
            }
        }
        boolean leaf = true;
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            leaf &= !(n instanceof Element);
        }
        if (leaf) {
            line.append(" = ").append(element.getTextContent().trim());
        }
        lines.add(line.toString());
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                walk(child, path + "/" + child.getLocalName(), lines);
            }
        }
    }
}
