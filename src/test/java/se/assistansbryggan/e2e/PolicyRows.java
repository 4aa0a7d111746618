package se.assistansbryggan.e2e;

import java.util.function.Consumer;
import org.junit.jupiter.params.provider.Arguments;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.transform.FamilyGoldenTest;

/** The rows' vocabulary: golden files of the catalogue, edits that provoke a rule, signing as a party. */
final class PolicyRows {
    private PolicyRows() {}

    /** An edit of a golden document before it is signed. */
    interface Edit extends Consumer<Element> {}

    static Edit set(String path, String value) {
        return root -> at(root, path).setTextContent(value);
    }

    static Edit remove(String path) {
        return root -> {
            Element e = at(root, path);
            e.getParentNode().removeChild(e);
        };
    }

    static Edit none() {
        return root -> {};
    }

    static Arguments row(String rule, MessageType type, String sender, Edit edit, String code) {
        return row(rule, type, sender, sender.startsWith("kommun") ? SchemaFamily.KOMMUN : SchemaFamily.FK, edit, code);
    }

    static Arguments row(String rule, MessageType type, String sender, SchemaFamily family, Edit edit, String code) {
        return Arguments.of(rule, type, sender, family, edit, code);
    }

    static Arguments delivered(String rule, MessageType type, Edit edit, String queue, String path, boolean present) {
        return Arguments.of(rule, type, edit, queue, path, present);
    }

    static byte[] signed(MessageType type, String sender, SchemaFamily family, Edit edit) throws Exception {
        Document document = FamilyGoldenTest.golden(type, family);
        MessageSigner.stampFresh(document);
        edit.accept(document.getDocumentElement());
        return MessageSigner.sign(document, GatewayHarness.key(sender));
    }

    /** A municipal golden file turned into one FK claims to send: the FK family's version, sent by FK. */
    static Edit senderFk() {
        return root -> {
            Element from = at(root, "Huvud/Avsandare");
            at(from, "Organisationsnummer").setTextContent("202100-5521");
            from.removeChild(at(from, "Kommunkod"));
        };
    }

    static Edit recipientIvo() {
        return root -> {
            Element to = at(root, "Huvud/Mottagare");
            at(to, "Organisationsnummer").setTextContent("202100-6255");
            to.removeChild(at(to, "Kommunkod"));
            to.removeChild(at(to, "Enhet"));
        };
    }

    static Edit addMottagare() {
        return root -> {
            Element huvud = at(root, "Huvud");
            Element to = root.getOwnerDocument().createElementNS(root.getNamespaceURI(), root.getPrefix() + ":Mottagare");
            append(to, "Organisationsnummer", "202100-5521");
            huvud.insertBefore(to, at(huvud, "Skapad"));
        };
    }

    static void append(Element parent, String name, String text) {
        Element child = parent.getOwnerDocument().createElementNS(parent.getNamespaceURI(), parent.getPrefix() + ":" + name);
        child.setTextContent(text);
        parent.appendChild(child);
    }

    static Element at(Element root, String path) {
        Element e = find(root, path);
        if (e == null) {
            throw new IllegalArgumentException("no " + path + " in " + root.getLocalName());
        }
        return e;
    }

    static Element find(Element root, String path) {
        Element e = root;
        for (String step : path.split("/")) {
            e = Dom.childOrNull(e, step);
            if (e == null) {
                return null;
            }
        }
        return e;
    }
}
