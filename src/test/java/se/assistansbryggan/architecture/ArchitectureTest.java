package se.assistansbryggan.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's packages keep the house rules, and each rule catches a deliberate violation of it. */
class ArchitectureTest {
    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("se.assistansbryggan");
    private static final String FIXTURE = "se.assistansbryggan.architecture.fixture";
    private static final JavaClasses VIOLATIONS = new ClassFileImporter().importPackages(FIXTURE);
    private final Architecture gateway = new Architecture("se.assistansbryggan");
    private final Architecture fixture = new Architecture(FIXTURE);

    @Test
    void the_rules_see_the_gateway() {
        assertTrue(GATEWAY.size() > 100, "imported " + GATEWAY.size() + " classes");
        assertTrue(GATEWAY.stream().anyMatch(c -> c.getPackageName().equals("se.assistansbryggan.message")));
    }

    @Test
    void stations_follow_the_path_of_a_message() {
        gateway.stationsFollowThePath().check(GATEWAY);
    }

    @Test
    void packages_have_no_cycles() {
        gateway.noCycles().check(GATEWAY);
    }

    @Test
    void the_gateway_never_uses_the_client_tools() {
        gateway.gatewayNeverUsesTheClient().check(GATEWAY);
    }

    @Test
    void stations_refuse_with_coded_refusals() {
        gateway.stationsRefuseWithCodes().check(GATEWAY);
    }

    @Test
    void every_rule_fails_on_its_deliberate_violation() {
        assertViolation(fixture.stationsFollowThePath(), "EarlyStation", "LateStation");
        assertViolation(fixture.noCycles(), "intake", "delivery");
        assertViolation(fixture.gatewayNeverUsesTheClient(), "EarlyStation", "SenderTool");
        assertViolation(fixture.stationsRefuseWithCodes(), "EarlyStation", "RuntimeException");
        assertEquals(4, fixture.all().size());
    }

    /** The rule finds a violation, and it is the planted one: the report names both ends. */
    private static void assertViolation(ArchRule rule, String from, String to) {
        EvaluationResult result = rule.evaluate(VIOLATIONS);
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(result.hasViolation(), "no violation found by: " + rule.getDescription());
        assertTrue(report.contains(from) && report.contains(to), rule.getDescription() + " reported " + report);
    }
}
