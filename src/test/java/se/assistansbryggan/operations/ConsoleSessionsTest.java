package se.assistansbryggan.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Console sessions: a token holds only with its MAC, its operator and its time; guessing locks the name. */
class ConsoleSessionsTest {
    static final String HASH = ConsoleSessions.hash("rätt lösenord".toCharArray());
    static final byte[] SECRET = "a console secret of enough bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_token_names_its_operator_until_it_expires_and_not_once_tampered_with() {
        MutableClock clock = new MutableClock();
        ConsoleSessions sessions = new ConsoleSessions(Map.of("drift", HASH), SECRET, Duration.ofHours(8), clock);
        String token = sessions.signIn("drift", "rätt lösenord").orElseThrow();
        assertEquals(Optional.of("drift"), sessions.operator(token));
        assertEquals(Optional.empty(), sessions.operator(token.replace('.', 'x')));
        assertEquals(Optional.empty(), sessions.operator(token.substring(0, token.length() - 2) + "AA"));
        assertEquals(Optional.empty(), new ConsoleSessions(Map.of("drift", HASH),
                "another secret of enough bytes!!".getBytes(StandardCharsets.UTF_8), Duration.ofHours(8), clock).operator(token));
        clock.now = clock.now.plus(Duration.ofHours(9));
        assertEquals(Optional.empty(), sessions.operator(token));
    }

    @Test
    void five_wrong_passwords_lock_the_name_for_a_while_even_against_the_right_one() {
        MutableClock clock = new MutableClock();
        ConsoleSessions sessions = new ConsoleSessions(Map.of("drift", HASH), SECRET, Duration.ofHours(8), clock);
        for (int i = 0; i < ConsoleSessions.MAX_FAILURES; i++) {
            assertTrue(sessions.signIn("drift", "gissning " + i).isEmpty());
        }
        assertTrue(sessions.locked("drift"));
        assertTrue(sessions.signIn("drift", "rätt lösenord").isEmpty());
        clock.now = clock.now.plus(ConsoleSessions.LOCKOUT).plusSeconds(1);
        assertFalse(sessions.locked("drift"));
        assertTrue(sessions.signIn("drift", "rätt lösenord").isPresent());
    }

    /** Issue: failed sign-ins were counted per typed name in a map without bound; unauthenticated requests grew the heap. */
    @Test
    void names_nobody_configured_leave_nothing_behind_and_a_known_name_remembers_at_most_its_lockout() {
        ConsoleSessions sessions = new ConsoleSessions(Map.of("drift", HASH), SECRET, Duration.ofHours(8), new MutableClock());
        for (int i = 0; i < 10_000; i++) {
            assertTrue(sessions.signIn("okänd-" + i, "gissning").isEmpty());
        }
        assertEquals(0, sessions.rememberedNames());
        for (int i = 0; i < 3 * ConsoleSessions.MAX_FAILURES; i++) {
            sessions.signIn("drift", "gissning " + i);
        }
        assertEquals(1, sessions.rememberedNames());
        assertTrue(sessions.locked("drift"));
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-24T09:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
