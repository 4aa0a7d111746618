package se.assistansbryggan.message;

import java.time.Instant;
import java.time.LocalDate;

/**
 * What IVO last decided about a provider's permit, as the gateway recorded it from a
 * PERMIT_REVOCATION: revoked or temporarily prohibited, the end of the grace period during which
 * payment may continue (seed 001; null when there is none), and which message said so when.
 */
public record PermitStatus(Organisationsnummer provider, Status status, LocalDate graceEnds, String revocationId, Instant recordedAt) {

    /** The permit's state after IVO's decision. */
    public enum Status {
        /** Återkallat tillstånd. */
        PERMIT_REVOKED,
        /** Tillfälligt förbud. */
        TEMPORARILY_PROHIBITED;

        /** The status an Atgard of a PERMIT_REVOCATION gives. */
        public static Status of(String atgard) {
            return "TILLFALLIGT_FORBUD".equals(atgard) ? TEMPORARILY_PROHIBITED : PERMIT_REVOKED;
        }
    }

    /** Where the statuses are kept (the broker): shared by every instance, surviving restarts. */
    public interface Register {
        /** The provider's recorded status, if IVO revoked or suspended its permit. */
        java.util.Optional<PermitStatus> of(Organisationsnummer provider);

        /** No register: nothing is recorded (tools that deliver nothing). */
        Register NONE = provider -> java.util.Optional.empty();
    }
}
