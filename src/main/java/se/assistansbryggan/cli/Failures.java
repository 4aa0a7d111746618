package se.assistansbryggan.cli;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.NoSuchFileException;
import java.security.UnrecoverableKeyException;
import javax.net.ssl.SSLException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * What the command line says when something outside it fails: one line saying what to do, and a
 * documented exit code, never a stack trace (set ASSISTANSBRYGGAN_DEBUG=1 for one).
 *
 * <p>Exit codes: 0 done; 1 the gateway refused or answered with an error; 2 wrong usage, or a
 * file that is not there; 3 nothing to read; 4 the gateway or the broker cannot be reached;
 * 5 a certificate, key or password the other side or the keystore does not accept; 6 the audit
 * trail's chain is broken (audit-verify). A failure none of these names is 1, its message in one line.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 4;
    static final int CREDENTIALS = 5;
    static final int BROKEN_TRAIL = 6;

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        if (System.getenv("ASSISTANSBRYGGAN_DEBUG") != null) {
            failure.printStackTrace(command.getErr());
        }
        Explained explained = explain(failure);
        command.getErr().println(command.getCommandName() + ": " + explained.line());
        return explained.exitCode();
    }

    record Explained(int exitCode, String line) {}

    static Explained explain(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage() == null ? "" : cause.getMessage();
            if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
                return new Explained(UNREACHABLE, "cannot reach the gateway: is it running (./bryggan run), and is --url right?");
            }
            if (cause instanceof UnknownHostException) {
                return new Explained(UNREACHABLE, "no such host " + message + ": check --url or --broker");
            }
            if (cause instanceof HttpTimeoutException) {
                return new Explained(UNREACHABLE, "the gateway did not answer in time: try again, or ask its operators");
            }
            if (cause instanceof java.net.URISyntaxException || cause instanceof IllegalArgumentException
                    && (message.contains("URI") || message.contains("scheme"))) {
                return new Explained(USAGE, "not a URL the command can use (" + firstLine(message) + "): give it as https://host:port");
            }
            if (message.contains("header parser received no bytes") || message.contains("parsing HTTP/1.1 status line")
                    || cause instanceof javax.net.ssl.SSLException
                    && message.contains("plaintext")) {
                return new Explained(USAGE, "the gateway speaks HTTPS on that port: check --url (https://host:port)");
            }
            if (cause instanceof java.net.BindException) {
                return new Explained(USAGE, "a port the gateway listens on is taken (" + message + "): is another gateway running? "
                        + "Change gateway.https.port (and the other ports) in the settings");
            }
            if (cause instanceof IllegalStateException && message.startsWith("missing setting")) {
                return new Explained(USAGE, message);
            }
            if (cause instanceof NoSuchFileException) {
                return new Explained(USAGE, "no such file: " + message);
            }
            if (cause instanceof UnrecoverableKeyException || message.contains("keystore password was incorrect")
                    || message.contains("Integrity check failed")) {
                return new Explained(CREDENTIALS, "a keystore's password is wrong, or the file is not a PKCS#12 keystore: check "
                        + "the command's password option (see --help) or ASSISTANSBRYGGAN_KEYSTORE_PASSWORD");
            }
            if (cause instanceof SSLException) {
                return new Explained(CREDENTIALS, "the TLS connection failed (" + message + "): the gateway needs a client "
                        + "certificate its CA issued, and the truststore must hold that CA");
            }
            if (cause instanceof jakarta.jms.JMSSecurityException) {
                return new Explained(CREDENTIALS, "the broker refused the login (" + firstLine(message) + "): a certificate of "
                        + "the queue's party, or its user and password");
            }
            if (cause instanceof org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException
                    || cause instanceof jakarta.jms.JMSException && (message.contains("connect") || message.contains("Connection"))) {
                return new Explained(UNREACHABLE, "cannot reach the broker (" + firstLine(message) + "): is the gateway running, "
                        + "and is --broker right?");
            }
        }
        return new Explained(REFUSED, "failed: " + firstLine(failure.getMessage() == null ? "an unexpected error (run with "
                + "ASSISTANSBRYGGAN_DEBUG=1 for the details)" : failure.getMessage()));
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
