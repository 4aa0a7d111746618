package se.assistansbryggan.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the embedded broker is set up: where its journal lives, where consumers connect, who may
 * read which queue, and how failed deliveries are retried before they become dead letters.
 */
public record BrokerSettings(Path dataDir, List<String> acceptorUrls, int idCacheSize, int kommunIdCacheSize, List<Consumer> consumers,
        Redelivery redelivery, String journalBufferTimeout, java.time.Duration expiryScanPeriod, long memoryBytes) {

    /**
     * A consuming party's broker user: it may read and browse its own queues, nothing else; it logs
     * in with its certificate, or with its password when it has one (empty: none).
     */
    public record Consumer(String user, String password, List<String> queues) {}

    /** Back-off for messages a consumer rolled back, then the dead-letter queue. */
    public record Redelivery(int maxAttempts, Duration firstDelay, double multiplier, Duration maxDelay) {}

    public BrokerSettings {
        consumers = List.copyOf(consumers);
        acceptorUrls = acceptorUrls.stream().filter(url -> url != null && !url.isBlank()).toList();
    }
}
