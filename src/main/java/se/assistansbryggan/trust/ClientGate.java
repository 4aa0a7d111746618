package se.assistansbryggan.trust;

import java.security.cert.X509Certificate;
import java.util.Optional;
import se.assistansbryggan.message.Refusal;

/**
 * The one trust gate for a TLS client certificate, whichever door it comes through: the message
 * doors (via {@link IdentityBinder}), {@code /pull}, {@code /operations} and the console. The
 * same checks everywhere: algorithms, validity, key usage for TLS clients, the path to the trust
 * anchors, and revocation (CRL and OCSP, hard-fail unless configured otherwise). The TLS layer only
 * knows the certificate chains to the CA; this gate is what refuses a revoked one.
 */
public final class ClientGate {
    /** Where the servlet container puts the client's certificate chain. */
    public static final String SERVLET_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
    private final CertificatePaths paths;

    public ClientGate(CertificatePaths paths) {
        this.paths = paths;
    }

    /** The client's certificate, admitted; refused with CLIENT_CERT_MISSING or a CERT_ code otherwise. */
    public X509Certificate admit(Object servletChain) {
        return admitIfPresent(servletChain)
                .orElseThrow(() -> Refusal.CLIENT_CERT_MISSING.because("this door requires a TLS client certificate"));
    }

    /** The client's certificate if it presented one (the console also signs in with a password), admitted. */
    public Optional<X509Certificate> admitIfPresent(Object servletChain) {
        if (!(servletChain instanceof X509Certificate[] chain) || chain.length == 0) {
            return Optional.empty();
        }
        paths.validate(chain[0], java.util.Arrays.asList(chain).subList(1, chain.length), CertificatePaths.Purpose.TLS_CLIENT);
        return Optional.of(chain[0]);
    }
}
