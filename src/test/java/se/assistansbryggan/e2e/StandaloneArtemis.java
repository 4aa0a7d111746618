package se.assistansbryggan.e2e;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real standalone ActiveMQ Artemis broker from the distribution Maven unpacked into
 * target/artemis-dist, created and run by the test on 127.0.0.1 with its own port and login.
 */
final class StandaloneArtemis implements AutoCloseable {
    static final String USER = "gateway";
    static final String PASSWORD = "test-broker-password";
    private final Path instance;
    private final int port;
    private Process process;

    StandaloneArtemis(Path instance, int port) {
        this.instance = instance;
        this.port = port;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    StandaloneArtemis start() throws Exception {
        if (!Files.exists(instance.resolve("bin/artemis"))) {
            run(home().resolve("bin/artemis").toString(), "create", instance.toString(), "--user", USER, "--password", PASSWORD,
                    "--require-login", "--host", "127.0.0.1", "--default-port", Integer.toString(port), "--no-web",
                    "--no-amqp-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor", "--no-mqtt-acceptor",
                    "--no-autotune", "--silent", "--force");
        }
        process = command(instance.resolve("bin/artemis").toString(), "run")
                .redirectOutput(instance.resolve("run.log").toFile()).start();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker died at start; see " + instance.resolve("run.log"));
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the broker did not start within a minute");
    }

    /** SIGKILL, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static Path home() {
        Path home = Path.of(System.getProperty("artemis.home", "target/artemis-dist/apache-artemis-2.44.0"));
        if (!Files.exists(home.resolve("bin/artemis"))) {
            throw new IllegalStateException("no Artemis distribution at " + home + "; run the build (mvn verify) first");
        }
        return home;
    }

    private void run(String... args) throws Exception {
        Process create = command(args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!create.waitFor(120, TimeUnit.SECONDS) || create.exitValue() != 0) {
            throw new IllegalStateException("artemis create failed");
        }
    }

    private static ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder;
    }
}
