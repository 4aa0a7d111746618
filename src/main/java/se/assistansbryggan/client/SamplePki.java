package se.assistansbryggan.client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;

/**
 * Generates the sample PKI in {@code certs-sample/}, shaped like the real ones (SITHS, the
 * commercial CAs): a root CA that only certifies, an issuing CA below it that issues every party,
 * operator and gateway certificate, and a CRL per CA. One certificate per sample party (used both
 * as TLS client certificate and for signing), the gateway's TLS and signing certificates, and a
 * revoked and an expired party certificate for tests; both CAs' keys are there so tests can issue
 * CRLs and OCSP answers. NOT FOR PRODUCTION.
 */
public final class SamplePki {

    /** A sample party: file name, display name, organisation number. */
    public record SampleParty(String file, String name, String orgnr) {}

    public static final List<SampleParty> PARTIES = List.of(
            new SampleParty("fk", "Försäkringskassan", "202100-5521"),
            new SampleParty("ivo", "Inspektionen för vård och omsorg", "202100-6255"),
            new SampleParty("kommun-0180", "Stockholms stad", "212000-0142"),
            new SampleParty("kommun-1480", "Göteborgs stad", "212000-1355"),
            new SampleParty("kommun-1280", "Malmö stad", "212000-1124"));

    private static final Duration VALIDITY = Duration.ofDays(3650);
    private final Path dir;
    private final char[] password;
    private final SecureRandom random = new SecureRandom();
    private final Instant now = Instant.now();
    private KeyPair rootKeys;
    private X509Certificate root;
    private KeyPair caKeys;
    private X509Certificate ca;
    private String crlUrl;
    private String ocspUrl;

    public SamplePki(Path dir, char[] password) {
        this.dir = dir;
        this.password = password.clone();
    }

    /** Party certificates will name these as CRL distribution point and OCSP responder (tests on loopback). */
    public SamplePki withRevocationUrls(String crlUrl, String ocspUrl) {
        this.crlUrl = crlUrl;
        this.ocspUrl = ocspUrl;
        return this;
    }

    /** Writes every file of the sample PKI into the directory. */
    public void generate() throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        rootKeys = rsa();
        root = createRoot();
        caKeys = rsa();
        ca = createIssuingCa();
        writePem("root-ca.crt", root);
        writePem("issuing-ca.crt", ca);
        writeTruststore("truststore.p12", root);
        writeKeystore("root-ca", rootKeys, root);
        writeKeystore("issuing-ca", caKeys, ca);
        for (SampleParty party : PARTIES) {
            issueParty(party.file(), party, now.minus(Duration.ofDays(1)), now.plus(VALIDITY));
        }
        X509Certificate revoked = issueParty("kommun-1480-revoked", PARTIES.get(3),
                now.minus(Duration.ofDays(1)), now.plus(VALIDITY));
        issueParty("kommun-1280-expired", PARTIES.get(4), now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(35)));
        issueGatewayTls();
        issueOperator();
        // ECDSA P-256: the gateway signs two documents per message, and ECDSA (Bouncy Castle) signs ~3x faster than RSA-2048
        issue("gateway-sign", gatewayName("Assistansbryggan signering"), ecP256(), now.minus(Duration.ofDays(1)), now.plus(VALIDITY),
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation), null, null);
        X509CRL issuingCrl = createCrl(ca, caKeys, revoked);
        X509CRL rootCrl = createCrl(root, rootKeys, null);
        writePem("issuing-ca.crl", issuingCrl);
        writePem("root-ca.crl", rootCrl);
        Files.writeString(dir.resolve("ca.crl"), Files.readString(dir.resolve("root-ca.crl")) + Files.readString(dir.resolve("issuing-ca.crl")));
    }

    /**
     * One more party's certificate ({@code <file>.p12}, e.g. a kommun connecting) from the issuing CA
     * of a sample PKI already in the directory: what a real CA does when an organisation joins.
     */
    public Path issueParty(SampleParty party) throws IOException, GeneralSecurityException {
        KeyMaterial issuing = KeyMaterial.fromPkcs12(dir.resolve("issuing-ca.p12"), password);
        KeyStore rootStore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve("root-ca.p12"))) {
            rootStore.load(in, password);
        }
        root = (X509Certificate) rootStore.getCertificate(rootStore.aliases().nextElement());
        ca = issuing.certificate();
        caKeys = new KeyPair(ca.getPublicKey(), issuing.privateKey());
        X509Certificate issued = issueParty(party.file(), party, now.minus(Duration.ofDays(1)), now.plus(VALIDITY));
        // the same as PEM (certificate, issuing CA, unencrypted key) for clients that read no PKCS#12; sample only
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(issued);
            pem.writeObject(ca);
            pem.writeObject(KeyMaterial.fromPkcs12(dir.resolve(party.file() + ".p12"), password).privateKey());
        }
        Files.writeString(dir.resolve(party.file() + ".pem"), text.toString());
        return dir.resolve(party.file() + ".p12");
    }

    private X509Certificate issueParty(String file, SampleParty party, Instant from, Instant to)
            throws IOException, GeneralSecurityException {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, "SE")
                .addRDN(BCStyle.O, party.name())
                .addRDN(BCStyle.ORGANIZATION_IDENTIFIER, Organisationsnummer.of(party.orgnr()).asOrganizationIdentifier())
                .addRDN(BCStyle.CN, party.name() + " (sample " + file + ")")
                .build();
        return issue(file, subject, rsa(), from, to,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment),
                new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth), null);
    }

    private void issueGatewayTls() throws IOException, GeneralSecurityException {
        GeneralNames names = new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
        issue("gateway-tls", gatewayName("localhost"), rsa(), now.minus(Duration.ofDays(1)), now.plus(VALIDITY),
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment),
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth), names);
    }

    /** An operator's client certificate for the operations API (named in gateway.operations.operators). */
    private void issueOperator() throws IOException, GeneralSecurityException {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "SE")
                .addRDN(BCStyle.O, "Assistansbryggan (sample)").addRDN(BCStyle.OU, "Drift")
                .addRDN(BCStyle.CN, "Driftoperator (sample)").build();
        issue("operator", subject, rsa(), now.minus(Duration.ofDays(1)), now.plus(VALIDITY),
                new KeyUsage(KeyUsage.digitalSignature), new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth), null);
    }

    private static X500Name gatewayName(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, "SE").addRDN(BCStyle.O, "Assistansbryggan (sample)").addRDN(BCStyle.CN, cn).build();
    }

    private X509Certificate issue(String file, X500Name subject, KeyPair keys, Instant from, Instant to, KeyUsage usage,
            ExtendedKeyUsage extendedUsage, GeneralNames altNames) throws IOException, GeneralSecurityException {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(from), Date.from(to),
                subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, usage);
        builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        if (extendedUsage != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, extendedUsage);
        }
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        addRevocationUrls(builder);
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer(caKeys)));
        writeKeystore(file, keys, cert);
        return cert;
    }

    private void addRevocationUrls(JcaX509v3CertificateBuilder builder) throws IOException {
        if (crlUrl != null) {
            GeneralNames where = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl));
            builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(where), null, null)}));
        }
        if (ocspUrl != null) {
            builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                    AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
        }
    }

    private void writeKeystore(String file, KeyPair keys, X509Certificate cert) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        // the chain a TLS client or server presents: the certificate and the CAs above it
        Certificate[] chain = cert.equals(root) ? new Certificate[] {root}
                : cert.equals(ca) ? new Certificate[] {ca, root} : new Certificate[] {cert, ca, root};
        store.setKeyEntry(file, keys.getPrivate(), password, chain);
        try (OutputStream out = Files.newOutputStream(dir.resolve(file + ".p12"))) {
            store.store(out, password);
        }
    }

    private X509Certificate createRoot() throws IOException, GeneralSecurityException {
        X500Name name = gatewayName("Assistansbryggan Sample Root CA - NOT FOR PRODUCTION");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofDays(2))), Date.from(now.plus(VALIDITY.multipliedBy(2))), name, rootKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(rootKeys.getPublic()));
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer(rootKeys)));
    }

    /** The issuing CA, certified by the root; it may issue end-entity certificates only (path length 0). */
    private X509Certificate createIssuingCa() throws IOException, GeneralSecurityException {
        X500Name name = gatewayName("Assistansbryggan Sample Issuing CA - NOT FOR PRODUCTION");
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(root, serial(),
                Date.from(now.minus(Duration.ofDays(2))), Date.from(now.plus(VALIDITY.plus(Duration.ofDays(365)))), name,
                caKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer(rootKeys)));
    }

    /** A CA's CRL, listing {@code revoked} if not null. */
    private X509CRL createCrl(X509Certificate issuer, KeyPair issuerKeys, X509Certificate revoked) throws IOException, GeneralSecurityException {
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(issuer, Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(VALIDITY)));
        if (revoked != null) {
            builder.addCRLEntry(revoked.getSerialNumber(), Date.from(now), CRLReason.keyCompromise);
        }
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer));
        return new JcaX509CRLConverter().getCRL(builder.build(signer(issuerKeys)));
    }

    private void writeTruststore(String file, X509Certificate anchor) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("sample-root-ca", anchor);
        try (OutputStream out = Files.newOutputStream(dir.resolve(file))) {
            store.store(out, password);
        }
    }

    private void writePem(String file, Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(object);
        }
        Files.writeString(dir.resolve(file), text.toString());
    }

    private static ContentSigner signer(KeyPair issuerKeys) throws GeneralSecurityException {
        try {
            return new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, random);
        return generator.generateKeyPair();
    }

    private KeyPair ecP256() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private BigInteger serial() {
        return new BigInteger(64, random).abs().add(BigInteger.ONE);
    }
}
