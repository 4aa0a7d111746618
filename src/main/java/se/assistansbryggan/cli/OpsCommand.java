package se.assistansbryggan.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.client.OperatorClient;

/** {@code ops}: the operators' commands, over the gateway's /operations API with an operator certificate. */
@Command(name = "ops", description = "Queues and dead letters: list, show (masked), retry, discard.",
        subcommands = {OpsCommand.DeadLetters.class, OpsCommand.Show.class,
            OpsCommand.Retry.class, OpsCommand.Discard.class})
final class OpsCommand {
    @picocli.CommandLine.Mixin
    OperatorOptions operator;

    OperatorClient client() {
        return operator.client();
    }

    /** The answer's body; an HTTP error said in one line on stderr, with its exit code. */
    static int print(Answer answer) {
        if (answer.status() == 200) {
            System.out.println(answer.body());
            return 0;
        }
        if (answer.status() == 401 || answer.status() == 403) {
            System.err.println("ops: the gateway does not take this certificate as an operator's (HTTP " + answer.status()
                    + "): use one named in gateway.operations.operators (--cert)");
            return Failures.CREDENTIALS;
        }
        System.err.println("ops: " + said(answer));
        return Failures.REFUSED;
    }

    /** An error answer in one line: a signed receipt by its code and sentence, JSON by its error, else the status. */
    static String said(Answer answer) {
        String body = answer.body() == null ? "" : answer.body().strip();
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("<Kod>([^<]*)</Kod>").matcher(body);
        java.util.regex.Matcher text = java.util.regex.Pattern.compile("<Text>([^<]*)</Text>").matcher(body);
        java.util.regex.Matcher error = java.util.regex.Pattern.compile("\"error\":\"([^\"]*)\"").matcher(body);
        String retry = answer.header("Retry-After").map(s -> "; try again in " + s + " s").orElse("");
        if (code.find()) {
            return "refused " + code.group(1) + (text.find() ? ": " + text.group(1) : "") + retry;
        }
        if (error.find()) {
            return "the gateway answered HTTP " + answer.status() + ": " + error.group(1);
        }
        String line = body.lines().findFirst().orElse("");
        return "the gateway answered HTTP " + answer.status() + (line.isEmpty() ? "" : ": " + (line.length() > 200
                ? line.substring(0, 200) + "…" : line)) + retry;
    }

    // the three listings take no options of their own: command methods, not classes
    @Command(name = "queues", description = "Every queue with its depth and the age of its oldest message.")
    int queues() throws Exception {
        return print(client().queues());
    }

    @Command(name = "attention", description = "What needs an operator, most urgent first: dead letters, escalations, "
            + "follow-ups past due, old messages, refusals in the last hour.")
    int attention() throws Exception {
        return print(client().attention());
    }

    @Command(name = "providers", description = "Every assistance provider with its IVO permit id and its permit status "
            + "(ACTIVE, PERMIT_REVOKED or TEMPORARILY_PROHIBITED, with the grace period's end) as IVO's revocations recorded it.")
    int providers() throws Exception {
        return print(client().providers());
    }

    @Command(name = "follow-ups", description = "Open follow-up clocks (8 b § LSS): notice, kommun, due time.")
    int followUps() throws Exception {
        return print(client().followUps());
    }

    @Command(name = "functions", description = "The functional addresses parties declared: which unit receives a message "
            + "type that names none (config/functions.csv).")
    int functions(@picocli.CommandLine.Option(names = "--party", description = "one party, e.g. kommun-1280") String party)
            throws Exception {
        return print(client().functions(party));
    }

    @Command(name = "escalations", description = "Escalations waiting on the kommuner's escalation queues.")
    int escalations() throws Exception {
        return print(client().escalations());
    }

    @Command(name = "dead-letters", description = "Dead letters, optionally filtered.")
    static final class DeadLetters implements Callable<Integer> {
        @ParentCommand
        OpsCommand ops;

        @Option(names = "--queue", description = "e.g. DLQ.kommun.0180")
        String queue;

        @Option(names = "--type", description = "e.g. WITHDRAWAL_NOTICE")
        String type;

        @Option(names = "--sender", description = "party id, e.g. fk")
        String sender;

        @Option(names = "--older-than-minutes")
        Long olderThan;

        @Override
        public Integer call() throws Exception {
            List<String> query = new ArrayList<>();
            add(query, "queue", queue);
            add(query, "type", type);
            add(query, "sender", sender);
            add(query, "olderThanMinutes", olderThan == null ? null : olderThan.toString());
            return print(ops.client().deadLetters(String.join("&", query)));
        }

        private static void add(List<String> query, String key, String value) {
            if (value != null) {
                query.add(key + "=" + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    @Command(name = "show", description = "One dead letter, personal numbers masked.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        OpsCommand ops;

        @Option(names = "--queue", required = true)
        String queue;

        @Option(names = "--id", required = true, description = "the message id")
        String id;

        @Override
        public Integer call() throws Exception {
            return print(ops.client().show(queue, id));
        }
    }

    /** What retry and discard share: which dead-letter queue, and why (the reason goes into the audit trail). */
    abstract static class DeadLetterAction implements Callable<Integer> {
        @ParentCommand
        OpsCommand ops;

        @Option(names = "--queue", required = true, description = "e.g. DLQ.kommun.0180")
        String queue;

        @Option(names = "--reason", required = true, description = "why; goes into the audit trail")
        String reason;
    }

    @Command(name = "retry", description = "Send one dead letter, or all of a queue (optionally of a type or sender), back to its queue.")
    static final class Retry extends DeadLetterAction {
        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        static final class Which {
            @Option(names = "--id", description = "the message id") String id;
            @Option(names = "--all", description = "every dead letter of the queue that matches --type and --sender") boolean all;
        }

        @Option(names = "--type", description = "with --all: only this message type")
        String type;

        @Option(names = "--sender", description = "with --all: only from this party id")
        String sender;

        @Override
        public Integer call() throws Exception {
            return print(which.all ? ops.client().retryAll(queue, type, sender, reason) : ops.client().retry(queue, which.id, reason));
        }
    }

    @Command(name = "discard", description = "Remove a dead letter for good.")
    static final class Discard extends DeadLetterAction {
        @Option(names = "--id", required = true, description = "the message id")
        String id;

        @Override
        public Integer call() throws Exception {
            return print(ops.client().discard(queue, id, reason));
        }
    }
}
