package se.assistansbryggan.trust;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.keys.KeyInfo;
import org.apache.xml.security.signature.Reference;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.utils.Constants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import se.assistansbryggan.message.CryptoCpu;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.XmlSigner;

/**
 * Verifies enveloped XML signatures (XMLDSig with Apache Santuario) the way the gateway allows them: one
 * ds:Signature as the last child of the document root, one Reference with URI="" (the whole
 * document), exactly the enveloped-signature and exclusive-c14n transforms, SHA-256 digests and
 * RSA-SHA256 or ECDSA-SHA256. Anything else is refused, which is what defeats signature
 * wrapping: the element processed is the root, and the root is what was signed.
 */
public final class XmlSignatures {

    private static final String EXC_C14N = XmlSigner.EXC_C14N;
    private static final String SHA256 = XmlSigner.SHA256;
    private static final List<String> TRANSFORMS = XmlSigner.TRANSFORMS;
    private static final java.security.Provider BC = XmlSigner.BC;
    private static final Set<String> SIGNATURE_ALGORITHMS = Set.of(
            XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256);

    static {
        XmlSigner.init();
    }

    /** The signer's certificate and its issuing CAs: real chains are two or three long. */
    private static final int MAX_KEYINFO_CERTIFICATES = 4;

    private XmlSignatures() {}

    /** A verified signature: who signed (not yet path-validated) and the SHA-256 digest of the content signed. */
    public record Verified(X509Certificate signer, byte[] contentDigest, List<X509Certificate> presented) {
        public Verified(X509Certificate signer, byte[] contentDigest) {
            this(signer, contentDigest, List.of());
        }
    }

    /**
     * Verifies the document's enveloped signature against the certificate in its KeyInfo and
     * returns that certificate; the caller still has to validate the certificate's path.
     */
    public static X509Certificate verify(Document document) {
        return check(document).signer();
    }

    /** As {@link #verify}, also returning the verified reference digest: the same content has the same digest. */
    public static Verified check(Document document) {
        Element signatureElement = theSignature(document);
        long began = CryptoCpu.VERIFY.begin();
        try {
            return checked(signatureElement);
        } finally {
            CryptoCpu.VERIFY.end(began);
        }
    }

    private static Verified checked(Element signatureElement) {
        try {
            XMLSignature signature = isEcdsa(signatureElement)
                    ? new XMLSignature(signatureElement, "", true, BC)
                    : new XMLSignature(signatureElement, "", true);
            checkShape(signature);
            X509Certificate certificate = certificateOf(signature);
            AlgorithmPolicy.checkKey(certificate.getPublicKey());
            if (!signature.checkSignatureValue(certificate)) {
                throw Refusal.SIGNATURE_INVALID.because("the signature value or a digest does not match the document");
            }
            return new Verified(certificate, signature.getSignedInfo().item(0).getDigestValue(), othersIn(signature.getKeyInfo(), certificate));
        } catch (XMLSecurityException e) {
            throw Refusal.SIGNATURE_INVALID.because("the signature cannot be processed: " + e.getMessage());
        } catch (RefusedException e) {
            throw e;
        } catch (RuntimeException e) {
            // Santuario parses attacker-controlled signature elements (base64, certificates); any failure there is the sender's.
            throw Refusal.SIGNATURE_INVALID.because("the signature element is damaged: " + e.getClass().getSimpleName());
        }
    }

    /** ECDSA goes to Bouncy Castle, several times faster than the JDK's; RSA stays with the JDK's fast implementation. */
    private static boolean isEcdsa(Element signature) {
        NodeList methods = signature.getElementsByTagNameNS(Constants.SignatureSpecNS, "SignatureMethod");
        return methods.getLength() > 0
                && XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256.equals(((Element) methods.item(0)).getAttribute("Algorithm"));
    }

    private static Element theSignature(Document document) {
        NodeList all = document.getElementsByTagNameNS(Constants.SignatureSpecNS, "Signature");
        if (all.getLength() == 0) {
            throw Refusal.SIGNATURE_MISSING.because("no ds:Signature element");
        }
        Element signature = (Element) all.item(0);
        if (all.getLength() > 1 || signature.getParentNode() != document.getDocumentElement()) {
            throw Refusal.SIGNATURE_POLICY_VIOLATED.because("exactly one ds:Signature, as a child of the root element");
        }
        return signature;
    }

    private static void checkShape(XMLSignature signature) throws XMLSecurityException {
        SignedInfo info = signature.getSignedInfo();
        if (!SIGNATURE_ALGORITHMS.contains(info.getSignatureMethodURI())) {
            throw Refusal.ALGORITHM_REJECTED.because("signature method " + info.getSignatureMethodURI());
        }
        if (!EXC_C14N.equals(info.getCanonicalizationMethodURI())) {
            throw Refusal.SIGNATURE_POLICY_VIOLATED.because("canonicalisation " + info.getCanonicalizationMethodURI());
        }
        if (info.getLength() != 1 || signature.getObjectLength() != 0) {
            throw Refusal.SIGNATURE_POLICY_VIOLATED.because("exactly one Reference and no ds:Object");
        }
        Reference reference = info.item(0);
        if (!"".equals(reference.getURI())) {
            throw Refusal.SIGNATURE_POLICY_VIOLATED.because("the Reference must have URI=\"\" (the whole document)");
        }
        if (!SHA256.equals(reference.getMessageDigestAlgorithm().getAlgorithmURI())) {
            throw Refusal.ALGORITHM_REJECTED.because("digest " + reference.getMessageDigestAlgorithm().getAlgorithmURI());
        }
        Transforms transforms = reference.getTransforms();
        int count = transforms == null ? 0 : transforms.getLength();
        if (count != TRANSFORMS.size()) {
            throw Refusal.SIGNATURE_POLICY_VIOLATED.because("transforms must be enveloped-signature then exclusive c14n");
        }
        for (int i = 0; i < count; i++) {
            if (!TRANSFORMS.get(i).equals(transforms.item(i).getURI())) {
                throw Refusal.SIGNATURE_POLICY_VIOLATED.because("transform " + transforms.item(i).getURI());
            }
        }
    }

    /**
     * The other certificates a sender put in KeyInfo (its issuing CAs), for building the path; they
     * are only candidates: the path still has to end at a configured trust anchor.
     */
    private static List<X509Certificate> othersIn(KeyInfo keyInfo, X509Certificate signer) throws XMLSecurityException {
        List<X509Certificate> others = new java.util.ArrayList<>();
        int count = 0;
        for (int i = 0; i < keyInfo.lengthX509Data(); i++) {
            count += keyInfo.itemX509Data(i).lengthCertificate();
        }
        if (count > MAX_KEYINFO_CERTIFICATES) {
            throw Refusal.SIGNATURE_POLICY_VIOLATED.because("KeyInfo carries more than " + MAX_KEYINFO_CERTIFICATES + " certificates");
        }
        for (int i = 0; i < keyInfo.lengthX509Data(); i++) {
            var data = keyInfo.itemX509Data(i);
            for (int j = 0; j < data.lengthCertificate(); j++) {
                X509Certificate certificate = data.itemCertificate(j).getX509Certificate();
                if (!certificate.equals(signer)) {
                    others.add(certificate);
                }
            }
        }
        return others;
    }

    private static X509Certificate certificateOf(XMLSignature signature) throws XMLSecurityException {
        KeyInfo keyInfo = signature.getKeyInfo();
        X509Certificate certificate = keyInfo == null ? null : keyInfo.getX509Certificate();
        if (certificate == null) {
            throw Refusal.SIGNATURE_INVALID.because("KeyInfo must carry the signer's X.509 certificate");
        }
        return certificate;
    }
}
