package se.assistansbryggan.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What is kept and delivered as text ({@link SecureXml#text}) is, character for character, what
 * the byte serialiser writes, decoded: for every character XML allows in content and attributes
 * (markup characters, white space attributes must escape, Swedish letters, characters beyond the
 * Basic Multilingual Plane).
 */
class SecureXmlTextTest {
    private static final String NS = "urn:test:text";

    @Property(tries = 300)
    void textIsTheSerialisedBytesDecoded(@ForAll("xmlText") String content, @ForAll("xmlText") String attribute) {
        Document document = SecureXml.newDocument();
        Element root = document.createElementNS(NS, "t:Rot");
        root.setAttributeNS(null, "a", attribute);
        Element child = document.createElementNS(NS, "t:Barn");
        child.setTextContent(content);
        root.appendChild(child);
        root.appendChild(document.createElementNS(NS, "t:Tom"));
        document.appendChild(root);

        String text = SecureXml.text(document);

        assertEquals(new String(SecureXml.serialize(document), StandardCharsets.UTF_8), text);
        // and it reads back as the same content
        Document back = SecureXml.parse(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(content, back.getDocumentElement().getFirstChild().getTextContent());
        assertEquals(attribute, back.getDocumentElement().getAttribute("a"));
    }

    @Provide
    Arbitrary<String> xmlText() {
        Arbitrary<Character> special = Arbitraries.of('<', '>', '&', '"', '\'', '\t', '\n', ']', 'å', 'Ä', 'ö', 'é', '\u00a0', '\u2028');
        Arbitrary<String> beyondBmp = Arbitraries.of("\ud83d\ude00", "\ud800\udf48", "\udbff\udffd");
        Arbitrary<String> one = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.chars().range(' ', '~').map(String::valueOf)),
                net.jqwik.api.Tuple.of(3, special.map(String::valueOf)),
                net.jqwik.api.Tuple.of(1, beyondBmp));
        return one.list().ofMaxSize(40).map(parts -> String.join("", parts));
    }
}
