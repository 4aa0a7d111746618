package se.assistansbryggan.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.w3c.dom.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import se.assistansbryggan.app.Gateway;
import se.assistansbryggan.app.GatewayConfig;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.client.BulkSender;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.client.SamplePki;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.trust.PartyDirectory;

/** The command line: run the gateway, send a signed message as a party, read a party's queue, make the sample PKI. */
@Command(name = "assistansbryggan", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "0.1.0",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:the gateway refused, or answered with an error",
            "2:wrong usage, or a file that is not there", "3:nothing to read", "4:the gateway or the broker cannot be reached",
            "5:a certificate, key or password not accepted", "6:audit-verify, audit-export: an audit trail is broken, or cannot be shown complete"},
        description = "Secure messaging gateway for personlig assistans (kommuner, Försäkringskassan, IVO).",
        subcommands = {Cli.Run.class, Cli.Send.class, Cli.Receive.class, OpsCommand.class, AuditCommands.Verify.class,
            AuditCommands.Export.class, AuditCommands.Extract.class, AuditCommands.NewChain.class,
            PolicyCommands.Explain.class, PolicyCommands.Table.class,
            Cli.SamplePkiCommand.class, Cli.ConsoleUser.class})
public final class Cli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every command's --help and --version, and failures said in one line (see {@link Failures}). */
    public static CommandLine commandLine() {
        return new CommandLine(new Cli()).setExecutionExceptionHandler(new Failures());
    }

    @Command(name = "run", description = "Start the gateway with its embedded broker; stop with Ctrl-C.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "config/application.properties", description = "settings file (${DEFAULT-VALUE})")
        Path config;

        @Override
        public Integer call() throws Exception {
            Gateway gateway = new Gateway(GatewayConfig.load(config, Map.of()), Clock.systemUTC()).start();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    gateway.close();
                } catch (Exception e) {
                    System.err.println("stopping: " + e.getMessage());
                } finally {
                    stopped.countDown();
                }
            }));
            System.out.println("Assistansbryggan is listening on " + gateway.baseUrl() + " (/soap, /messages)");
            stopped.await();
            return 0;
        }
    }

    @Command(name = "send", description = "Sign a message file with a party's key and post it over mutual TLS.")
    static final class Send implements Callable<Integer> {
        @Option(names = "--as", required = true, description = "the party's keystore in the certs folder, e.g. fk")
        String party;

        @Option(names = "--file", description = "the unsigned message document")
        Path file;

        @Option(names = "--dir", description = "a folder of unsigned documents (*.xml), each keeping its own message id: "
                + "signed and sent, with a progress bar; stopped and started again, nothing is sent twice")
        Path dir;

        @Option(names = "--report", description = "with --dir: where the signed copies, the answers so far and the receipts "
                + "report (receipts.csv, receipts.json) go (default: <dir>/receipts)")
        Path report;

        @Option(names = "--parallel", defaultValue = "8", description = "with --dir: requests at once (${DEFAULT-VALUE})")
        int parallel;

        @Option(names = "--url", defaultValue = "https://127.0.0.1:8443", description = "gateway base URL (${DEFAULT-VALUE})")
        String url;

        @Option(names = "--soap", description = "use the SOAP service instead of POST /messages")
        boolean soap;

        @Option(names = "--keep-id", description = "send the file's own MeddelandeId and Skapad instead of fresh ones")
        boolean keepId;

        @Option(names = "--certs", defaultValue = "certs-sample", description = "folder with <party>.p12 and truststore.p12")
        Path certs;

        @Option(names = "--password", defaultValue = "${env:ASSISTANSBRYGGAN_KEYSTORE_PASSWORD:-changeit}",
                description = "keystore password (env ASSISTANSBRYGGAN_KEYSTORE_PASSWORD)")
        String password;

        @Override
        public Integer call() throws Exception {
            if ((file == null) == (dir == null)) {
                System.err.println("give --file or --dir");
                return 2;
            }
            if (dir != null) {
                return sendFolder();
            }
            Document document = SecureXml.parse(Files.readAllBytes(file));
            if (!keepId) {
                MessageSigner.stampFresh(document);
            }
            Path keystore = certs.resolve(party + ".p12");
            byte[] signed = MessageSigner.sign(document, KeyMaterial.fromPkcs12(keystore, password.toCharArray()));
            GatewayClient client = new GatewayClient(url, keystore, certs.resolve("truststore.p12"), password.toCharArray());
            GatewayClient.Answer answer = soap ? client.postSoap(new String(signed, StandardCharsets.UTF_8)) : client.post(signed);
            System.out.println("HTTP " + answer.status());
            System.out.println(answer.body());
            return answer.status() == 200 && answer.body().contains("ACCEPTED") ? 0 : 1;
        }

        private int sendFolder() throws Exception {
            Path keystore = certs.resolve(party + ".p12");
            GatewayClient client = new GatewayClient(url, keystore, certs.resolve("truststore.p12"), password.toCharArray());
            Path to = report != null ? report : dir.resolve("receipts");
            BulkSender sender = new BulkSender(client, KeyMaterial.fromPkcs12(keystore, password.toCharArray()), dir, to, parallel);
            List<BulkSender.Outcome> outcomes = sender.run(Send::progressBar);
            System.err.println();
            long accepted = outcomes.stream().filter(BulkSender.Outcome::accepted).count();
            System.out.println(accepted + " of " + outcomes.size() + " accepted; report: " + to.resolve("receipts.csv") + ", "
                    + to.resolve("receipts.json"));
            BulkSender.refusalsByCode(outcomes).forEach((code, count) -> System.out.println("  " + code + ": " + count));
            return accepted == outcomes.size() ? 0 : 1;
        }

        /** One line, rewritten in place: a bar, files done of all, the rate this run and the time left. */
        private static synchronized void progressBar(BulkSender.Progress p) {
            double seconds = Math.max(1e-3, (System.nanoTime() - p.startedNanos()) / 1e9);
            double rate = (p.done() - p.skipped()) / seconds;
            int width = 30;
            int filled = p.total() == 0 ? width : (int) ((long) width * p.done() / p.total());
            long left = rate <= 0 ? -1 : Math.round((p.total() - p.done()) / rate);
            System.err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + p.done() + "/" + p.total()
                    + (p.skipped() > 0 ? " (" + p.skipped() + " answered before)" : "") + String.format(java.util.Locale.ROOT,
                    "  %.1f/s  %s left   ", rate, left < 0 ? "?" : String.format(java.util.Locale.ROOT, "%d:%02d", left / 60, left % 60)));
        }
    }

    @Command(name = "receive", description = "Read the next message from a party's queue, logged in with the party's "
            + "certificate (--cert) or its broker password (--user, --password).")
    static final class Receive implements Callable<Integer> {
        @Option(names = "--queue", required = true, description = "e.g. kommun.0180, kommun.2584, fk, ivo")
        String queue;

        @Option(names = "--broker", description = "broker URL (default: tcp://127.0.0.1:61617 over TLS with --cert, "
                + "tcp://127.0.0.1:61616 with a password)")
        String broker;

        @Option(names = "--wait", defaultValue = "5000", description = "milliseconds to wait (${DEFAULT-VALUE})")
        long waitMillis;

        @Option(names = "--cert", description = "the party's certificate and key (PKCS#12), e.g. certs-sample/kommun-2584.p12")
        Path cert;

        @Option(names = "--cert-password", defaultValue = "changeit", description = "its password (${DEFAULT-VALUE})")
        String certPassword;

        @Option(names = "--truststore", defaultValue = "certs-sample/truststore.p12", description = "the CA the broker's "
                + "certificate is checked against (PKCS#12, password changeit: ${DEFAULT-VALUE})")
        Path truststore;

        @Option(names = "--user", description = "the party's broker user, e.g. kommun-0180 (without --cert)")
        String user;

        @Option(names = "--password", description = "its password (sample: see config/application.properties)")
        String password;

        @Override
        public Integer call() throws Exception {
            if ((cert == null) == (user == null || password == null)) {
                System.err.println("give either --cert, or --user and --password");
                return 2;
            }
            for (Path file : cert == null ? List.<Path>of() : List.of(cert, truststore)) {
                if (!Files.isRegularFile(file)) {
                    throw new java.nio.file.NoSuchFileException(file.toString());
                }
            }
            String url = broker != null ? broker : cert == null ? "tcp://127.0.0.1:61616"
                    : "tcp://127.0.0.1:61617?sslEnabled=true&keyStorePath=" + cert.toAbsolutePath() + "&keyStorePassword=" + certPassword
                            + "&keyStoreType=PKCS12&trustStorePath=" + truststore.toAbsolutePath()
                            + "&trustStorePassword=changeit&trustStoreType=PKCS12";
            try (QueueReader reader = new QueueReader(url, cert == null ? user : null, cert == null ? password : null)) {
                var received = reader.receive(queue, waitMillis);
                if (received.isEmpty()) {
                    System.err.println("no message on " + queue);
                    return 3;
                }
                var r = received.get();
                System.err.println("message " + r.messageId() + " type " + r.type() + " rules " + r.rules()
                        + " legal basis " + r.legalBasis());
                System.out.println(r.text());
                return 0;
            }
        }
    }

    @Command(name = "sample-pki", description = "Generate the sample PKI (NOT FOR PRODUCTION) into a folder, or issue one "
            + "more party's certificate from its CA (--party).")
    static final class SamplePkiCommand implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "certs-sample", description = "target folder (${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--password", defaultValue = "changeit", description = "keystore password (${DEFAULT-VALUE})")
        String password;

        @Option(names = "--party", description = "a party of the directory, e.g. kommun-2584: issue its certificate "
                + "(<party>.p12, its organisation number as organizationIdentifier) from the issuing CA already in --out")
        String party;

        @Option(names = "--parties", defaultValue = "config/parties.csv", description = "the party directory (${DEFAULT-VALUE})")
        Path parties;

        @Override
        public Integer call() throws Exception {
            SamplePki pki = new SamplePki(out, password.toCharArray());
            if (party == null) {
                pki.generate();
                System.out.println("sample PKI written to " + out.toAbsolutePath());
                return 0;
            }
            Party known = PartyDirectory.load(parties).byId(party).orElse(null);
            if (known == null) {
                System.err.println("no party " + party + " in " + parties + " (a kommun is kommun-<kommunkod>)");
                return 2;
            }
            Path written = pki.issueParty(new SamplePki.SampleParty(known.id(), known.name(), known.orgnr().value()));
            System.out.println(known.name() + " (" + known.orgnr() + "): " + written.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "console-user", description = "Print a gateway.operations.console-users entry (bcrypt) for an operator; the password is read from the terminal.")
    static final class ConsoleUser implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "the operator's sign-in name")
        String name;

        @Option(names = "--password", interactive = true, arity = "0..1", description = "the password (asked for if not given)")
        char[] password;

        @Override
        public Integer call() {
            System.out.println(name + ":" + se.assistansbryggan.operations.ConsoleSessions.hash(password));
            return 0;
        }
    }
}
