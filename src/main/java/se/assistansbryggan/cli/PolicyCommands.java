package se.assistansbryggan.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.util.json.Jsoner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import se.assistansbryggan.app.GatewayConfig;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.operations.PolicyExplainer;
import se.assistansbryggan.policy.PolicyRules;
import se.assistansbryggan.policy.PolicyTable;
import se.assistansbryggan.trust.PartyDirectory;

/** The policy for those who answer for it: a message's decision explained, and the whole policy as a table. */
final class PolicyCommands {
    private PolicyCommands() {}

    @Command(name = "policy-explain", description = {"What the gateway would decide for a message, delivering nothing: for each "
            + "recipient the rules applied, the fields withheld, the legal basis and the clocks, or the refusal and its code. "
            + "Try a changed policy file (--policy) on real messages before it goes live. The signature is not checked: "
            + "--as names the sender."})
    static final class Explain implements Callable<Integer> {
        @Option(names = "--as", required = true, description = "the sending party's id, e.g. fk or kommun-0180")
        String as;

        @Option(names = "--file", required = true, description = "the message (XML, signed or not)")
        Path file;

        @Option(names = "--policy", description = "a policy file to try (default: the one the settings name)")
        Path policy;

        @Option(names = "--config", defaultValue = "config/application.properties", description = "settings (${DEFAULT-VALUE})")
        Path config;

        @Option(names = "--json", description = "the answer as JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            GatewayConfig settings = GatewayConfig.load(config, Map.of());
            PolicyRules rules = PolicyRules.load(policy != null ? policy : settings.path("gateway.policy"));
            PolicyExplainer explainer = new PolicyExplainer(rules, PartyDirectory.load(settings.path("gateway.parties")),
                    KeyMaterial.fromPkcs12(settings.path("gateway.signing.keystore"), settings.secret("gateway.signing.keystore.password")),
                    settings.integer("gateway.intake.max-bytes"), Clock.systemUTC());
            Map<String, Object> answer = explainer.explain(as, Files.readAllBytes(file));
            System.out.println(json ? Jsoner.serialize(answer) : readable(answer));
            return "REFUSED".equals(answer.get("outcome")) ? Failures.REFUSED : 0;
        }

        @SuppressWarnings("unchecked")
        private static String readable(Map<String, Object> answer) {
            StringBuilder out = new StringBuilder();
            out.append(answer.getOrDefault("type", "(not read)")).append(' ').append(answer.getOrDefault("messageId", ""))
                    .append(" from ").append(answer.get("sender")).append(": ").append(answer.get("outcome"));
            if (answer.containsKey("code")) {
                out.append(' ').append(answer.get("code")).append("\n  ").append(answer.get("why"));
            }
            if (answer.containsKey("warning")) {
                out.append("\n  warning: ").append(answer.get("warning"));
            }
            for (Map<String, Object> r : (List<Map<String, Object>>) answer.getOrDefault("recipients", List.of())) {
                out.append("\n→ ").append(r.get("recipient")).append(" (").append(r.get("name")).append("), queue ").append(r.get("queue"))
                        .append(", ").append(r.get("family")).append(" family")
                        .append("\n    legal basis: ").append(String.join(" | ", (List<String>) r.get("legalBasis")))
                        .append("\n    rules: ").append(String.join(", ", (List<String>) r.get("rules")))
                        .append("\n    withheld: ").append(((List<String>) r.get("withheld")).isEmpty() ? "nothing"
                                : String.join(", ", (List<String>) r.get("withheld")))
                        .append("\n    priority ").append(r.get("priority"))
                        .append(Boolean.TRUE.equals(r.get("protectedIdentity")) ? "; protected identity" : "");
                for (String clock : List.of("followUpDue", "reminder", "expiresAfter")) {
                    if (r.containsKey(clock)) {
                        out.append("; ").append(clock).append(' ').append(r.get(clock));
                    }
                }
            }
            return out.toString();
        }
    }

    @Command(name = "policy-table", description = "The policy file as a readable table for the data-protection officer: "
            + "per message type who may send it to whom, legal basis, conditions, clocks and the fields each recipient gets.")
    static final class Table implements Callable<Integer> {
        @Option(names = "--policy", defaultValue = "config/policy.properties", description = "the policy (${DEFAULT-VALUE})")
        Path policy;

        @Option(names = "--markdown", description = "write Markdown here (without --markdown or --html: Markdown to standard output)")
        Path markdown;

        @Option(names = "--html", description = "write HTML here")
        Path html;

        @Override
        public Integer call() throws Exception {
            if (markdown == null && html == null) {
                System.out.print(PolicyTable.markdown(policy));
                return 0;
            }
            if (markdown != null) {
                Files.writeString(markdown, PolicyTable.markdown(policy), StandardCharsets.UTF_8);
                System.err.println("wrote " + markdown);
            }
            if (html != null) {
                Files.writeString(html, PolicyTable.html(policy), StandardCharsets.UTF_8);
                System.err.println("wrote " + html);
            }
            return 0;
        }
    }
}
