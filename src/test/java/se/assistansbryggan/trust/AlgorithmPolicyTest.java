package se.assistansbryggan.trust;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Weak keys and weak hashes are refused with ALGORITHM_REJECTED before anything else is trusted. */
class AlgorithmPolicyTest {
    static final String DOC = "<a:Root xmlns:a=\"urn:test\"><a:Value>42</a:Value></a:Root>";

    @Test
    void a_document_signed_with_a_1024_bit_rsa_key_is_refused() throws Exception {
        KeyMaterial weak = selfSigned(1024, "SHA256withRSA");
        Document document = parse(DOC);
        XmlSigner.sign(document, weak);
        assertRefused(() -> XmlSignatures.verify(reparse(document)));
    }

    @Test
    void a_certificate_signed_with_sha1_is_refused() throws Exception {
        X509Certificate sha1 = selfSigned(2048, "SHA1withRSA").certificate();
        assertRefused(() -> AlgorithmPolicy.checkCertificate(sha1));
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable check) {
        assertEquals(Refusal.ALGORITHM_REJECTED, assertThrows(RefusedException.class, check).refusal());
    }

    private static KeyMaterial selfSigned(int bits, String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=weak test key");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
        return new KeyMaterial(keys.getPrivate(), cert, List.of(cert));
    }

    private static Document parse(String xml) {
        return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static Document reparse(Document document) {
        return SecureXml.parse(SecureXml.serialize(document));
    }
}
