package se.assistansbryggan.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.client.QueueReader;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real standalone Artemis broker is killed with SIGKILL while four senders are sending and
 * started again. Senders get ACCEPTED or BROKER_UNAVAILABLE, never anything else; they send a
 * refused message again with the same id, as a real sender would. In the end every message is
 * accepted and on its queue exactly once.
 */
class BrokerCrashTest {
    static final int MESSAGES = 600;
    @TempDir
    Path dir;

    @Test
    void a_broker_killed_mid_run_loses_and_doubles_nothing() throws Exception {
        List<byte[]> notices = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            notices.add(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"));
        }
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger unavailable = new AtomicInteger();
        try (StandaloneArtemis artemis = new StandaloneArtemis(dir.resolve("artemis"), GatewayHarness.freePort()).start();
                GatewayHarness harness = new GatewayHarness(dir.resolve("data")).start(Map.of(
                        "gateway.broker.external-url", artemis.url(),
                        "gateway.broker.external-password", StandaloneArtemis.PASSWORD))) {
            GatewayClient fk = harness.clientAs("fk");
            AtomicInteger next = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(4);
            for (int s = 0; s < 4; s++) {
                senders.submit(() -> sendUntilAccepted(fk, notices, next, accepted, unavailable));
            }
            await(() -> accepted.size() >= MESSAGES / 3);
            artemis.kill();
            await(() -> unavailable.get() > 0);
            artemis.start();
            senders.shutdown();
            assertTrue(senders.awaitTermination(90, TimeUnit.SECONDS), "the senders did not finish");

            assertEquals(MESSAGES, accepted.size());
            Map<String, Integer> onQueue = drain(artemis.url());
            accepted.forEach(id -> assertEquals(1, onQueue.getOrDefault(id, 0), "message " + id));
            assertEquals(MESSAGES, onQueue.size());
            System.out.println("BrokerCrashTest: " + unavailable.get() + " BROKER_UNAVAILABLE answers during the outage");
        }
    }

    /** A sender's loop: each message until ACCEPTED, again with the same id after BROKER_UNAVAILABLE. */
    static void sendUntilAccepted(GatewayClient fk, List<byte[]> notices, AtomicInteger next, Set<String> accepted,
            AtomicInteger unavailable) {
        for (int i = next.getAndIncrement(); i < notices.size(); i = next.getAndIncrement()) {
            Instant giveUp = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(giveUp)) {
                try {
                    Receipt receipt = Receipt.parse(fk.post(notices.get(i)).body());
                    if ("ACCEPTED".equals(receipt.status())) {
                        accepted.add(receipt.messageId());
                        break;
                    }
                    assertEquals("BROKER_UNAVAILABLE", receipt.code());
                    unavailable.incrementAndGet();
                    Thread.sleep(100);
                } catch (java.io.IOException timedOut) {
                    unavailable.incrementAndGet(); // no answer in time: a real sender sends again, same id
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static Map<String, Integer> drain(String url) throws Exception {
        return drain(url, StandaloneArtemis.USER, StandaloneArtemis.PASSWORD);
    }

    /** How often each message id is on Stockholm's queue. */
    static Map<String, Integer> drain(String url, String user, String password) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        try (QueueReader reader = new QueueReader(url, user, password)) {
            for (Optional<QueueReader.Received> r = reader.receive("kommun.0180", 3000); r.isPresent();
                    r = reader.receive("kommun.0180", 3000)) {
                seen.merge(r.get().messageId(), 1, Integer::sum);
            }
        }
        return seen;
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "condition not reached within a minute");
    }
}
