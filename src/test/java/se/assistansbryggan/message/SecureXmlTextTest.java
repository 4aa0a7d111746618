package se.assistansbryggan.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What is kept and delivered as text ({@link SecureXml#text}) is, character for character, what
 * the byte serialiser writes, decoded: for characters from every range XML 1.0 allows in content
 * and attributes (markup characters, the white space attributes must escape, C1 controls,
 * Swedish letters, characters beyond the Basic Multilingual Plane), and for a delivery-sized text
 * whose surrogate pairs straddle the byte writer's internal chunks.
 */
class SecureXmlTextTest {
    private static final String NS = "urn:test:text";

    @Property(tries = 300)
    void textIsTheSerialisedBytesDecoded(@ForAll("xmlText") String content, @ForAll("xmlText") String attribute) {
        same(content, attribute);
    }

    @Example
    void aLongTextWithPairsAcrossTheWritersChunks() {
        // the byte writer encodes some 5,461 characters at a time: pairs at every offset meet its boundaries
        StringBuilder content = new StringBuilder();
        while (content.length() < 40_000) {
            content.append("x\ud83d\ude00å&<\r");
        }
        same(content.toString(), content.substring(0, 7_000));
    }

    private static void same(String content, String attribute) {
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
        Arbitrary<String> special = Arbitraries.of("<", ">", "&", "\"", "'", "\t", "\n", "\r", "]]>", "å", "Ä", "ö", "\u00a0", "\u0085");
        // XML 1.0's Char production, beyond the white space above
        Arbitrary<Integer> codePoint = Arbitraries.oneOf(Arbitraries.integers().between(0x20, 0xD7FF),
                Arbitraries.integers().between(0xE000, 0xFFFD), Arbitraries.integers().between(0x10000, 0x10FFFF));
        Arbitrary<String> one = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.chars().range(' ', '~').map(String::valueOf)),
                Tuple.of(2, special),
                Tuple.of(3, codePoint.map(Character::toString)));
        return one.list().ofMaxSize(40).map(parts -> String.join("", parts));
    }
}
