package se.assistansbryggan.message;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.w3c.dom.Document;

/**
 * Makes the one shape of enveloped XML signature (XMLDSig, Apache Santuario) the gateway signs and
 * accepts: one ds:Signature appended to the document root, one Reference with URI="" (the whole
 * document), the enveloped-signature and exclusive-c14n transforms, SHA-256, and RSA-SHA256 or
 * ECDSA-SHA256 by the key's kind. The gateway signs receipts and deliveries with it, senders
 * their messages; the trust station checks incoming signatures against the same shape.
 */
public final class XmlSigner {
    public static final String EXC_C14N = Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS;
    public static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    /** The transforms of the one Reference, in order. */
    public static final List<String> TRANSFORMS = List.of(Transforms.TRANSFORM_ENVELOPED_SIGNATURE, EXC_C14N);
    /** ECDSA goes to Bouncy Castle, several times faster than the JDK's; RSA stays with the JDK's fast implementation. */
    public static final Provider BC = new BouncyCastleProvider();
    private static final Map<PrivateKey, PrivateKey> BC_KEYS = new ConcurrentHashMap<>();

    static {
        System.setProperty("org.apache.xml.security.ignoreLineBreaks", "true");
        org.apache.xml.security.Init.init();
    }

    private XmlSigner() {}

    /** Signs the whole document with an enveloped signature appended to the root. */
    public static void sign(Document document, KeyMaterial key) {
        long began = CryptoCpu.SIGN.begin();
        try {
            signed(document, key);
        } finally {
            CryptoCpu.SIGN.end(began);
        }
    }

    private static void signed(Document document, KeyMaterial key) {
        try {
            boolean ec = key.privateKey() instanceof ECPrivateKey;
            XMLSignature signature = ec
                    ? new XMLSignature(document, "", XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256, EXC_C14N, BC)
                    : new XMLSignature(document, "", XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, EXC_C14N);
            document.getDocumentElement().appendChild(signature.getElement());
            Transforms transforms = new Transforms(document);
            for (String transform : TRANSFORMS) {
                transforms.addTransform(transform);
            }
            signature.addDocument("", transforms, SHA256);
            signature.addKeyInfo(key.certificate());
            signature.sign(ec ? bcKey(key.privateKey()) : key.privateKey());
        } catch (XMLSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** Makes sure Santuario is initialised before a signature is read. */
    public static void init() {
        // the static initialiser has run when this returns
    }

    /**
     * The same EC key as a Bouncy Castle key object, made once: handed a JDK key, Bouncy Castle
     * rebuilds its curve and fixed-point tables on every signature, which costs more than signing.
     */
    private static PrivateKey bcKey(PrivateKey key) {
        return BC_KEYS.computeIfAbsent(key, k -> {
            try {
                return KeyFactory.getInstance("EC", BC).generatePrivate(new PKCS8EncodedKeySpec(k.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot use the EC key with Bouncy Castle", e);
            }
        });
    }
}
