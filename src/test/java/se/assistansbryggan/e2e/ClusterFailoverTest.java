package se.assistansbryggan.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.delivery.BrokerAccess;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.operations.BrokerManagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway instances share an Artemis primary/backup pair with replication
 * (scripts/artemis-cluster). The primary is killed with SIGKILL while four senders post through
 * both instances: they get ACCEPTED or BROKER_UNAVAILABLE, send again with the same id, and in the
 * end every accepted message is on the backup exactly once. Duplicate detection and the follow-up
 * clocks live in the broker, so both still hold after the failover.
 */
class ClusterFailoverTest {
    static final int MESSAGES = 600;
    @TempDir
    Path dir;

    @Test
    void two_gateways_lose_and_double_nothing_when_the_primary_broker_dies() throws Exception {
        List<byte[]> notices = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            notices.add(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"));
        }
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger unavailable = new AtomicInteger();
        try (ArtemisCluster cluster = new ArtemisCluster(dir.resolve("cluster"))) {
            String url = cluster.start();
            Map<String, String> settings = Map.of("gateway.broker.external-url", url,
                    "gateway.broker.external-user", ArtemisCluster.USER, "gateway.broker.external-password", ArtemisCluster.PASSWORD);
            try (GatewayHarness a = new GatewayHarness(dir.resolve("a")).start(settings);
                    GatewayHarness b = new GatewayHarness(dir.resolve("b")).start(settings)) {
                List<GatewayClient> instances = List.of(a.clientAs("fk"), b.clientAs("fk"));
                AtomicInteger next = new AtomicInteger();
                ExecutorService senders = Executors.newFixedThreadPool(4);
                for (int s = 0; s < 4; s++) {
                    GatewayClient fk = instances.get(s % 2);
                    senders.submit(() -> BrokerCrashTest.sendUntilAccepted(fk, notices, next, accepted, unavailable));
                }
                BrokerCrashTest.await(() -> accepted.size() >= MESSAGES / 3);
                cluster.killPrimary();
                senders.shutdown();
                assertTrue(senders.awaitTermination(120, TimeUnit.SECONDS), "the senders did not finish");
                assertEquals(MESSAGES, accepted.size());

                // a resend through the other instance after the failover: the original receipt, nothing new delivered
                String first = GatewayHarness.messageIdOf(notices.get(0));
                Receipt again = Receipt.parse(b.clientAs("fk").post(notices.get(0)).body());
                assertEquals("ACCEPTED", again.status());
                assertEquals(first, again.messageId());

                try (BrokerManagement broker = new BrokerManagement(new BrokerAccess(url, ArtemisCluster.USER, ArtemisCluster.PASSWORD))) {
                    assertEquals(MESSAGES, broker.scheduled(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS).size(),
                            "every notice's follow-up clock is on the backup");
                }
            }
            Map<String, Integer> onQueue = BrokerCrashTest.drain(url, ArtemisCluster.USER, ArtemisCluster.PASSWORD);
            accepted.forEach(id -> assertEquals(1, onQueue.getOrDefault(id, 0), "message " + id));
            assertEquals(MESSAGES, onQueue.size());
            System.out.println("ClusterFailoverTest: " + unavailable.get() + " BROKER_UNAVAILABLE answers during the failover");
        }
    }
}
