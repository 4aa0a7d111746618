package se.assistansbryggan.trust;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Locale;
import se.assistansbryggan.message.Refusal;

/**
 * The algorithms the gateway trusts: RSA keys of at least 2048 bits, EC keys of at least 256
 * bits, and certificates not signed with SHA-1 or MD5 (in line with the Swedish eID and SITHS
 * profiles and NIST SP 800-131A). Anything else is refused with ALGORITHM_REJECTED.
 */
public final class AlgorithmPolicy {
    static final int MIN_RSA_BITS = 2048;
    static final int MIN_EC_BITS = 256;

    private AlgorithmPolicy() {}

    public static void checkKey(PublicKey key) {
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw Refusal.ALGORITHM_REJECTED.because("RSA key of " + rsa.getModulus().bitLength() + " bits");
        }
        if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() < MIN_EC_BITS) {
            throw Refusal.ALGORITHM_REJECTED.because("EC key of " + ec.getParams().getCurve().getField().getFieldSize() + " bits");
        }
        if (!(key instanceof RSAPublicKey) && !(key instanceof ECPublicKey)) {
            throw Refusal.ALGORITHM_REJECTED.because("key type " + key.getAlgorithm());
        }
    }

    public static void checkCertificate(X509Certificate certificate) {
        String algorithm = certificate.getSigAlgName().toUpperCase(Locale.ROOT);
        if (algorithm.contains("SHA1") || algorithm.contains("MD5") || algorithm.contains("MD2")) {
            throw Refusal.ALGORITHM_REJECTED.because("certificate signed with " + certificate.getSigAlgName());
        }
        checkKey(certificate.getPublicKey());
    }
}
