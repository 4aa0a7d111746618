package se.assistansbryggan.trust;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.Submission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Without a TLS client certificate there is no identity to bind; the HTTPS listener requires one anyway. */
class IdentityBinderTest {
    @Test
    void a_submission_without_a_client_certificate_is_refused() {
        IdentityBinder binder = new IdentityBinder(
                new CertificatePaths(List.of(), new RevocationChecker(List.of(),
                        new RevocationChecker.Settings(false, false, Duration.ofMinutes(1)), Clock.systemUTC())),
                PartyDirectory.load(Path.of("config/parties.csv")), Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofHours(1));
        RefusedException e = assertThrows(RefusedException.class, () -> binder.bind(new Submission("post", null)));
        assertEquals(Refusal.CLIENT_CERT_MISSING, e.refusal());
    }
}
