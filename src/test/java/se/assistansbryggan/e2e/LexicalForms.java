package se.assistansbryggan.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.TypeInfo;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.SchemaValues;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;

/**
 * Writes a message in another lexical form the schemas allow for the same values, the way another
 * sender's toolkit might: booleans as 1/0, whitespace around values whose type collapses it, another
 * namespace prefix or the default namespace, character references or CDATA for text, namespace
 * declarations in another order, date-times in another time zone (the same instant), decimals
 * with extra zeros. Then signs it as the sender, keeping the lexical form on the wire.
 */
final class LexicalForms {
    private static final Schema SCHEMA = schema("fk/fk-meddelanden-v1.xsd", "kommun/kommun-meddelanden-v1.xsd");
    private static final ThreadLocal<DocumentBuilder> TYPED = SecureXml.validatingBuilders(SCHEMA);
    private static final String XS = XMLConstants.W3C_XML_SCHEMA_NS_URI;

    /** How text is written: escaped characters, every letter as a character reference, or CDATA. */
    enum Text { PLAIN, CHARACTER_REFERENCES, CDATA }

    /** One lexical form: each choice is one of the freedoms the XML and XSD recommendations give a writer. */
    record Form(boolean booleansAsDigits, boolean whitespace, String prefix, Text text, boolean extraDeclarationsFirst,
            int offsetMinutes, boolean decimalZeros) {
        /** No change of time zone. */
        static final int SAME_ZONE = Integer.MIN_VALUE;
    }

    private LexicalForms() {}

    /** The document parsed against the schemas, so each element knows its type. */
    static Document typed(byte[] xml) {
        SecureXml.Validated parsed = SecureXml.parseValidating(TYPED, xml);
        if (parsed.invalid() != null) {
            throw new IllegalArgumentException("not schema-valid: " + parsed.invalid().getMessage());
        }
        return parsed.document();
    }

    /** The unsigned message in the given form, signed with the sender's key; the bytes a sender would post. */
    static byte[] signed(Document unsigned, Form form, KeyMaterial key) {
        Document typed = typed(SecureXml.serialize(unsigned));
        String variant = write(typed.getDocumentElement(), form);
        Document parsed = SecureXml.parse(variant.getBytes(StandardCharsets.UTF_8));
        XmlSigner.sign(parsed, key);
        Node signature = parsed.getDocumentElement().getLastChild();
        String signatureXml = new String(SecureXml.serialize(signature), StandardCharsets.UTF_8);
        int end = variant.lastIndexOf("</");
        return (variant.substring(0, end) + signatureXml + variant.substring(end)).getBytes(StandardCharsets.UTF_8);
    }

    static String write(Element root, Form form) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        String ns = root.getNamespaceURI();
        String declaration = form.prefix().isEmpty() ? "xmlns=\"" + ns + "\"" : "xmlns:" + form.prefix() + "=\"" + ns + "\"";
        String extra = "xmlns:annan=\"urn:example:annan-leverantor\"";
        element(out, root, form, form.extraDeclarationsFirst() ? " " + extra + " " + declaration : " " + declaration + " " + extra);
        return out.toString();
    }

    private static void element(StringBuilder out, Element element, Form form, String declarations) {
        String name = form.prefix().isEmpty() ? element.getLocalName() : form.prefix() + ":" + element.getLocalName();
        out.append('<').append(name).append(declarations);
        attributes(out, element, form);
        out.append('>');
        List<Element> children = Dom.elements(element);
        if (children.isEmpty()) {
            text(out, value(element, form), form.text());
        } else {
            for (Element child : children) {
                out.append("\n");
                element(out, child, form, "");
            }
            out.append("\n");
        }
        out.append("</").append(name).append('>');
    }

    /** The element's own attributes (not namespace declarations), in reverse order and single quotes in one form of two. */
    private static void attributes(StringBuilder out, Element element, Form form) {
        List<String> written = new ArrayList<>();
        var attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node a = attributes.item(i);
            if (!XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) {
                String quote = form.extraDeclarationsFirst() ? "'" : "\"";
                written.add(" " + a.getLocalName() + "=" + quote + escape(a.getNodeValue()).replace("'", "&apos;").replace("\"", "&quot;") + quote);
            }
        }
        if (form.extraDeclarationsFirst()) {
            java.util.Collections.reverse(written);
        }
        written.forEach(out::append);
    }

    /** The same value in another lexical form of the element's type. */
    private static String value(Element element, Form form) {
        String text = element.getTextContent();
        SchemaValues.Kind kind = SchemaValues.kind(element);
        String value = switch (kind) {
            case BOOLEAN -> form.booleansAsDigits() ? (SchemaValues.booleanValue(element, "boolean") ? "1" : "0") : text;
            case DATE_TIME -> inZone(text, form.offsetMinutes());
            case DECIMAL -> form.decimalZeros() ? zeros(text.strip(), isInteger(element)) : text;
            default -> text;
        };
        boolean collapses = kind != SchemaValues.Kind.STRING && kind != SchemaValues.Kind.NORMALIZED_STRING;
        return form.whitespace() && collapses ? "\n    " + value + " \t" : value;
    }

    /** The same instant at another offset; a date-time without a zone names no instant and stays as it is. */
    private static String inZone(String text, int offsetMinutes) {
        if (offsetMinutes == Form.SAME_ZONE || !text.strip().matches(".*(Z|[+-]\\d{2}:\\d{2})$")) {
            return text;
        }
        return OffsetDateTime.parse(text.strip()).withOffsetSameInstant(ZoneOffset.ofTotalSeconds(offsetMinutes * 60))
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static boolean isInteger(Element element) {
        TypeInfo type = element.getSchemaTypeInfo();
        return (XS.equals(type.getTypeNamespace()) && "integer".equals(type.getTypeName()))
                || type.isDerivedFrom(XS, "integer", TypeInfo.DERIVATION_RESTRICTION);
    }

    private static String zeros(String decimal, boolean integer) {
        String sign = decimal.startsWith("-") ? "-" : "+";
        String digits = decimal.replaceFirst("^[+-]", "");
        return sign + "00" + digits + (integer ? "" : digits.contains(".") ? "000" : ".000");
    }

    private static void text(StringBuilder out, String text, Text how) {
        switch (how) {
            case PLAIN -> out.append(escape(text));
            case CDATA -> out.append(text.contains("]]>") ? escape(text) : "<![CDATA[" + text + "]]>");
            case CHARACTER_REFERENCES -> text.codePoints().forEach(c -> out.append(Character.isLetter(c)
                    ? (c % 2 == 0 ? "&#" + c + ";" : "&#x" + Integer.toHexString(c) + ";")
                    : escape(Character.toString(c))));
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static Schema schema(String... paths) {
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XS);
            List<Source> sources = new ArrayList<>();
            for (String path : paths) {
                URL url = LexicalForms.class.getResource("/schemas/" + path);
                sources.add(new StreamSource(url.openStream(), url.toExternalForm()));
            }
            return factory.newSchema(sources.toArray(Source[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (org.xml.sax.SAXException e) {
            throw new IllegalStateException(e);
        }
    }
}
