package se.assistansbryggan.operations;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import se.assistansbryggan.metrics.GatewayMetrics;

/**
 * Plain HTTP on the loopback (or a management network) for machines, not people: {@code /metrics}
 * for Prometheus, {@code /health/live} (the process answers) and {@code /health/ready} (the routes
 * run and the broker answers), as load balancers and orchestrators expect them. Nothing here waits
 * on the broker (readiness and queue depths come from {@link BrokerWatch}'s last sample), and
 * requests are answered by several threads, so no slow request holds up another.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;
    private final java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "health");
        thread.setDaemon(true);
        return thread;
    });

    public HealthServer(String host, int port, GatewayMetrics metrics, BooleanSupplier ready) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(workers);
        server.createContext("/metrics", e -> answer(e, 200, "text/plain; version=0.0.4", metrics.scrape()));
        server.createContext("/health/live", e -> answer(e, 200, "text/plain", "UP"));
        server.createContext("/health/ready", e -> {
            boolean up = ready.getAsBoolean();
            answer(e, up ? 200 : 503, "text/plain", up ? "READY" : "NOT READY");
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
