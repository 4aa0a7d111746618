package se.assistansbryggan.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Health with the documented highly available broker pair (scripts/artemis-cluster): liveness,
 * readiness and metrics answer within a second before, during and after the primary is killed,
 * and readiness says NOT READY while no broker answers at all.
 */
class ClusterHealthTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(SECOND).build();
    @TempDir
    Path dir;

    @Test
    void health_answers_within_a_second_whatever_the_broker_pair_does() throws Exception {
        try (ArtemisCluster cluster = new ArtemisCluster(dir.resolve("cluster"))) {
            String url = cluster.start();
            Map<String, String> settings = Map.of("gateway.broker.external-url", url,
                    "gateway.broker.external-user", ArtemisCluster.USER, "gateway.broker.external-password", ArtemisCluster.PASSWORD,
                    "gateway.operations.broker-watch", "PT0.5S");
            try (GatewayHarness gateway = new GatewayHarness(dir.resolve("gateway")).start(settings)) {
                assertEquals(200, until(gateway, "/health/ready", 200), "ready on the pair");
                allAnswerWithinASecond(gateway);

                cluster.killPrimary();
                for (int i = 0; i < 10; i++) {
                    allAnswerWithinASecond(gateway);
                    Thread.sleep(300);
                }
                assertEquals(200, until(gateway, "/health/ready", 200), "ready again on the backup");

                cluster.close();
                assertEquals(503, until(gateway, "/health/ready", 503), "not ready while no broker answers");
                allAnswerWithinASecond(gateway);
                assertEquals(200, get(gateway, "/health/live").statusCode());
            }
        }
    }

    private static void allAnswerWithinASecond(GatewayHarness gateway) throws Exception {
        for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
            long started = System.nanoTime();
            HttpResponse<String> answer = get(gateway, path);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(millis < 1000, path + " took " + millis + " ms");
            assertTrue(answer.statusCode() == 200 || (path.equals("/health/ready") && answer.statusCode() == 503),
                    path + " answered " + answer.statusCode());
        }
    }

    /** Asks until the status comes, for at most 40 s (each answer within a second). */
    private static int until(GatewayHarness gateway, String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        int seen = get(gateway, path).statusCode();
        while (seen != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = get(gateway, path).statusCode();
        }
        return seen;
    }

    private static HttpResponse<String> get(GatewayHarness gateway, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().healthPort() + path))
                .timeout(SECOND).build(), HttpResponse.BodyHandlers.ofString());
    }
}
