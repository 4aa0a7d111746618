package se.assistansbryggan.trust;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import se.assistansbryggan.message.KeyMaterial;

/**
 * A CRL distribution point and an OCSP responder on 127.0.0.1, both signed with the sample CA's
 * key (Bouncy Castle), for revocation tests. Counts the requests it answers.
 */
final class RevocationServer implements AutoCloseable {
    private final HttpServer server;
    private volatile KeyMaterial ca;
    private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
    final AtomicInteger crlRequests = new AtomicInteger();
    final AtomicInteger ocspRequests = new AtomicInteger();
    volatile boolean answering = true;
    volatile boolean answeringOcsp = true;
    /** How the OCSP responder misbehaves, as an attacker replaying or forging answers would. */
    enum Ocsp { HONEST, GOOD_FOR_ALL, FORGED_GOOD, GOOD_WITHOUT_NONCE, GOOD_WITH_OTHER_NONCE, OLD_GOOD }
    volatile Ocsp ocspMode = Ocsp.HONEST;

    RevocationServer() throws IOException {
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ca.crl", this::crl);
        server.createContext("/ocsp", this::ocsp);
        server.start();
    }

    /** The CA whose key signs the CRLs and OCSP answers (known only once the PKI naming this server exists). */
    void signWith(KeyMaterial ca) {
        this.ca = ca;
    }

    String crlUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/ca.crl";
    }

    String ocspUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/ocsp";
    }

    void revoke(X509Certificate certificate) {
        revoked.add(certificate.getSerialNumber());
    }

    private void crl(HttpExchange exchange) throws IOException {
        crlRequests.incrementAndGet();
        try {
            Instant now = Instant.now();
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca.certificate(), Date.from(now));
            builder.setNextUpdate(Date.from(now.plus(Duration.ofHours(1))));
            revoked.forEach(serial -> builder.addCRLEntry(serial, Date.from(now), CRLReason.keyCompromise));
            answer(exchange, builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.privateKey())).getEncoded());
        } catch (Exception e) {
            answer(exchange, 500, new byte[0]);
        }
    }

    private void ocsp(HttpExchange exchange) throws IOException {
        ocspRequests.incrementAndGet();
        if (!answeringOcsp) {
            answer(exchange, 503, new byte[0]);
            return;
        }
        try {
            OCSPReq request = new OCSPReq(exchange.getRequestBody().readAllBytes());
            X509CertificateHolder issuer = new JcaX509CertificateHolder(ca.certificate());
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(issuer.getSubject()));
            Ocsp mode = ocspMode;
            Instant now = mode == Ocsp.OLD_GOOD ? Instant.now().minus(Duration.ofDays(2)) : Instant.now();
            for (Req single : request.getRequestList()) {
                CertificateStatus status = revoked.contains(single.getCertID().getSerialNumber()) && mode == Ocsp.HONEST
                        ? new RevokedStatus(Date.from(now), CRLReason.keyCompromise) : CertificateStatus.GOOD;
                // an old answer replayed carries no nextUpdate: nothing but its age gives it away
                builder.addResponse(single.getCertID(), status, Date.from(now),
                        mode == Ocsp.OLD_GOOD ? null : Date.from(now.plus(Duration.ofHours(1))));
            }
            Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (mode == Ocsp.GOOD_WITH_OTHER_NONCE) {
                nonce = new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                        new org.bouncycastle.asn1.DEROctetString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
            }
            if (nonce != null && mode != Ocsp.GOOD_WITHOUT_NONCE) {
                builder.setResponseExtensions(new Extensions(nonce));
            }
            java.security.PrivateKey signer = mode == Ocsp.FORGED_GOOD ? forger() : ca.privateKey();
            var basic = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer),
                    new X509CertificateHolder[] {issuer}, Date.from(now));
            answer(exchange, new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded());
        } catch (Exception e) {
            answer(exchange, 500, new byte[0]);
        }
    }

    /** A key that is not the CA's, claiming to be it. */
    private static java.security.PrivateKey forger() throws java.security.GeneralSecurityException {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair().getPrivate();
    }

    private void answer(HttpExchange exchange, byte[] body) throws IOException {
        answer(exchange, answering ? 200 : 503, answering ? body : new byte[0]);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }


    @Override
    public void close() {
        server.stop(0);
    }
}
