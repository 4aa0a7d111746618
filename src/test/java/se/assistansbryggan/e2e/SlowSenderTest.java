package se.assistansbryggan.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One party's stuck or hostile system (bodies sent a byte at a time, more requests than its share)
 * does not stop the others: their messages are accepted within a second throughout, the slow party
 * gets signed RATE_LIMITED and REQUEST_TIMEOUT refusals, and the metrics show it.
 */
class SlowSenderTest {
    private static final String POST_HEAD = "POST /messages HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/xml\r\n"
            + "Content-Length: 4000\r\n\r\n<?xml version=\"1.0\"?>";
    @TempDir
    Path data;

    /** More slow requests than the gateway has workers: the workers are not theirs, so FK's messages pass. */
    @Test
    void slow_bodies_do_not_take_the_workers_others_need() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start(Map.of("gateway.https.worker-threads", "4",
                "gateway.https.in-flight-per-party", "40", "gateway.https.body-timeout", "PT30S"))) {
            assertOthersAcceptedWithinASecond(harness, 1); // FK's first message, before the slow ones, warms its path
            Trickle slow = new Trickle(harness, "kommun-0180", 24);
            slow.awaitAllSending();
            assertOthersAcceptedWithinASecond(harness, 8);
            assertEquals(24, slow.stillOpen(), "the slow requests are held, not answered");
            slow.close();
        }
    }

    @Test
    void a_party_over_its_share_is_rate_limited_and_a_body_that_never_ends_times_out() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start(Map.of("gateway.https.in-flight-per-party", "4",
                "gateway.https.body-timeout", "PT10S", "gateway.https.retry-after", "PT2S"))) {
            assertOthersAcceptedWithinASecond(harness, 1);
            List<String> answers;
            try (Trickle slow = new Trickle(harness, "kommun-0180", 10)) {
                slow.awaitAllSending();
                slow.awaitAnswered(6); // the six beyond the share are refused at once; four are held
                // the share is taken by the slow bodies: the party's next requests, on every door, are refused at once
                Answer post = harness.clientAs("kommun-0180").post(GatewayHarness.signedFixture("withdrawal-from-kommun.xml", "kommun-0180"));
                assertEquals(429, post.status(), post.body());
                assertEquals("2", post.header("Retry-After").orElseThrow());
                assertSigned("RATE_LIMITED", post.body());
                Answer pull = harness.clientAs("kommun-0180").pullNext();
                assertEquals(429, pull.status(), pull.body());
                assertSigned("RATE_LIMITED", pull.body());

                assertOthersAcceptedWithinASecond(harness, 8);
                answers = slow.answers(25);
            }
            // four held until the body timeout, the other six refused as they came
            assertEquals(10, answers.size(), answers.toString());
            assertEquals(6, answers.stream().filter(a -> a.startsWith("HTTP/1.1 429")).count(), answers.toString());
            assertEquals(4, answers.stream().filter(a -> a.startsWith("HTTP/1.1 408")).count(), answers.toString());
            for (String answer : answers) {
                assertSigned(answer.startsWith("HTTP/1.1 429") ? "RATE_LIMITED" : "REQUEST_TIMEOUT", answer.substring(answer.indexOf("<")));
            }
            // its share is free again once its requests are answered
            Answer free = harness.clientAs("kommun-0180").pullNext();
            assertTrue(free.status() == 200 || free.status() == 204, free.status() + " " + free.body());

            String metrics = metrics(harness);
            assertTrue(metrics.contains("bryggan_rate_limited_total{party=\"kommun-0180\"} 8.0"), metrics);
            assertTrue(metrics.contains("bryggan_refused_total{code=\"REQUEST_TIMEOUT\"} 4.0"), metrics);
            assertTrue(metrics.contains("bryggan_refused_total{code=\"RATE_LIMITED\"} 8.0"), metrics);
        }
    }

    /**
     * A revoked certificate of a kommun holds slow requests: they count against that certificate
     * (which is limited like any sender), not against the kommun's share.
     */
    @Test
    void a_revoked_certificate_cannot_use_up_its_organisations_share() throws Exception {
        try (GatewayHarness harness = new GatewayHarness(data).start(Map.of("gateway.https.in-flight-per-party", "3",
                "gateway.https.body-timeout", "PT30S"));
                Trickle revoked = new Trickle(harness, "kommun-1480-revoked", 4)) {
            revoked.awaitAllSending();
            List<String> limited = revoked.awaitAnswered(1);
            assertTrue(limited.get(0).startsWith("HTTP/1.1 429"), limited.toString());
            Answer own = harness.clientAs("kommun-1480").pullNext();
            assertTrue(own.status() == 200 || own.status() == 204, own.status() + " " + own.body());
            assertEquals(3, revoked.stillOpen());
        }
    }

    private static void assertOthersAcceptedWithinASecond(GatewayHarness harness, int messages) throws Exception {
        GatewayClient fk = harness.clientAs("fk");
        for (int i = 0; i < messages; i++) {
            byte[] document = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
            long started = System.nanoTime();
            Answer answer = fk.post(document);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(200, answer.status(), answer.body());
            assertEquals("ACCEPTED", Receipt.parse(answer.body()).status());
            assertTrue(millis < 1000, "FK's message " + i + " took " + millis + " ms");
        }
    }

    private static void assertSigned(String code, String receiptXml) {
        String kvittens = receiptXml.substring(receiptXml.indexOf("<Kvittens"), receiptXml.indexOf("</Kvittens>") + 11);
        Receipt receipt = Receipt.parse(kvittens);
        assertEquals("REFUSED", receipt.status());
        assertEquals(code, receipt.code());
        assertEquals(GatewayHarness.key("gateway-sign").certificate(), XmlSignatures.verify(receipt.document()));
    }

    private static String metrics(GatewayHarness harness) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + harness.gateway().healthPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * A party's system that opens requests over mutual TLS and sends each body a byte every 200 ms,
     * as a stuck or compromised system would; collects what the gateway answers.
     */
    private static final class Trickle implements AutoCloseable {
        private final List<SSLSocket> sockets = new ArrayList<>();
        private final List<Future<String>> answers = new ArrayList<>();
        private final ExecutorService threads;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final java.util.concurrent.CountDownLatch sending;

        Trickle(GatewayHarness harness, String party, int requests) throws Exception {
            SSLContext context = GatewayClient.sslContext(GatewayHarness.CERTS.resolve(party + ".p12"),
                    GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD);
            URI base = URI.create(harness.gateway().baseUrl());
            threads = Executors.newFixedThreadPool(requests);
            sending = new java.util.concurrent.CountDownLatch(requests);
            for (int i = 0; i < requests; i++) {
                SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(base.getHost(), base.getPort());
                socket.setSoTimeout(60_000);
                sockets.add(socket);
                answers.add(threads.submit(() -> trickle(socket)));
            }
        }

        private String trickle(SSLSocket socket) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(POST_HEAD.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            sending.countDown();
            InputStream in = socket.getInputStream();
            try {
                while (!stop.get() && in.available() == 0) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException closedByTheGateway) {
                // the answer, if any, is read below
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        void awaitAllSending() throws InterruptedException {
            assertTrue(sending.await(20, TimeUnit.SECONDS));
            Thread.sleep(1000);
        }

        /** The answers of the first {@code count} requests the gateway answered (waiting at most 20 s for them). */
        List<String> awaitAnswered(int count) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (answers.stream().filter(Future::isDone).count() < count && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<String> done = new ArrayList<>();
            for (Future<String> answer : answers) {
                if (answer.isDone()) {
                    done.add(answer.get());
                }
            }
            assertTrue(done.size() >= count, "answered: " + done);
            return done;
        }

        /** Requests not answered yet. */
        int stillOpen() {
            return (int) answers.stream().filter(a -> !a.isDone()).count();
        }

        /** Every request's answer, waiting at most so many seconds in all. */
        List<String> answers(int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<String> all = new ArrayList<>();
            for (Future<String> answer : answers) {
                all.add(answer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return all;
        }

        @Override
        public void close() {
            stop.set(true);
            sockets.forEach(socket -> {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already closed by the gateway
                }
            });
            threads.shutdownNow();
        }
    }
}
