package se.assistansbryggan.trust;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.message.CryptoCpu;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signature shape the gateway accepts, and the wrapping tricks it refuses. */
class XmlSignaturesTest {
    static final KeyMaterial FK = KeyMaterial.fromPkcs12(Path.of("certs-sample/fk.p12"), "changeit".toCharArray());
    static final String DOC = "<a:Root xmlns:a=\"urn:test\"><a:Value>42</a:Value></a:Root>";

    @Test
    void a_signed_document_verifies_and_names_its_signer() {
        Document document = parse(DOC);
        XmlSigner.sign(document, FK);
        assertEquals(FK.certificate(), XmlSignatures.verify(reparse(document)));
    }

    /**
     * What the signatures cost inside the gateway is metered where they are made and checked
     * (bryggan_crypto_cpu_seconds, the benchmark's cryptography in situ): every call counted, a failed
     * check too, an unsigned document not; each call timed with a chance of one in eight and counted
     * eight times, so over 2,000 signatures with the gateway's key the estimate lands near the thread's
     * own CPU for them (a factor of two off, or no timing at all, lands outside).
     */
    @Test
    void signing_and_checking_are_counted_and_their_cpu_estimated() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled());
        KeyMaterial gateway = KeyMaterial.fromPkcs12(Path.of("certs-sample/gateway-sign.p12"), "changeit".toCharArray());
        for (int i = 0; i < 200; i++) {
            XmlSigner.sign(parse(DOC), gateway); // warm
        }
        java.util.List<Document> unsigned = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            unsigned.add(parse(DOC));
        }
        long signs = CryptoCpu.SIGN.calls();
        long signCpu = CryptoCpu.SIGN.nanos();
        long started = threads.getCurrentThreadCpuTime();
        unsigned.forEach(document -> XmlSigner.sign(document, gateway));
        long used = threads.getCurrentThreadCpuTime() - started;
        assertEquals(2_000, CryptoCpu.SIGN.calls() - signs);
        double estimated = (CryptoCpu.SIGN.nanos() - signCpu) / (double) used;
        assertTrue(estimated > 0.6 && estimated < 1.6, "metered " + estimated + " of the CPU the signatures took");

        long checks = CryptoCpu.VERIFY.calls();
        long checkCpu = CryptoCpu.VERIFY.nanos();
        for (Document signed : unsigned.subList(0, 100)) {
            XmlSignatures.verify(reparse(signed));
        }
        Document tampered = parse(new String(SecureXml.serialize(unsigned.get(0)), StandardCharsets.UTF_8).replace(">42<", ">43<"));
        assertRefusal(Refusal.SIGNATURE_INVALID, tampered);
        assertRefusal(Refusal.SIGNATURE_MISSING, parse(DOC));
        assertEquals(101, CryptoCpu.VERIFY.calls() - checks, "a hundred checks and the failed one; the unsigned document had none");
        assertTrue(CryptoCpu.VERIFY.nanos() > checkCpu, "some of the checks were timed");
    }

    @Test
    void a_changed_value_does_not_verify() {
        Document document = parse(DOC);
        XmlSigner.sign(document, FK);
        String tampered = new String(SecureXml.serialize(document), StandardCharsets.UTF_8).replace(">42<", ">43<");
        assertRefusal(Refusal.SIGNATURE_INVALID, parse(tampered));
    }

    @Test
    void a_signed_document_wrapped_in_another_root_is_refused() {
        Document signed = parse(DOC);
        XmlSigner.sign(signed, FK);
        Document wrapper = parse("<a:Root xmlns:a=\"urn:test\"><a:Value>999</a:Value></a:Root>");
        Element moved = (Element) wrapper.importNode(signed.getDocumentElement().getLastChild(), true);
        wrapper.getDocumentElement().appendChild(wrapper.importNode(signed.getDocumentElement(), true));
        wrapper.getDocumentElement().appendChild(moved);
        assertRefusal(Refusal.SIGNATURE_POLICY_VIOLATED, reparse(wrapper));
    }

    @Test
    void a_signature_nested_below_the_root_is_refused() {
        Document signed = parse(DOC);
        XmlSigner.sign(signed, FK);
        Element root = signed.getDocumentElement();
        Element signature = (Element) root.getLastChild();
        root.getFirstChild().appendChild(signature);
        assertRefusal(Refusal.SIGNATURE_POLICY_VIOLATED, reparse(signed));
    }

    @Test
    void a_reference_to_a_part_of_the_document_is_refused() {
        Document signed = parse(DOC);
        XmlSigner.sign(signed, FK);
        String text = new String(SecureXml.serialize(signed), StandardCharsets.UTF_8).replace("URI=\"\"", "URI=\"#x\"");
        assertRefusal(Refusal.SIGNATURE_POLICY_VIOLATED, parse(text));
    }

    @Test
    void an_unsigned_document_is_refused() {
        assertRefusal(Refusal.SIGNATURE_MISSING, parse(DOC));
    }

    private static void assertRefusal(Refusal expected, Document document) {
        RefusedException e = assertThrows(RefusedException.class, () -> XmlSignatures.verify(document));
        assertEquals(expected, e.refusal());
    }

    private static Document parse(String xml) {
        return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static Document reparse(Document document) {
        return SecureXml.parse(SecureXml.serialize(document));
    }
}
