package se.assistansbryggan.intake;

import java.io.IOException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.transform.Source;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Personnummer;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SchemaValues;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.Submission.MessageHeader;
import se.assistansbryggan.message.Submission;

/**
 * Intake's gate: a size limit, hardened parsing ({@link SecureXml}), a known root element and
 * validation against the schemas in {@code schemas/}. Reads the message header for later stations.
 */
public final class SchemaGuard {

    public static final String FK_NS = "urn:se:assistansbryggan:fk:v1";
    public static final String KOMMUN_NS = "urn:se:assistansbryggan:kommun:v1";
    public static final String RECEIPT_NS = "urn:se:assistansbryggan:kvittens:v1";

    /** Root elements the gateway accepts from senders: every catalogue type in either family. */
    private static final Map<QName, MessageType> INBOUND = inbound();

    private static final Schema SCHEMA = loadSchema("fk/fk-meddelanden-v1.xsd", "kommun/kommun-meddelanden-v1.xsd",
            "receipt/kvittens-v1.xsd");
    private static final ThreadLocal<Validator> VALIDATOR = ThreadLocal.withInitial(SchemaGuard::newValidator);
    private static final ThreadLocal<javax.xml.parsers.DocumentBuilder> VALIDATING = SecureXml.validatingBuilders(SCHEMA);

    private final int maxBytes;

    public SchemaGuard(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Parses, recognises and validates the body; the parsed document goes into the submission. */
    public void admit(@Body byte[] body, @ExchangeProperty(Submission.PROPERTY) Submission submission) {
        submission.declaredContentType().ifPresent(SchemaGuard::checkContentType);
        if (body.length > maxBytes) {
            throw Refusal.MESSAGE_TOO_LARGE.because("the limit is " + maxBytes + " bytes");
        }
        SecureXml.Validated parsed = SecureXml.parseValidating(VALIDATING, body);
        Document document = parsed.document();
        Element root = document.getDocumentElement();
        MessageType type = INBOUND.get(new QName(root.getNamespaceURI(), root.getLocalName()));
        if (type == null) {
            throw Refusal.UNSUPPORTED_MESSAGE_TYPE.because("unknown root element {" + root.getNamespaceURI() + "}"
                    + root.getLocalName());
        }
        if (parsed.invalid() != null) {
            throw Refusal.SCHEMA_INVALID.because(withoutValues(parsed.invalid().getMessage()));
        }
        everyDateTimeHasAZone(root);
        if (type == MessageType.CONTACT_CONFIRMATION) {
            contactSaysHow(root);
        }
        SchemaFamily family = SchemaFamily.ofNamespace(root.getNamespaceURI()).orElseThrow();
        submission.parsed(document, type, family, readHeader(root, family));
    }

    /**
     * A confirmed contact says how it was made or tried; only "contact obviously unnecessary" has no
     * how. The one rule of the schemas XSD 1.0 cannot state, read from the values (Utfall by its token value).
     */
    private static void contactSaysHow(Element root) {
        Element contact = Dom.child(root, "Kontakt");
        List<Element> outcome = Dom.elementsAt(contact, "Utfall");
        boolean unnecessary = !outcome.isEmpty() && "UPPENBART_OBEHOVLIGT".equals(SchemaValues.tokenValue(outcome.get(0)));
        if (!unnecessary && Dom.elementsAt(contact, "Kontaktsatt").isEmpty() && Dom.elementsAt(contact, "Satt").isEmpty()) {
            throw Refusal.SCHEMA_INVALID.because("Kontakt: how the person was contacted (Kontaktsatt, Satt in the FK family) is required "
                    + "unless Utfall is UPPENBART_OBEHOVLIGT");
        }
    }

    /** An xs:dateTime without a time zone names no instant, wherever it stands: the sender's to fix, with the field named. */
    private static void everyDateTimeHasAZone(Element element) {
        for (org.w3c.dom.Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child) {
                if (SchemaValues.kind(child) == SchemaValues.Kind.DATE_TIME) {
                    SchemaValues.dateTimeValue(child, path(child));
                } else {
                    everyDateTimeHasAZone(child);
                }
            }
        }
    }

    /** An element's path from the root ("Beslut/Period/Fran"), made only for a refusal that names it. */
    private static String path(Element element) {
        StringBuilder path = new StringBuilder(element.getLocalName());
        for (org.w3c.dom.Node up = element.getParentNode(); up instanceof Element parent; up = parent.getParentNode()) {
            path.insert(0, parent.getLocalName() + "/");
        }
        return path.toString();
    }

    private static void checkContentType(String declared) {
        String mediaType = declared.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!mediaType.equals("application/xml") && !mediaType.equals("text/xml")) {
            throw Refusal.CONTENT_TYPE_UNSUPPORTED.because("declared " + (mediaType.isEmpty() ? "nothing" : mediaType));
        }
    }

    /** Validates any document of the three schema families; used for what the gateway produces too. */
    public static void validate(Document document) {
        Validator validator = VALIDATOR.get();
        try {
            validator.validate(new DOMSource(document));
        } catch (SAXException e) {
            throw Refusal.SCHEMA_INVALID.because(withoutValues(e.getMessage()));
        } catch (IOException e) {
            throw Refusal.SCHEMA_INVALID.because("the document could not be read");
        }
    }

    /** The validator quotes offending values, which may be personal numbers; keep only the rule that failed. */
    static String withoutValues(String validatorMessage) {
        return String.valueOf(validatorMessage).replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
    }

    private static Map<QName, MessageType> inbound() {
        Map<QName, MessageType> roots = new java.util.HashMap<>();
        for (MessageType type : MessageType.values()) {
            for (SchemaFamily family : SchemaFamily.values()) {
                roots.put(new QName(family.namespace(), type.root(family)), type);
            }
        }
        return Map.copyOf(roots);
    }

    private static MessageHeader readHeader(Element root, SchemaFamily family) {
        Element envelope = Dom.child(root, family.envelope());
        Element from = Dom.child(envelope, family.senderElement());
        Element to = Dom.childOrNull(envelope, family.recipientElement());
        String person = family.personnummer(root);
        try {
            return new MessageHeader(Dom.text(envelope, family.idElement()), Dom.textOrNull(envelope, family.referenceElement()),
                    Dom.text(from, "Organisationsnummer"), Dom.textOrNull(from, "Enhet"), to == null ? null : Dom.text(to, "Organisationsnummer"),
                    to == null ? null : Dom.textOrNull(to, "Kommunkod"), to == null ? null : Dom.textOrNull(to, "Enhet"),
                    SchemaValues.dateTimeValue(Dom.child(envelope, "Skapad"), family.envelope() + "/Skapad"),
                    person == null ? null : Personnummer.parse(person));
        } catch (IllegalArgumentException e) {
            throw Refusal.SCHEMA_INVALID.because(e.getMessage());
        }
    }

    private static Schema loadSchema(String... paths) {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
            Source[] sources = new Source[paths.length];
            for (int i = 0; i < paths.length; i++) {
                URL url = SchemaGuard.class.getResource("/schemas/" + paths[i]);
                if (url == null) {
                    throw new IllegalStateException("schema missing from the classpath: " + paths[i]);
                }
                sources[i] = new StreamSource(url.toExternalForm());
            }
            return factory.newSchema(sources);
        } catch (SAXException e) {
            throw new IllegalStateException("the schemas do not load: " + e.getMessage(), e);
        }
    }

    private static Validator newValidator() {
        Validator validator = SCHEMA.newValidator();
        try {
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (SAXException e) {
            throw new IllegalStateException(e);
        }
        return validator;
    }
}
