package se.assistansbryggan.transform;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import se.assistansbryggan.intake.SchemaGuard;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden files: for every catalogue type one hand-written document per schema family
 * ({@code src/test/resources/golden/<type>.fk.xml} and {@code .kommun.xml}) with the same content.
 * Each transform must produce the other family's golden file, and a round trip must come back equal.
 */
public class FamilyGoldenTest {

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void fk_to_municipal_gives_the_municipal_golden_file(MessageType type) throws IOException {
        Document mapped = Families.convert(golden(type, SchemaFamily.FK), type, SchemaFamily.FK, SchemaFamily.KOMMUN);
        SchemaGuard.validate(mapped);
        assertEquals(XmlOutline.of(golden(type, SchemaFamily.KOMMUN).getDocumentElement()), XmlOutline.of(mapped.getDocumentElement()));
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void municipal_to_fk_gives_the_fk_golden_file(MessageType type) throws IOException {
        Document mapped = Families.convert(golden(type, SchemaFamily.KOMMUN), type, SchemaFamily.KOMMUN, SchemaFamily.FK);
        SchemaGuard.validate(mapped);
        assertEquals(XmlOutline.of(golden(type, SchemaFamily.FK).getDocumentElement()), XmlOutline.of(mapped.getDocumentElement()));
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void municipal_to_fk_to_municipal_comes_back_equal(MessageType type) throws IOException {
        Document original = golden(type, SchemaFamily.KOMMUN);
        Document fk = Families.convert(original, type, SchemaFamily.KOMMUN, SchemaFamily.FK);
        Document back = Families.convert(fk, type, SchemaFamily.FK, SchemaFamily.KOMMUN);
        assertEquals(XmlOutline.of(original.getDocumentElement()), XmlOutline.of(back.getDocumentElement()));
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void golden_files_are_valid_and_name_their_type(MessageType type) throws IOException {
        for (SchemaFamily family : SchemaFamily.values()) {
            Document document = golden(type, family);
            SchemaGuard.validate(document);
            assertEquals(type.root(family), document.getDocumentElement().getLocalName());
            assertTrue(XmlOutline.of(document.getDocumentElement()).contains("= " + type.name()));
        }
    }

    public static Document golden(MessageType type, SchemaFamily family) throws IOException {
        String name = "/golden/" + fileName(type) + "." + family.name().toLowerCase(Locale.ROOT) + ".xml";
        try (InputStream in = FamilyGoldenTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no golden file " + name);
            }
            return SecureXml.parse(in.readAllBytes());
        }
    }

    static String fileName(MessageType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
