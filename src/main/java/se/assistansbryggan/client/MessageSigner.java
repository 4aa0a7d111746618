package se.assistansbryggan.client;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;

/** What a sending agency's system does before posting: stamp a fresh id and time, then sign. */
public final class MessageSigner {
    private static final DateTimeFormatter XS_DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");
    private MessageSigner() {}

    /** Gives the message a new id and creation time (now), in either schema family, so a sample file can be sent again. */
    public static void stampFresh(Document document) {
        Element envelope = envelope(document);
        Dom.child(envelope, family(document).idElement()).setTextContent(UUID.randomUUID().toString());
        stampCreated(document);
    }

    /** Sets the creation time to now, keeping the message's own id (a bulk transfer's files carry theirs). */
    public static void stampCreated(Document document) {
        // an explicit pattern: OffsetDateTime.toString() drops ":00" seconds, which xs:dateTime does not allow
        Dom.child(envelope(document), "Skapad").setTextContent(OffsetDateTime.now(ZoneOffset.UTC).format(XS_DATE_TIME));
    }

    private static SchemaFamily family(Document document) {
        return SchemaFamily.ofNamespace(document.getDocumentElement().getNamespaceURI())
                .orElseThrow(() -> new IllegalArgumentException("not a message of a known schema family"));
    }

    private static Element envelope(Document document) {
        return Dom.child(document.getDocumentElement(), family(document).envelope());
    }

    /** The message id of a message of either family. */
    public static String messageId(Document document) {
        Element root = document.getDocumentElement();
        SchemaFamily family = SchemaFamily.ofNamespace(root.getNamespaceURI()).orElseThrow();
        return Dom.text(Dom.child(root, family.envelope()), family.idElement());
    }

    /** Signs the whole document with the party's key (enveloped, exclusive c14n, SHA-256). */
    public static byte[] sign(Document document, KeyMaterial key) {
        XmlSigner.sign(document, key);
        return SecureXml.serialize(document);
    }
}
