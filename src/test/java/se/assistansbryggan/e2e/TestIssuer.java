package se.assistansbryggan.e2e;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Organisationsnummer;

/** Issues extra party certificates for refusal tests: from the sample issuing CA, or from a CA nobody trusts. */
final class TestIssuer {
    private TestIssuer() {}

    /** A keystore {@code <dir>/<name>.p12} (password changeit) for an organisation, issued by the sample CA. */
    static Path issue(Path dir, String name, String orgnr, int keyUsage) throws Exception {
        KeyMaterial ca = KeyMaterial.fromPkcs12(GatewayHarness.CERTS.resolve("issuing-ca.p12"), GatewayHarness.PASSWORD);
        return write(dir, name, orgnr, keyUsage, X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                ca.privateKey(), ca.certificate());
    }

    /** The same, but self-signed: no trusted CA vouches for it. */
    static Path selfSigned(Path dir, String name, String orgnr) throws Exception {
        KeyPair keys = rsa();
        X500Name subject = subject(name, orgnr);
        return store(dir, name, keys, certificate(subject, keys, subject, keys.getPrivate(),
                KeyUsage.digitalSignature | KeyUsage.keyEncipherment), null);
    }

    private static Path write(Path dir, String name, String orgnr, int keyUsage, X500Name issuer, PrivateKey issuerKey,
            X509Certificate issuerCertificate) throws Exception {
        KeyPair keys = rsa();
        X509Certificate certificate = certificate(issuer, keys, subject(name, orgnr), issuerKey, keyUsage);
        return store(dir, name, keys, certificate, issuerCertificate);
    }

    private static X509Certificate certificate(X500Name issuer, KeyPair keys, X500Name subject, PrivateKey issuerKey, int keyUsage)
            throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    }

    private static Path store(Path dir, String name, KeyPair keys, X509Certificate certificate, X509Certificate issuer)
            throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Certificate[] chain = issuer == null ? new Certificate[] {certificate} : new Certificate[] {certificate, issuer};
        store.setKeyEntry(name, keys.getPrivate(), GatewayHarness.PASSWORD, chain);
        Path file = dir.resolve(name + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, GatewayHarness.PASSWORD);
        }
        return file;
    }

    private static X500Name subject(String name, String orgnr) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "SE").addRDN(BCStyle.O, name)
                .addRDN(BCStyle.ORGANIZATION_IDENTIFIER, Organisationsnummer.of(orgnr).asOrganizationIdentifier())
                .addRDN(BCStyle.CN, name + " (test)").build();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
