package se.assistansbryggan.e2e;

import java.io.IOException;
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
 * The reliability contract under the worst crash: the gateway process is killed with SIGKILL in
 * the middle of a run of 1,000 messages from concurrent senders. After a restart, every message
 * that got an ACCEPTED receipt is on its queue exactly once, and no message is there twice: with
 * the embedded broker (same data directory) and with a real standalone Artemis broker by URL.
 */
class KillTest {
    static final int MESSAGES = 1000;
    static final int SENDERS = 4;
    static final String PASSWORD = "sample-0180-NOT-FOR-PRODUCTION";
    static final java.util.concurrent.atomic.AtomicReference<Exception> FIRST_FAILURE = new java.util.concurrent.atomic.AtomicReference<>();
    @TempDir
    Path dir;

    @Test
    void every_accepted_message_survives_a_kill_9_of_the_gateway_with_its_embedded_broker() throws Exception {
        int broker = GatewayHarness.freePort();
        killInTheMiddle(List.of("-Dgateway.broker.acceptor=tcp://127.0.0.1:" + broker + "?protocols=CORE"),
                "tcp://127.0.0.1:" + broker, "kommun-0180", PASSWORD);
    }

    @Test
    void every_accepted_message_survives_a_kill_9_of_the_gateway_on_a_standalone_broker() throws Exception {
        try (StandaloneArtemis artemis = new StandaloneArtemis(dir.resolve("artemis"), GatewayHarness.freePort()).start()) {
            killInTheMiddle(List.of("-Dgateway.broker.external-url=" + artemis.url(),
                    "-Dgateway.broker.external-password=" + StandaloneArtemis.PASSWORD),
                    artemis.url(), StandaloneArtemis.USER, StandaloneArtemis.PASSWORD);
        }
    }

    private void killInTheMiddle(List<String> brokerSettings, String consumeUrl, String user, String password) throws Exception {
        int https = GatewayHarness.freePort();
        List<byte[]> notices = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            notices.add(GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk"));
        }
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Process gateway = startGateway(https, brokerSettings, "first");
        try {
            GatewayClient fk = new GatewayClient("https://127.0.0.1:" + https, GatewayHarness.CERTS.resolve("fk.p12"),
                    GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
            AtomicInteger next = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            for (int s = 0; s < SENDERS; s++) {
                senders.submit(() -> send(fk, notices, next, accepted));
            }
            awaitAtLeast(accepted, MESSAGES / 3, Duration.ofSeconds(60), dir.resolve("first.log"));
            gateway.destroyForcibly().waitFor();
            senders.shutdown();
            assertTrue(senders.awaitTermination(60, TimeUnit.SECONDS));
            assertTrue(accepted.size() < MESSAGES, "the kill came too late to test anything");

            gateway = startGateway(https, brokerSettings, "second");
            Map<String, Integer> onQueue = drain(consumeUrl, user, password);
            for (String id : accepted) {
                assertEquals(1, onQueue.getOrDefault(id, 0), "accepted message " + id);
            }
            onQueue.forEach((id, times) -> assertEquals(1, times, "message " + id + " delivered twice"));
            auditedExactlyOnce(onQueue.keySet());
            System.out.println("KillTest: " + accepted.size() + " accepted before the kill, " + onQueue.size() + " on the queue");
        } finally {
            gateway.destroyForcibly().waitFor();
        }
    }

    /**
     * The audit was committed with the deliveries: every delivered message (and only those) has its
     * ACCEPTED and DELIVERED events in the trail exactly once, whatever the kill cut, and the chain verifies.
     */
    private void auditedExactlyOnce(Set<String> delivered) throws Exception {
        Path trail = dir.resolve("data/audit/trail.jsonl");
        Instant deadline = Instant.now().plusSeconds(60);
        Map<String, Map<String, Integer>> events = Map.of();
        while (Instant.now().isBefore(deadline)) {
            events = eventsByMessage(trail);
            if (events.getOrDefault("ACCEPTED", Map.of()).keySet().containsAll(delivered)) {
                break;
            }
            Thread.sleep(200);
        }
        for (String event : List.of("ACCEPTED", "DELIVERED")) {
            Map<String, Integer> counted = events.getOrDefault(event, Map.of());
            assertEquals(delivered, counted.keySet(), event + ": every delivered message, and no other");
            counted.forEach((id, times) -> assertEquals(1, times, event + " of " + id + " recorded " + times + " times"));
        }
        assertEquals(Optional.empty(), se.assistansbryggan.audit.AuditTrail.verify(trail,
                "sample-audit-secret-NOT-FOR-PRODUCTION".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static Map<String, Map<String, Integer>> eventsByMessage(Path trail) throws IOException {
        Map<String, Map<String, Integer>> events = new HashMap<>();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("\"event\":\"(ACCEPTED|DELIVERED)\".*\"messageId\":\"([^\"]+)\"");
        for (String l : java.nio.file.Files.readAllLines(trail)) {
            java.util.regex.Matcher m = line.matcher(l);
            if (m.find()) {
                events.computeIfAbsent(m.group(1), e -> new HashMap<>()).merge(m.group(2), 1, Integer::sum);
            }
        }
        return events;
    }

    private static void send(GatewayClient fk, List<byte[]> notices, AtomicInteger next, Set<String> accepted) {
        for (int i = next.getAndIncrement(); i < notices.size(); i = next.getAndIncrement()) {
            try {
                var answer = fk.post(notices.get(i));
                if (!answer.body().startsWith("<")) {
                    throw new IllegalStateException("HTTP " + answer.status() + ": " + answer.body());
                }
                Receipt receipt = Receipt.parse(answer.body());
                if ("ACCEPTED".equals(receipt.status())) {
                    accepted.add(receipt.messageId());
                }
            } catch (IOException | RuntimeException gatewayGone) {
                FIRST_FAILURE.compareAndSet(null, gatewayGone);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Process startGateway(int https, List<String> brokerSettings, String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dgateway.https.port=" + https, "-Dgateway.data.dir=" + dir.resolve("data"),
                "-Dgateway.operations.health-port=0", "-Dgateway.operations.console-port=0", "-Dgateway.broker.certificate-acceptor="));
        command.addAll(brokerSettings);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "se.assistansbryggan.cli.Cli", "run"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        Path log = dir.resolve(name + ".log");
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (java.nio.file.Files.readString(log).contains("Assistansbryggan is listening")) {
                return process;
            }
            assertTrue(process.isAlive(), () -> "the gateway died at start:\n" + tail(log));
            Thread.sleep(100);
        }
        throw new AssertionError("the gateway did not start within a minute");
    }

    private static Map<String, Integer> drain(String url, String user, String password) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        try (QueueReader stockholm = new QueueReader(url, user, password)) {
            for (QueueReader.Received r : stockholm.drain("kommun.0180", 3000)) {
                seen.merge(r.messageId(), 1, Integer::sum);
            }
        }
        return seen;
    }

    private static void awaitAtLeast(Set<String> accepted, int count, Duration patience, Path log) throws Exception {
        Instant deadline = Instant.now().plus(patience);
        while (accepted.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(5);
        }
        assertTrue(accepted.size() >= count, () -> "only " + accepted.size() + " accepted before the deadline (" + FIRST_FAILURE.get() + "); the gateway said:\n"
                + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
