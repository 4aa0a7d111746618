package se.assistansbryggan.message;

import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * A Swedish organisation number (NNNNNN-NNNN, Luhn check digit), and how it is read from a
 * certificate: the subject's organizationIdentifier (2.5.4.97) with the ETSI EN 319 412-1
 * prefix {@code NTRSE-}, as eIDAS-qualified organisation certificates carry it.
 */
public record Organisationsnummer(String value) {

    private static final Pattern FORM = Pattern.compile("\\d{6}-\\d{4}");
    private static final String ETSI_PREFIX = "NTRSE-";

    public Organisationsnummer {
        if (value == null || !FORM.matcher(value).matches() || !Luhn.valid(value.replace("-", ""))) {
            throw new IllegalArgumentException("not a valid organisation number: " + value);
        }
    }

    public static Organisationsnummer of(String value) {
        return new Organisationsnummer(value);
    }

    /** The form used in certificates: {@code NTRSE-2021005521}. */
    public String asOrganizationIdentifier() {
        return ETSI_PREFIX + value.replace("-", "");
    }

    /** The organisation number in a certificate's subject, if it has a well-formed one. */
    public static Optional<Organisationsnummer> fromCertificate(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(BCStyle.ORGANIZATION_IDENTIFIER)) {
            ASN1Encodable value = rdn.getFirst().getValue();
            String text = IETFUtils.valueToString(value);
            if (text.startsWith(ETSI_PREFIX) && text.length() == ETSI_PREFIX.length() + 10) {
                String digits = text.substring(ETSI_PREFIX.length());
                String formatted = digits.substring(0, 6) + "-" + digits.substring(6);
                try {
                    return Optional.of(new Organisationsnummer(formatted));
                } catch (IllegalArgumentException notValid) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
