package se.assistansbryggan.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy and party files are checked when loaded, so a typo stops the start, not a message. */
class PolicyRulesTest {
    @TempDir
    Path dir;

    @Test
    void the_shipped_policy_loads_and_withdrawal_notices_go_from_fk_to_kommuner() {
        PolicyRules rules = PolicyRules.load(Path.of("config/policy.properties"));
        PolicyRules.TypeRule withdrawal = rules.of(MessageType.WITHDRAWAL_NOTICE);
        assertEquals(Set.of(Party.Kind.FK), withdrawal.senders());
        assertEquals(Set.of(Party.Kind.KOMMUN), withdrawal.recipients());
        assertTrue(withdrawal.reasonsNeedConsent());
    }

    @Test
    void an_unknown_key_stops_the_start() throws Exception {
        Path file = dir.resolve("policy.properties");
        Files.writeString(file, Files.readString(Path.of("config/policy.properties")) + "\nWITHDRAWAL_NOTICE.sendrs=IVO\n");
        assertThrows(IllegalArgumentException.class, () -> PolicyRules.load(file));
    }

    @Test
    void a_type_without_rules_stops_the_start() throws Exception {
        Path file = dir.resolve("policy.properties");
        Files.writeString(file, "WITHDRAWAL_NOTICE.senders=FK\n");
        assertThrows(IllegalArgumentException.class, () -> PolicyRules.load(file));
    }

    @Test
    void the_shipped_directory_loads_and_a_bad_organisation_number_stops_the_start() throws Exception {
        PartyDirectory directory = PartyDirectory.load(Path.of("config/parties.csv"));
        assertEquals("kommun.0180", directory.byId("kommun-0180").orElseThrow().queue());
        Path file = dir.resolve("parties.csv");
        Files.writeString(file, "x;KOMMUN;Fel kommun;212000-0143;0999\n");
        assertThrows(IllegalArgumentException.class, () -> PartyDirectory.load(file));
    }
}
