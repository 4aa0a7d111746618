package se.assistansbryggan.message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The one way the gateway turns bytes into a DOM: namespace aware, no DTD (so no entity of any
 * kind), no external resources, no XInclude, secure processing limits on (OWASP XXE guidance).
 */
public final class SecureXml {

    static final int MAX_DEPTH = 64;
    static final int MAX_ATTRIBUTES = 64;
    static final int MAX_NAME = 256;
    private static final DocumentBuilderFactory FACTORY = factory();
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> newBuilder(FACTORY));
    private static final TransformerFactory TRANSFORMERS = transformers();

    private SecureXml() {}

    /** Parses a document, refusing DTDs and anything malformed. */
    public static Document parse(byte[] xml) {
        return parse(BUILDER.get(), xml, SILENT);
    }

    /** A document parsed and validated in one pass, and the first way it breaks the schema (null if none). */
    public record Validated(Document document, SAXParseException invalid) {}

    /**
     * Parses and validates against the schema in one pass, which costs little more than parsing
     * (validating the finished tree walked it a second time). Refuses what {@link #parse} refuses;
     * a schema violation is returned, not thrown, so the caller can first tell an unknown document.
     */
    public static Validated parseValidating(ThreadLocal<DocumentBuilder> validating, byte[] xml) {
        SAXParseException[] first = new SAXParseException[1];
        Document document = parse(validating.get(), xml, new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {}

            @Override
            public void error(SAXParseException e) {
                if (first[0] == null) {
                    first[0] = e;
                }
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                throw e;
            }
        });
        return new Validated(document, first[0]);
    }

    /** Builders from the hardened factory that validate against the schema as they parse, one per thread. */
    public static ThreadLocal<DocumentBuilder> validatingBuilders(javax.xml.validation.Schema schema) {
        DocumentBuilderFactory factory = factory();
        factory.setSchema(schema);
        try {
            // the document must stay as the sender signed it: no whitespace collapsed into the tree, no
            // defaults added (the signature is over the text as sent; rules read values through SchemaValues)
            factory.setFeature("http://apache.org/xml/features/validation/schema/normalized-value", false);
            factory.setFeature("http://apache.org/xml/features/validation/schema/element-default", false);
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot keep the document as sent", e);
        }
        return ThreadLocal.withInitial(() -> newBuilder(factory));
    }

    private static Document parse(DocumentBuilder builder, byte[] xml, ErrorHandler errors) {
        builder.reset();
        builder.setErrorHandler(errors);
        try {
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            String text = String.valueOf(e.getMessage());
            if (text.contains("JAXP0")) {
                throw Refusal.XML_LIMIT_EXCEEDED.because("limits: depth " + MAX_DEPTH + ", attributes per element "
                        + MAX_ATTRIBUTES + ", name length " + MAX_NAME);
            }
            if (text.contains("DOCTYPE") || text.contains("was referenced, but not declared")) {
                throw Refusal.XML_FORBIDDEN_CONSTRUCT.because("DTDs and entities are refused");
            }
            throw Refusal.XML_MALFORMED.because(location(e));
        } catch (IOException e) {
            throw Refusal.XML_MALFORMED.because("the body could not be read");
        }
    }

    /** A fresh empty document from the hardened factory. */
    public static Document newDocument() {
        return BUILDER.get().newDocument();
    }

    /** Serialises a node as XML in UTF-8 without an XML declaration. */
    public static byte[] serialize(Node node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        serialize(node, new StreamResult(out));
        return out.toByteArray();
    }

    /**
     * Serialises a node as XML text without an XML declaration, for what is kept or sent as text
     * (a delivery, a receipt): written as characters, it skips the serialiser's own byte buffer for
     * UTF-8 (some 27 KB made per call) and the decoding of its bytes back into a string.
     */
    public static String text(Node node) {
        StringWriter out = new StringWriter(4096);
        serialize(node, new StreamResult(out));
        return out.toString();
    }

    private static void serialize(Node node, StreamResult result) {
        Transformer transformer = SERIALIZER.get();
        try {
            transformer.transform(new DOMSource(node), result);
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialise XML", e);
        } finally {
            transformer.reset();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.setOutputProperty(OutputKeys.METHOD, "xml");
        }
    }

    /** One identity transformer per thread: making one costs more than serialising a message. */
    private static final ThreadLocal<Transformer> SERIALIZER = ThreadLocal.withInitial(() -> {
        try {
            Transformer transformer = TRANSFORMERS.newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            // always XML: an identity transformer would write a document whose root is <html> as HTML (unclosed tags)
            transformer.setOutputProperty(OutputKeys.METHOD, "xml");
            return transformer;
        } catch (javax.xml.transform.TransformerConfigurationException e) {
            throw new IllegalStateException("cannot make an XML serialiser", e);
        }
    });

    private static String location(SAXException e) {
        return e instanceof SAXParseException p
                ? "not well-formed at line " + p.getLineNumber() + ", column " + p.getColumnNumber()
                : "not well-formed";
    }

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be hardened", e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setAttribute("jdk.xml.maxElementDepth", Integer.toString(MAX_DEPTH));
        f.setAttribute("jdk.xml.elementAttributeLimit", Integer.toString(MAX_ATTRIBUTES));
        f.setAttribute("jdk.xml.maxXMLNameLimit", Integer.toString(MAX_NAME));
        f.setNamespaceAware(true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        return f;
    }

    private static DocumentBuilder newBuilder(DocumentBuilderFactory factory) {
        try {
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TransformerFactory transformers() {
        TransformerFactory f = TransformerFactory.newInstance();
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        return f;
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
}
