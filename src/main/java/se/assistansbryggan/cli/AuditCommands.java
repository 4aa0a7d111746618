package se.assistansbryggan.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import se.assistansbryggan.app.GatewayConfig;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.audit.Checkpoint;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.message.KeyMaterial;

/** The audit trail's commands: verify, export (several instances as one), a person's register extract, a new chain. */
final class AuditCommands {
    private AuditCommands() {}

    /** The settings file, for the trail's secret and the gateway's signing certificate. */
    static final class Settings {
        @Option(names = "--config", defaultValue = "config/application.properties", description = "settings with the secret (${DEFAULT-VALUE})")
        Path config;

        GatewayConfig load() {
            return GatewayConfig.load(config, Map.of());
        }

        byte[] secret() {
            return load().get("gateway.audit.hmac-secret").getBytes(StandardCharsets.UTF_8);
        }

        PublicKey gatewayKey() {
            GatewayConfig settings = load();
            return KeyMaterial.fromPkcs12(settings.path("gateway.signing.keystore"), settings.secret("gateway.signing.keystore.password"))
                    .certificate().getPublicKey();
        }
    }

    @Command(name = "audit-verify", description = {"Check audit trails: every line's link in its chain, every checkpoint's "
            + "signature, and that each trail still reaches its newest checkpoint (kept beside it, given with --checkpoint, "
            + "or asked of the gateway with --from-gateway): a trail whose newest lines or whole file were removed fails. "
            + "The first bad line is named."})
    static final class Verify implements Callable<Integer> {
        @Option(names = "--file", defaultValue = "data/audit/trail.jsonl", split = ",",
                description = "the trails, one per instance (${DEFAULT-VALUE})")
        List<Path> files;

        @Option(names = "--checkpoint", description = "a checkpoint kept elsewhere (JSON), to compare with")
        List<Path> checkpoints = new ArrayList<>();

        @Option(names = "--from-gateway", description = "also compare with what the broker keeps (how far each trail reached, its "
                + "newest checkpoint), asked of the running gateway with an operator certificate")
        boolean fromGateway;

        @Mixin
        Settings settings;

        @Mixin
        OperatorOptions gateway;

        @Override
        public Integer call() throws Exception {
            byte[] secret = settings.secret();
            PublicKey key = settings.gatewayKey();
            List<Checkpoint> given = new ArrayList<>();
            for (Path file : checkpoints) {
                given.add(Checkpoint.parse(Files.readString(file)));
            }
            List<AuditTrail.Reach> reached = new ArrayList<>();
            if (fromGateway) {
                Answer answer = gateway.client().auditMarks();
                if (answer.status() != 200) {
                    System.err.println("audit-verify: " + OpsCommand.said(answer));
                    return answer.status() == 403 ? Failures.CREDENTIALS : Failures.REFUSED;
                }
                for (Object o : (JsonArray) Jsoner.deserialize(answer.body())) {
                    JsonObject mark = (JsonObject) o;
                    reached.add(new AuditTrail.Reach(mark.getString("instance"), mark.getString("chain"),
                            ((Number) mark.get("seq")).longValue(), mark.getString("mac")));
                    if (mark.get("checkpoint") != null) {
                        given.add(Checkpoint.parse(Jsoner.serialize(mark.get("checkpoint"))));
                    }
                }
            }
            int result = 0;
            for (Path file : files) {
                List<Checkpoint> compare = new ArrayList<>(given);
                Path beside = AuditTrail.checkpointFileOf(file);
                if (Files.exists(beside)) {
                    compare.add(Checkpoint.parse(Files.readString(beside)));
                }
                AuditTrail.Verification checked = AuditTrail.check(file, secret, key, compare, reached);
                if (!checked.ok()) {
                    System.out.println("BROKEN at line " + checked.firstBroken().get() + " of " + file + ": " + checked.problem());
                    result = Failures.BROKEN_TRAIL;
                    continue;
                }
                List<Checkpoint> own = compare.stream().filter(c -> c.instance().equals(checked.instance())).toList();
                boolean markedByBroker = reached.stream().anyMatch(r -> r.instance().equals(checked.instance()));
                if (fromGateway && !markedByBroker) {
                    System.out.println("NOT VERIFIED: the broker keeps no mark of instance '" + checked.instance() + "' (" + file + ")");
                    result = Failures.BROKEN_TRAIL;
                    continue;
                }
                if (own.isEmpty()) {
                    System.out.println("NOT VERIFIED: " + file + " (" + checked.lines() + " lines in one chain) has no checkpoint of"
                            + " instance '" + checked.instance() + "' to compare with: removed newest lines would not show"
                            + " (give one with --checkpoint, or --from-gateway)");
                    result = Failures.BROKEN_TRAIL;
                    continue;
                }
                Checkpoint newest = own.stream().max(Comparator.comparingLong(Checkpoint::seq)).get();
                System.out.println("OK: every line of " + file + " is in its chain (instance " + checked.instance() + ", "
                        + checked.lines() + " lines), and it reaches its checkpoint of " + newest.time() + " (line " + newest.seq() + ")"
                        + (markedByBroker ? " and the line the broker recorded" : " (the checkpoint beside a trail can be replaced"
                                + " by whoever can edit it: --from-gateway compares with the broker's record too)"));
            }
            return result;
        }
    }

    @Command(name = "audit-export", description = "The trails of several instances as one, merged by time (JSON lines), "
            + "each line naming its instance; a trail that does not verify (its chain, its checkpoints' signatures, the "
            + "checkpoint beside it) is not exported.")
    static final class Export implements Callable<Integer> {
        @Option(names = "--file", required = true, split = ",", description = "the trails, one per instance")
        List<Path> files;

        @Option(names = "--out", description = "where to write (default: standard output)")
        Path out;

        @Option(names = "--from", description = "only events at or after this time (ISO-8601)")
        String from;

        @Option(names = "--to", description = "only events before this time (ISO-8601)")
        String to;

        @Mixin
        Settings settings;

        @Override
        public Integer call() throws Exception {
            byte[] secret = settings.secret();
            List<JsonObject> events = new ArrayList<>();
            PublicKey key = settings.gatewayKey();
            for (Path file : files) {
                Path beside = AuditTrail.checkpointFileOf(file);
                AuditTrail.Verification checked = AuditTrail.check(file, secret, key,
                        Files.exists(beside) ? List.of(Checkpoint.parse(Files.readString(beside))) : List.of());
                if (!checked.ok()) {
                    System.err.println("audit-export: " + file + " is broken at line " + checked.firstBroken().get() + " ("
                            + checked.problem() + "); run audit-verify");
                    return Failures.BROKEN_TRAIL;
                }
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8).subList(0, (int) checked.lines())) {
                    JsonObject o = (JsonObject) Jsoner.deserialize(line);
                    o.putIfAbsent("instance", checked.instance().isEmpty() ? file.toString() : checked.instance());
                    String time = String.valueOf(o.get("time"));
                    if ((from == null || time.compareTo(from) >= 0) && (to == null || time.compareTo(to) < 0)) {
                        events.add(o);
                    }
                }
            }
            events.sort(Comparator.comparing((JsonObject o) -> se.assistansbryggan.audit.RegisterExtract.instant(String.valueOf(o.get("time"))))
                    .thenComparing(o -> String.valueOf(o.get("instance")))
                    .thenComparingLong(o -> ((Number) o.get("seq")).longValue()));
            try (PrintStream print = out == null ? new PrintStream(System.out, false, StandardCharsets.UTF_8)
                    : new PrintStream(Files.newOutputStream(out), false, StandardCharsets.UTF_8)) {
                for (JsonObject o : events) {
                    print.println(Jsoner.serialize(o));
                }
            }
            if (out != null) {
                System.err.println(events.size() + " events from " + files.size() + " trails in " + out);
            }
            return 0;
        }
    }

    @Command(name = "audit-extract", description = {"A person's register extract (GDPR art. 15): every event about them in "
            + "the trails of every instance, with when, type, from whom, to whom, legal basis, rules and fields withheld. Asked "
            + "of the gateway with an operator certificate; the extract itself is audited. JSON and a readable XHTML page signed "
            + "by the gateway; no other person's number is in them."})
    static final class Extract implements Callable<Integer> {
        @Option(names = "--personnummer", required = true, description = "twelve digits (with or without -), or - to read it from standard input")
        String personnummer;

        @Option(names = "--json", description = "write the JSON extract here (default: standard output)")
        Path json;

        @Option(names = "--html", description = "write the signed page here (XHTML)")
        Path html;

        @Mixin
        OperatorOptions gateway;

        @Override
        public Integer call() throws Exception {
            String number = "-".equals(personnummer)
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip() : personnummer;
            Answer extract = gateway.client().auditExtract(number, false);
            if (extract.status() != 200) {
                return OpsCommand.print(extract);
            }
            if (json == null) {
                System.out.println(extract.body());
            } else {
                write(json, extract.body());
            }
            if (html != null) {
                Answer page = gateway.client().auditExtract(number, true);
                if (page.status() != 200) {
                    return OpsCommand.print(page);
                }
                write(html, page.body());
            }
            return 0;
        }

        private static void write(Path file, String text) throws IOException {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            System.err.println("wrote " + file);
        }
    }

    @Command(name = "audit-new-chain", description = {"After a broken or lost trail: at the next start, set the trail aside "
            + "(renamed …broken-<time>) and start a new chain whose first line names the old one and this reason. The gateway "
            + "does not continue a broken chain on its own."})
    static final class NewChain implements Callable<Integer> {
        @Option(names = "--file", defaultValue = "data/audit/trail.jsonl", description = "the trail (${DEFAULT-VALUE})")
        Path file;

        @Option(names = "--reason", required = true, description = "why: it is recorded in the new chain's first line")
        String reason;

        @Override
        public Integer call() throws Exception {
            AuditTrail.requestNewChain(file, reason, Clock.systemUTC());
            System.out.println("at the next start, " + file + " is set aside and a new chain begins (reason recorded)");
            return 0;
        }
    }
}
