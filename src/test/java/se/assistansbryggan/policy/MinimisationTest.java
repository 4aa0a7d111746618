package se.assistansbryggan.policy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.Verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The allow-list keeps what it names (and the way to it), the envelope always, and never what the verdict withholds. */
class MinimisationTest {
    private static final String DOCUMENT = """
            <k:X xmlns:k="urn:se:assistansbryggan:kommun:v1">
              <k:Meddelande><k:Id>1</k:Id></k:Meddelande>
              <k:Enskild><k:Identitet>p</k:Identitet><k:Adress>a</k:Adress><k:Telefon>t</k:Telefon></k:Enskild>
              <k:Beslut><k:Beslutsnummer>b</k:Beslutsnummer><k:Motivering>m</k:Motivering></k:Beslut>
              <k:Samtycke><k:Omfattning>o</k:Omfattning></k:Samtycke>
            </k:X>""";

    @Test
    void keeps_the_envelope_and_the_allow_list_and_removes_the_rest_and_the_withheld() {
        Element root = SecureXml.parse(DOCUMENT.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        Verdict verdict = new Verdict(List.of("allow-list"), List.of("51 kap. 21 § SFB"), List.of("Enskild/Identitet", "Beslut"),
                Set.of("Motivering"), false, false, null, null, null);

        List<String> removed = Minimisation.apply(root, SchemaFamily.KOMMUN, verdict);

        assertEquals(List.of("Enskild/Adress", "Enskild/Telefon", "Beslut/Motivering", "Samtycke"), removed);
        assertNotNull(Dom.childOrNull(root, "Meddelande"));
        assertNotNull(Dom.childOrNull(Dom.child(root, "Enskild"), "Identitet"));
        assertNotNull(Dom.childOrNull(Dom.child(root, "Beslut"), "Beslutsnummer"));
        assertNull(Dom.childOrNull(Dom.child(root, "Beslut"), "Motivering"));
        assertNull(Dom.childOrNull(root, "Samtycke"));
    }

    @Test
    void a_withheld_path_wins_over_an_allowed_subtree() {
        Element root = SecureXml.parse(DOCUMENT.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        Verdict protectedPerson = new Verdict(List.of("protected-identity"), List.of("x"), List.of("Enskild", "Beslut", "Samtycke"),
                Set.of("Enskild/Adress", "Enskild/Telefon"), true, false, null, null, null);

        assertEquals(List.of("Enskild/Adress", "Enskild/Telefon"), Minimisation.apply(root, SchemaFamily.KOMMUN, protectedPerson));
        assertNotNull(Dom.childOrNull(Dom.child(root, "Beslut"), "Motivering"));
    }
}
