package se.assistansbryggan.architecture;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The house rules of the code, as ArchUnit rules over a root package: the stations of DESIGN.md
 * form a path (a station uses the shared vocabulary, the audit trail and metrics, and the stations
 * before it, never a later one), packages have no cycles, the gateway never uses the client side
 * (the sender's, reader's and operator's tools), and stations refuse with coded refusals.
 * Made for a root so the same rules can be shown to fail on a package of deliberate violations.
 */
final class Architecture {
    private final String root;

    Architecture(String root) {
        this.root = root;
    }

    List<ArchRule> all() {
        return List.of(stationsFollowThePath(), noCycles(), gatewayNeverUsesTheClient(), stationsRefuseWithCodes());
    }

    ArchRule stationsFollowThePath() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                // every class of the gateway belongs to a station or a shared package: a new package is placed on purpose
                .ensureAllClassesAreContainedInArchitecture()
                .withOptionalLayers(true)
                .layer("Vocabulary").definedBy(root + ".message..", root + ".schema..")
                .layer("Audit").definedBy(root + ".audit..")
                .layer("Metrics").definedBy(root + ".metrics..")
                .layer("Intake").definedBy(root + ".intake..")
                .layer("Trust").definedBy(root + ".trust..")
                .layer("Policy").definedBy(root + ".policy..")
                .layer("Transform").definedBy(root + ".transform..")
                .layer("Delivery").definedBy(root + ".delivery..")
                .layer("Operations").definedBy(root + ".operations..")
                .layer("App").definedBy(root + ".app..")
                .layer("Client").definedBy(root + ".client..")
                .layer("Cli").definedBy(root + ".cli..")
                .whereLayer("Vocabulary").mayOnlyAccessLayers("Vocabulary")
                .whereLayer("Audit").mayOnlyAccessLayers("Vocabulary")
                .whereLayer("Metrics").mayOnlyAccessLayers("Vocabulary")
                .whereLayer("Intake").mayOnlyAccessLayers("Vocabulary", "Audit", "Metrics")
                .whereLayer("Trust").mayOnlyAccessLayers("Vocabulary", "Audit", "Metrics", "Intake")
                .whereLayer("Policy").mayOnlyAccessLayers("Vocabulary", "Audit", "Metrics", "Intake", "Trust")
                .whereLayer("Transform").mayOnlyAccessLayers("Vocabulary", "Audit", "Metrics", "Intake", "Trust", "Policy")
                .whereLayer("Delivery").mayOnlyAccessLayers("Vocabulary", "Audit", "Metrics", "Intake", "Trust", "Policy",
                        "Transform")
                .whereLayer("Operations").mayOnlyAccessLayers("Vocabulary", "Audit", "Metrics", "Intake", "Trust", "Policy",
                        "Transform", "Delivery")
                .whereLayer("App").mayOnlyAccessLayers("Vocabulary", "Audit", "Metrics", "Intake", "Trust", "Policy",
                        "Transform", "Delivery", "Operations")
                .whereLayer("Client").mayOnlyAccessLayers("Vocabulary")
                .as("a station uses the vocabulary, audit, metrics and the stations before it, never a later one; "
                        + "the client side uses only the vocabulary");
    }

    ArchRule noCycles() {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles().allowEmptyShould(true);
    }

    ArchRule gatewayNeverUsesTheClient() {
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackages(root + ".client..", root + ".cli..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".client..", root + ".cli..")
                .allowEmptyShould(true)
                .as("nothing in the gateway uses the client tools or the command line");
    }

    ArchRule stationsRefuseWithCodes() {
        return noClasses().that().resideInAnyPackage(root + ".intake..", root + ".trust..", root + ".policy..",
                        root + ".transform..", root + ".delivery..")
                .should().callConstructor(RuntimeException.class, String.class)
                .orShould().callConstructor(RuntimeException.class, String.class, Throwable.class)
                .orShould().callConstructor(RuntimeException.class, Throwable.class)
                .orShould().callConstructor(RuntimeException.class)
                .orShould().callConstructor(Exception.class, String.class)
                .orShould().callConstructor(Exception.class, String.class, Throwable.class)
                .orShould().callConstructor(Exception.class, Throwable.class)
                .allowEmptyShould(true)
                .as("stations throw coded refusals (Refusal.because), not bare runtime exceptions");
    }
}
