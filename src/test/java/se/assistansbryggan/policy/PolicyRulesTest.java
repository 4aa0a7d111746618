package se.assistansbryggan.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.message.Luhn;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.Recipient;
import se.assistansbryggan.trust.PartyDirectory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void a_recipient_kind_without_an_allow_list_stops_the_start() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> loadWithout("DECISION_NOTICE.deliver.KOMMUN="));
    }

    @Test
    void a_malformed_refusal_rule_or_an_unknown_code_stops_the_start() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> loadWith("DECISION_TRANSFER.refuse.x=NOT_TRANSFERABLE if Beslut = 1"));
        assertThrows(IllegalArgumentException.class, () -> loadWith("DECISION_TRANSFER.refuse.x=NO_SUCH_CODE when Beslut/Boendeform = X"));
    }

    @Test
    void a_fan_out_to_kommuner_must_say_where_the_message_lists_them() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> loadWithout("PERMIT_REVOCATION.affected-kommuner="));
    }

    @Test
    void an_allow_list_path_must_be_element_names() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> loadWith("DECISION_NOTICE.deliver.KOMMUN=Enskild, Beslut/*"));
    }

    /** Every type's stamp, as the gateway signs it on each delivery: law in force, consent, or a proposal said to be one. */
    @Test
    void every_type_stamps_law_in_force_consent_or_a_marked_proposal() {
        PolicyRules rules = PolicyRules.load(Path.of("config/policy.properties"));
        String memo = "underrättelseskyldighet enligt förslag i promemorian Utbetalning av ersättning för personlig assistans "
                + "endast vid tillstånd (Socialdepartementet 2021)";
        java.util.Map<MessageType, List<String>> expected = new java.util.EnumMap<>(java.util.Map.of(
                MessageType.DECISION_NOTICE, List.of("51 kap. 21 § SFB"),
                MessageType.WITHDRAWAL_NOTICE, List.of("51 kap. 21 § SFB"),
                MessageType.PLANNED_WITHDRAWAL, List.of("samtycke från den enskilde"),
                MessageType.PAYMENT_RECIPIENT_NOTICE, List.of("51 kap. 21 § SFB"),
                MessageType.ENTITLEMENT_REFERRAL, List.of("15 § 8 LSS", "10 kap. 28 § OSL"),
                MessageType.DECISION_TRANSFER, List.of("uppgiftsskyldighet enligt förslag i SOU 2023:9"),
                MessageType.QUALITY_REPORT, List.of("förslag till ny lydelse av 15 § 8 LSS i SOU 2023:9"),
                MessageType.PERMIT_REVOCATION, List.of(memo),
                MessageType.UNLICENSED_PROVIDER_REPORT, List.of(memo),
                MessageType.CONTACT_CONFIRMATION, List.of("förslag till 8 b § LSS")));
        expected.put(MessageType.ACUTE_DECISION_HANDOVER, List.of("9 § 2 LSS"));
        expected.put(MessageType.HANDOVER_CONFIRMATION, List.of("9 § 2 LSS"));
        expected.put(MessageType.TRANSFER_TAKEN_OVER, List.of("51 kap. 21 § SFB"));
        expected.put(MessageType.PROVIDER_REFERRAL, List.of("24 § LSS"));
        expected.put(MessageType.REVOCATION_FOLLOW_UP, List.of(memo));
        for (MessageType type : MessageType.values()) {
            assertEquals(expected.get(type), rules.of(type).legalBasis(), type.name());
        }
    }

    @Test
    void a_legal_basis_that_is_not_law_consent_or_a_marked_proposal_stops_the_start() throws Exception {
        for (String notLaw : List.of("Underrättelseskyldighet, IVO (seed 001)", "15 § 8 LSS (ny lydelse)",
                "Uppgiftsskyldighet vid överföring av beslut, SOU 2023:9", "SOU 2023:9", "enligt våra anteckningar",
                "8 b § LSS", "inget förslag till lag", "förslag i våra anteckningar", "samtycke enligt seed 002")) {
            assertThrows(IllegalArgumentException.class, () -> loadWith("DECISION_NOTICE.legal-basis=" + notLaw), notLaw);
        }
        for (String fine : List.of("51 kap. 21 § SFB", "10 kap. 28 § första stycket OSL", "4 kap. 1 § SoL", "samtycke",
                "förslag till 8 b § LSS", "förslag till ny lydelse av 15 § 8 LSS i SOU 2023:9")) {
            loadWith("DECISION_NOTICE.legal-basis=" + fine);
        }
    }

    @Test
    void the_shipped_policy_says_what_the_catalogue_says() {
        PolicyRules rules = PolicyRules.load(Path.of("config/policy.properties"));
        assertEquals(Set.of(Party.Kind.IVO), rules.of(MessageType.PERMIT_REVOCATION).senders());
        assertTrue(rules.of(MessageType.PERMIT_REVOCATION).highPriority());
        assertEquals(PolicyRules.Routing.FAN_OUT, rules.of(MessageType.QUALITY_REPORT).routing());
        assertEquals(Set.of(Party.Kind.IVO, Party.Kind.FK), rules.of(MessageType.QUALITY_REPORT).recipients());
        assertEquals(java.util.Optional.of("KONTAKT_MED_KOMMUN"), rules.of(MessageType.PLANNED_WITHDRAWAL).requiredConsent());
        assertEquals(2, rules.of(MessageType.DECISION_TRANSFER).refusals().size());
        assertTrue(rules.of(MessageType.CONTACT_CONFIRMATION).closesFollowUp());
    }

    /**
     * Every kommun is connected: the shipped directory has all 290 SCB kommunkoder with SCB's names
     * and the organisation numbers of the shared reference file (two public compilations that
     * agree), each Luhn-valid and distinct, each kommun a party with its own queue.
     */
    @Test
    void the_directory_connects_all_290_kommuner_with_their_organisation_numbers() throws Exception {
        PartyDirectory directory = PartyDirectory.load(Path.of("config/parties.csv"));
        // the project's copy of the shared reference file; where the shared folder is beside the clone, the copy is checked too
        Path copy = Path.of("src/test/resources/reference/kommuner-organisationsnummer.tsv");
        Path shared = Path.of("../shared/data/kommuner-organisationsnummer.tsv");
        if (Files.exists(shared)) {
            assertEquals(Files.readAllLines(shared), Files.readAllLines(copy), "the copy differs from " + shared);
        }
        List<String[]> reference = Files.readAllLines(copy).stream()
                .skip(1).filter(line -> !line.isBlank()).map(line -> line.split("\t")).toList();
        assertEquals(290, reference.size());
        Set<String> numbers = new java.util.HashSet<>();
        for (String[] kommun : reference) {
            Party party = directory.byKommunkod(kommun[0]).orElseThrow(() -> new AssertionError("not connected: " + kommun[1]));
            assertEquals(Organisationsnummer.of(kommun[2]), party.orgnr(), kommun[1]);
            assertTrue(Luhn.valid(party.orgnr().value().replace("-", "")), kommun[1]);
            assertTrue(numbers.add(party.orgnr().value()), "listed twice: " + party.orgnr());
            assertEquals(party, directory.byOrganisationsnummer(party.orgnr()).orElseThrow());
            assertEquals("kommun." + kommun[0], party.queue());
            if (!List.of("0180", "1280", "1480").contains(kommun[0])) {
                // the sample kommuner keep their own names in parties.csv ("Stockholms stad"); the others are SCB's
                assertEquals(kommun[1], party.name());
                assertEquals("kommun-" + kommun[0], party.id());
            }
        }
        assertEquals(290, directory.ofKind(Party.Kind.KOMMUN).size());
        assertEquals("Kiruna", directory.byKommunkod("2584").orElseThrow().name());
        assertEquals("Ale", directory.byKommunkod("1440").orElseThrow().name());
        assertEquals(java.util.Optional.empty(), directory.unconnectedKommun("2584"));
    }

    /** A kommun listed without a number is known by code, not connected; one number that differs from parties.csv stops the start. */
    @Test
    void a_kommun_without_an_organisation_number_is_known_but_not_connected() throws Exception {
        Files.copy(Path.of("config/parties.csv"), dir.resolve("parties.csv"));
        List<String> kommuner = Files.readAllLines(Path.of("config/kommuner.csv")).stream()
                .map(line -> line.startsWith("2584;") ? "2584;Kiruna;" : line).toList();
        Files.write(dir.resolve("kommuner.csv"), kommuner);
        PartyDirectory directory = PartyDirectory.load(dir.resolve("parties.csv"));
        assertEquals(java.util.Optional.of("Kiruna"), directory.unconnectedKommun("2584"));
        assertTrue(directory.byKommunkod("2584").isEmpty());
        assertEquals(289, directory.ofKind(Party.Kind.KOMMUN).size());
        Files.write(dir.resolve("kommuner.csv"), kommuner.stream()
                .map(line -> line.startsWith("0180;") ? "0180;Stockholm;212000-0019" : line).toList());
        assertThrows(IllegalArgumentException.class, () -> PartyDirectory.load(dir.resolve("parties.csv")));
    }

    /** Functional addresses: Malmö's declarations as shipped; a declaration of an unknown unit, type or party stops the start. */
    @Test
    void functional_addresses_are_declared_per_party_and_checked_when_loaded() throws Exception {
        PartyDirectory directory = PartyDirectory.load(Path.of("config/parties.csv"));
        Party malmo = directory.byId("kommun-1280").orElseThrow();
        assertEquals("lss", directory.functionFor(malmo, MessageType.WITHDRAWAL_NOTICE).orElseThrow().id());
        assertEquals("ekonomi", directory.functionFor(malmo, MessageType.PAYMENT_RECIPIENT_NOTICE).orElseThrow().id());
        assertTrue(directory.functionFor(directory.byId("kommun-0180").orElseThrow(), MessageType.WITHDRAWAL_NOTICE).isEmpty());
        for (String wrong : List.of("kommun-1280;WITHDRAWAL_NOTICE;ekonomikontoret", "kommun-1280;NO_SUCH_TYPE;lss",
                "kommun-9999;WITHDRAWAL_NOTICE;lss", "kommun-1280;WITHDRAWAL_NOTICE;lss\nkommun-1280;WITHDRAWAL_NOTICE;ekonomi")) {
            Path dir = Files.createTempDirectory(this.dir, "functions");
            for (String file : List.of("parties.csv", "kommuner.csv", "units.csv")) {
                Files.copy(Path.of("config").resolve(file), dir.resolve(file));
            }
            Files.writeString(dir.resolve("functions.csv"), wrong + "\n");
            assertThrows(IllegalArgumentException.class, () -> PartyDirectory.load(dir.resolve("parties.csv")), wrong);
        }
    }

    @Test
    void units_have_their_own_queues_and_a_unit_of_an_unknown_party_stops_the_start() throws Exception {
        PartyDirectory directory = PartyDirectory.load(Path.of("config/parties.csv"));
        Party stockholm = directory.byId("kommun-0180").orElseThrow();
        Party.Unit lss = stockholm.unit("lss").orElseThrow();
        assertEquals("kommun.0180.lss", new Recipient(stockholm, lss).queue());
        assertTrue(stockholm.queues().containsAll(java.util.List.of("kommun.0180.lss", "kommun.0180.lss.escalations")));
        assertEquals(lss, stockholm.unit("Socialförvaltningen, LSS-handläggning").orElseThrow());
        Files.copy(Path.of("config/parties.csv"), dir.resolve("parties.csv"));
        Files.writeString(dir.resolve("units.csv"), "kommun-9999;lss;Finns inte\n");
        assertThrows(IllegalArgumentException.class, () -> PartyDirectory.load(dir.resolve("parties.csv")));
    }

    private PolicyRules loadWith(String line) throws Exception {
        Path file = dir.resolve("policy.properties");
        Files.writeString(file, Files.readString(Path.of("config/policy.properties")) + "\n" + line + "\n");
        return PolicyRules.load(file);
    }

    private PolicyRules loadWithout(String keyPrefix) throws Exception {
        Path file = dir.resolve("policy.properties");
        String policy = Files.readString(Path.of("config/policy.properties")).replaceAll("(?m)^" + java.util.regex.Pattern.quote(keyPrefix)
                + ".*(\\\\\n.*)*$", "");
        Files.writeString(file, policy);
        return PolicyRules.load(file);
    }
}
