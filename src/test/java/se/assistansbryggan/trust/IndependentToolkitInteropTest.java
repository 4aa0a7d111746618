package se.assistansbryggan.trust;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signatures interoperate with an independent XMLDSig implementation: the JDK's own
 * (javax.xml.crypto.dsig, provider "XMLDSig"), not Apache Santuario which the gateway uses.
 */
public class IndependentToolkitInteropTest {
    static final XMLSignatureFactory JDK = jdkFactory();
    static final KeyMaterial FK = KeyMaterial.fromPkcs12(Path.of("certs-sample/fk.p12"), "changeit".toCharArray());
    static final KeyMaterial GATEWAY = KeyMaterial.fromPkcs12(Path.of("certs-sample/gateway-sign.p12"), "changeit".toCharArray());
    static final String DOC = "<fk:Notis xmlns:fk=\"urn:test\"><fk:Text>Indragen från 2027-01-01</fk:Text></fk:Notis>";

    @Test
    void a_document_signed_by_the_jdk_verifies_in_the_gateway() throws Exception {
        Document document = parse(DOC);
        signWithJdk(document, FK);
        assertEquals(FK.certificate(), XmlSignatures.verify(reparse(document)));
    }

    @Test
    void a_document_signed_by_the_jdk_and_then_tampered_does_not_verify_in_the_gateway() throws Exception {
        Document document = parse(DOC);
        signWithJdk(document, FK);
        String tampered = new String(SecureXml.serialize(document), StandardCharsets.UTF_8).replace("2027", "2028");
        assertThrows(RefusedException.class, () -> XmlSignatures.verify(parse(tampered)));
    }

    @Test
    void what_the_gateway_signs_verifies_with_the_jdk() throws Exception {
        Document document = parse(DOC);
        XmlSigner.sign(document, GATEWAY);
        assertTrue(verifyWithJdk(reparse(document)));
    }

    @Test
    void what_the_gateway_signs_and_someone_tampers_fails_with_the_jdk() throws Exception {
        Document document = parse(DOC);
        XmlSigner.sign(document, GATEWAY);
        String tampered = new String(SecureXml.serialize(document), StandardCharsets.UTF_8).replace("2027", "2028");
        assertFalse(verifyWithJdk(parse(tampered)));
    }

    /** Signs like a sender whose system uses the JDK's XMLDSig: enveloped, exclusive c14n, RSA-SHA256. */
    public static void signWithJdk(Document document, KeyMaterial key) throws Exception {
        var reference = JDK.newReference("", JDK.newDigestMethod(DigestMethod.SHA256, null), List.of(
                JDK.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null),
                JDK.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec) null)), null, null);
        SignedInfo info = JDK.newSignedInfo(
                JDK.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE, (C14NMethodParameterSpec) null),
                JDK.newSignatureMethod(SignatureMethod.RSA_SHA256, null), List.of(reference));
        KeyInfoFactory keys = JDK.getKeyInfoFactory();
        var keyInfo = keys.newKeyInfo(List.of(keys.newX509Data(List.of(key.certificate()))));
        JDK.newXMLSignature(info, keyInfo).sign(new DOMSignContext(key.privateKey(), document.getDocumentElement()));
    }

    static boolean verifyWithJdk(Document document) throws Exception {
        return verifyWithJdk(document, GATEWAY.certificate().getPublicKey());
    }

    /** Verifies the document's enveloped signature with the JDK's own XMLDSig implementation and the given key. */
    public static boolean verifyWithJdk(Document document, java.security.PublicKey key) throws Exception {
        Element signature = (Element) document.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature").item(0);
        DOMValidateContext context = new DOMValidateContext(key, signature);
        context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        return JDK.unmarshalXMLSignature(context).validate(context);
    }

    private static XMLSignatureFactory jdkFactory() {
        try {
            return XMLSignatureFactory.getInstance("DOM", "XMLDSig");
        } catch (java.security.NoSuchProviderException e) {
            throw new IllegalStateException("the JDK's XMLDSig provider is missing", e);
        }
    }

    private static Document parse(String xml) {
        return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static Document reparse(Document document) {
        return SecureXml.parse(SecureXml.serialize(document));
    }
}
