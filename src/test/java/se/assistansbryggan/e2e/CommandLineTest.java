package se.assistansbryggan.e2e;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import se.assistansbryggan.cli.Cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line speaks to people: --help on every command, and a missing gateway, a wrong URL,
 * a missing or wrong certificate or password, or an HTTP error answered with one line and the
 * documented exit code, never a stack trace.
 */
class CommandLineTest extends SharedGateway {

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
        void saysInOneLine(int expectedExit, String words) {
            assertEquals(expectedExit, exitCode, this.toString());
            assertEquals(1, err.strip().lines().count(), "one line: " + err);
            assertTrue(err.contains(words), err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace or exception name: " + err);
        }
    }

    @Test
    void every_command_and_subcommand_answers_help() {
        List<List<String>> paths = new ArrayList<>();
        collect(Cli.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 15, paths.toString());
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run run = run(args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run);
            assertTrue(run.out().contains("Usage:"), String.join(" ", args) + ": " + run.out());
        }
        assertTrue(run("--help").out().contains("Exit codes:"), "the exit codes are documented");
    }

    @Test
    void no_gateway_at_the_url() {
        String nowhere = "https://127.0.0.1:" + GatewayHarness.freePort();
        run("ops", "--url", nowhere, "dead-letters").saysInOneLine(4, "cannot reach the gateway");
        run("send", "--as", "fk", "--file", "samples/withdrawal-notice.xml", "--url", nowhere).saysInOneLine(4, "cannot reach the gateway");
        run("receive", "--queue", "kommun.0180", "--user", "kommun-0180", "--password", "x",
                "--broker", "tcp://127.0.0.1:" + GatewayHarness.freePort() + "?initialConnectAttempts=1")
                .saysInOneLine(4, "cannot reach the broker");
    }

    @Test
    void a_wrong_url() {
        run("ops", "--url", "127.0.0.1:8443", "queues").saysInOneLine(2, "https://host:port");
        run("ops", "--url", "http://127.0.0.1:" + java.net.URI.create(harness.gateway().baseUrl()).getPort(), "queues")
                .saysInOneLine(2, "speaks HTTPS");
    }

    @Test
    void a_broken_audit_trail_has_its_own_exit_code() throws Exception {
        java.nio.file.Path trail = java.nio.file.Files.createTempFile("trail", ".jsonl");
        java.nio.file.Files.writeString(trail, "{\"event\":\"FORGED\"}\n");
        Run broken = run("audit-verify", "--file", trail.toString());
        assertEquals(6, broken.exitCode(), broken.toString());
        assertTrue(broken.out().contains("BROKEN"), broken.out());
    }

    @Test
    void a_missing_or_unreadable_certificate() {
        String url = harness.gateway().baseUrl();
        run("ops", "--url", url, "--cert", "certs-sample/no-such.p12", "queues").saysInOneLine(2, "no such file");
        run("ops", "--url", url, "--password", "wrong", "queues").saysInOneLine(5, "password is wrong");
        run("receive", "--queue", "kommun.0180", "--cert", "certs-sample/no-such.p12").saysInOneLine(2, "no such file");
        run("send", "--as", "nobody", "--file", "samples/withdrawal-notice.xml", "--url", url).saysInOneLine(2, "no such file");
    }

    @Test
    void a_certificate_that_is_not_an_operators_and_a_missing_dead_letter() {
        String url = harness.gateway().baseUrl();
        run("ops", "--url", url, "--cert", "certs-sample/kommun-0180.p12", "queues").saysInOneLine(5, "not take this certificate");
        run("ops", "--url", url, "show", "--queue", "DLQ.kommun.0180", "--id", "00000000-0000-4000-8000-000000000000")
                .saysInOneLine(1, "HTTP 404");
        Run queues = run("ops", "--url", url, "queues");
        assertEquals(0, queues.exitCode(), queues.toString());
        assertTrue(queues.out().contains("kommun.2584"), "every kommun's queue is listed");
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
        for (var sub : command.getSubcommands().entrySet()) {
            if (sub.getKey().equals("help")) {
                continue;
            }
            List<String> here = new ArrayList<>(path);
            here.add(sub.getKey());
            paths.add(here);
            collect(sub.getValue(), here, paths);
        }
    }

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        StringWriter pcOut = new StringWriter();
        StringWriter pcErr = new StringWriter();
        try {
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            CommandLine cli = Cli.commandLine();
            cli.setOut(new PrintWriter(pcOut, true));
            cli.setErr(new PrintWriter(pcErr, true));
            int code = cli.execute(args);
            // the gateway of this test runs in the same JVM: its log lines (timestamped) are not the command's
            String said = (capturedErr.toString(StandardCharsets.UTF_8) + pcErr).lines()
                    .filter(line -> !line.matches("^\\d{4}-\\d{2}-\\d{2}T.*")).collect(java.util.stream.Collectors.joining("\n"));
            return new Run(code, capturedOut.toString(StandardCharsets.UTF_8) + pcOut, said);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
