package se.assistansbryggan.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The primary/backup pair of {@code scripts/artemis-cluster}, on free ports in a test's folder. */
final class ArtemisCluster implements AutoCloseable {
    static final String USER = "gateway";
    static final String PASSWORD = "sample-broker-NOT-FOR-PRODUCTION";
    private final Map<String, String> environment;

    ArtemisCluster(Path dir) {
        this.environment = Map.of("CLUSTER_DIR", dir.toString(),
                "CLUSTER_PRIMARY_PORT", Integer.toString(GatewayHarness.freePort()),
                "CLUSTER_BACKUP_PORT", Integer.toString(GatewayHarness.freePort()),
                "ARTEMIS_HOME", System.getProperty("artemis.home", "target/artemis-dist/apache-artemis-2.44.0"),
                "JAVA_HOME", System.getProperty("java.home"));
    }

    /** Creates and starts both brokers; the failover URL once the backup has the primary's journal. */
    String start() throws Exception {
        script("create");
        List<String> lines = script("start").lines().toList();
        return lines.get(lines.size() - 1);
    }

    void killPrimary() throws Exception {
        script("kill-primary");
    }

    @Override
    public void close() throws Exception {
        script("stop");
    }

    private String script(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/artemis-cluster", command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("scripts/artemis-cluster " + command + " failed:\n" + output);
        }
        return output.trim();
    }
}
