package se.assistansbryggan.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** An embedded broker as the gateway starts it, for a test of what the delivery station does with it. */
final class TestBrokers {
    private TestBrokers() {}

    /** A started broker with {@code kommun.0180}, keeping at most {@code memoryBytes} of messages in the heap. */
    static EmbeddedBroker started(Path data, long memoryBytes) {
        EmbeddedBroker broker = new EmbeddedBroker(new BrokerSettings(data, List.of(), 16_000, 1_000, List.of(),
                new BrokerSettings.Redelivery(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10)), "500000",
                Duration.ofMinutes(5), memoryBytes), 7_000 + (int) (Math.random() * 1_000), List.of("kommun.0180"));
        broker.start();
        return broker;
    }

    /** A hand-off to it, its receipts moved only when the test says so. */
    static Handoff handoff(EmbeddedBroker broker, int lagLimit) throws Exception {
        return handoff(broker, lagLimit, false);
    }

    /** A hand-off to it, its receipts moved in the background as the gateway's are ({@code moving}), or when the test says so. */
    static Handoff handoff(EmbeddedBroker broker, int lagLimit, boolean moving) throws Exception {
        return handoff(broker, lagLimit, moving, java.time.Clock.systemUTC());
    }

    /** A hand-off whose held clocks go by {@code clock}, and are moved to the schedule in the background only when {@code moving}. */
    static Handoff handoff(EmbeddedBroker broker, int lagLimit, boolean moving, java.time.Clock clock) throws Exception {
        return new Handoff(new BrokerAccess(broker.inVmUrl(), broker.internalUser(), broker.internalPassword()), broker.server(),
                Duration.ofHours(1), "kommun.0180", moving, lagLimit, clock);
    }
}
