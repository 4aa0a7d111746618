package se.assistansbryggan.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import se.assistansbryggan.client.OperatorClient;

/** How a command reaches the gateway as an operator: its URL and the operator's certificate. */
final class OperatorOptions {
    @Option(names = "--url", defaultValue = "https://127.0.0.1:8443", description = "gateway base URL (${DEFAULT-VALUE})")
    String url;

    @Option(names = "--cert", defaultValue = "certs-sample/operator.p12", description = "operator keystore (${DEFAULT-VALUE})")
    Path cert;

    @Option(names = "--truststore", defaultValue = "certs-sample/truststore.p12")
    Path truststore;

    @Option(names = "--password", defaultValue = "${env:ASSISTANSBRYGGAN_KEYSTORE_PASSWORD:-changeit}")
    String password;

    OperatorClient client() {
        return new OperatorClient(url, cert, truststore, password.toCharArray());
    }
}
