package se.assistansbryggan.message;

import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Personnummer, samordningsnummer and organisation numbers: checksums, masking, certificates. */
class IdentifiersTest {

    @Test
    void an_invented_personnummer_passes_its_own_checks_and_prints_masked() {
        Personnummer pnr = Personnummer.invent(LocalDate.of(1984, 7, 9), 238, false);
        assertEquals(pnr, Personnummer.parse(pnr.twelveDigits()));
        assertEquals("1984****-****", pnr.toString());
        assertFalse(pnr.toString().contains(pnr.twelveDigits().substring(4)));
    }

    @Test
    void a_samordningsnummer_has_day_plus_sixty() {
        Personnummer snr = Personnummer.invent(LocalDate.of(1991, 2, 17), 774, true);
        assertTrue(snr.isSamordningsnummer());
        assertEquals("77", snr.twelveDigits().substring(6, 8));
        assertEquals(snr, Personnummer.parse(snr.twelveDigits()));
    }

    @Test
    void a_wrong_check_digit_or_date_is_refused() {
        String good = Personnummer.invent(LocalDate.of(1984, 7, 9), 238, false).twelveDigits();
        String wrongDigit = good.substring(0, 11) + ((good.charAt(11) - '0' + 1) % 10);
        assertThrows(IllegalArgumentException.class, () -> Personnummer.parse(wrongDigit));
        assertThrows(IllegalArgumentException.class, () -> Personnummer.parse("198413092380"));
    }

    @Test
    void organisation_numbers_are_luhn_checked() {
        assertEquals("202100-5521", Organisationsnummer.of("202100-5521").value());
        assertThrows(IllegalArgumentException.class, () -> Organisationsnummer.of("202100-5522"));
    }

    @Test
    void the_organisation_number_is_read_from_the_certificate_subject() {
        KeyMaterial fk = KeyMaterial.fromPkcs12(Path.of("certs-sample/fk.p12"), "changeit".toCharArray());
        assertEquals(Organisationsnummer.of("202100-5521"), Organisationsnummer.fromCertificate(fk.certificate()).orElseThrow());
        KeyMaterial gateway = KeyMaterial.fromPkcs12(Path.of("certs-sample/gateway-tls.p12"), "changeit".toCharArray());
        assertTrue(Organisationsnummer.fromCertificate(gateway.certificate()).isEmpty());
    }
}
