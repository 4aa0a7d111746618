package se.assistansbryggan.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import se.assistansbryggan.app.Gateway;
import se.assistansbryggan.client.GatewayClient;

/**
 * One party's system misbehaving while the others send: it keeps three times its share of
 * requests open, each body sent a byte every 200 ms (as a stuck or compromised system would), and
 * opens a new one a second (Retry-After) after the gateway answers one. The report gives the others' answer times
 * meanwhile and what the misbehaving party was answered.
 */
final class Misbehaving {
    static final String PARTY = "kommun-1480";
    private static final byte[] HEAD = ("POST /messages HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/xml\r\n"
            + "Content-Length: 4000\r\n\r\n<?xml version=\"1.0\"?>").getBytes(StandardCharsets.US_ASCII);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private Misbehaving() {}

    static Map<String, Object> during(Gateway gateway, Callable<Map<String, Object>> stage) throws Exception {
        int share = gateway.config().integer("gateway.https.in-flight-per-party");
        int connections = 3 * share;
        System.out.println(PARTY + " keeps " + connections + " slow requests open (its share is " + share + ") …");
        SSLSocketFactory sockets = GatewayClient.sslContext(Benchmark.CERTS.resolve(PARTY + ".p12"),
                Benchmark.CERTS.resolve("truststore.p12"), Benchmark.PASSWORD).getSocketFactory();
        URI base = URI.create(gateway.baseUrl());
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch opened = new CountDownLatch(connections);
        Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
        // named bench-…, so their CPU counts as the generator's
        ExecutorService threads = Executors.newFixedThreadPool(connections, r -> Benchmark.generatorThread(r, "bench-misbehaving-" + THREAD_IDS.incrementAndGet()));
        for (int i = 0; i < connections; i++) {
            threads.submit(() -> {
                boolean first = true;
                while (!stop.get()) {
                    String status = slowRequest(sockets, base, stop, first ? opened : null);
                    first = false;
                    if (status != null) {
                        answered.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        // it waits as long as Retry-After says: a reconnection storm is a TLS-handshake flood, which
                        // is the network's to limit (per address, at the load balancer), and on this machine it would
                        // measure the generator's handshakes more than the gateway
                        TimeUnit.SECONDS.sleep(1);
                    }
                }
                return null;
            });
        }
        threads.shutdown();
        opened.await(30, TimeUnit.SECONDS);
        TimeUnit.SECONDS.sleep(1);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("misbehavingParty", PARTY);
        result.put("itsShare", share);
        result.put("slowRequestsKeptOpen", connections);
        try {
            result.putAll(stage.call());
        } finally {
            stop.set(true);
            threads.awaitTermination(30, TimeUnit.SECONDS);
        }
        Map<String, Integer> byStatus = new TreeMap<>();
        answered.forEach((status, count) -> byStatus.put(status, count.get()));
        result.put("misbehavingPartyAnsweredByStatus", byStatus);
        return result;
    }

    /** One slow request: the status line's code when the gateway answered, null when the run stopped first. */
    private static String slowRequest(SSLSocketFactory sockets, URI base, AtomicBoolean stop, CountDownLatch opened) {
        try (SSLSocket socket = (SSLSocket) sockets.createSocket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(HEAD);
            out.flush();
            if (opened != null) {
                opened.countDown();
            }
            try {
                while (!stop.get()) {
                    out.write(' ');
                    out.flush();
                    TimeUnit.MILLISECONDS.sleep(200);
                }
                return null;
            } catch (IOException answeredAndClosed) {
                String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                return answer.startsWith("HTTP/1.1 ") ? answer.substring(9, 12) : "closed";
            }
        } catch (IOException e) {
            return "closed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
