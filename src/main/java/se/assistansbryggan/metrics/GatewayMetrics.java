package se.assistansbryggan.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics: messages received, accepted (by type), refused (by code),
 * resent, the intake-to-receipt latency, and queue depths (dead letters included) read from the
 * broker when scraped; beside them the JVM's (memory, GC, threads, CPU) and, with the embedded
 * broker, the broker's own (artemis_*). Labels are types, codes, parties and queue names only:
 * never personal data.
 */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer latency = Timer.builder("bryggan_intake_latency").description("from request to receipt")
            .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    private final Map<String, Long> depths = new ConcurrentHashMap<>();
    private final Supplier<Map<String, Long>> queueDepths;
    private volatile long depthsReadAt;
    private final RecentRefusals recent = new RecentRefusals();
    private final Map<String, Counter> stationCpu = new ConcurrentHashMap<>();
    private static final java.util.Set<String> PER_QUEUE = java.util.Set.of("artemis.message.count", "artemis.consumer.count");
    /** A client's temporary reply queue: a new name every connection, never a series of its own. */
    private static final java.util.regex.Pattern TEMPORARY =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /**
     * @param queueDepths every queue's depth by name, read from the broker when scraped
     * @param followUpQueue the queue that holds the open follow-up clocks
     */
    public GatewayMetrics(Supplier<Map<String, Long>> queueDepths, String followUpQueue) {
        this(queueDepths, followUpQueue, () -> 0);
    }

    /**
     * @param queueDepths every queue's depth by name, read from the broker when scraped
     * @param followUpQueue the queue that holds the scheduled follow-up clocks
     * @param heldClocks the open clocks held for later days besides them
     */
    public GatewayMetrics(Supplier<Map<String, Long>> queueDepths, String followUpQueue, java.util.function.LongSupplier heldClocks) {
        this.queueDepths = queueDepths;
        // the embedded broker's own metrics join this registry (artemis_*): per queue only its depth and consumers (never a
        // client's temporary reply queue), nothing per address, the rest broker-wide: 290 kommuner's some six hundred
        // addresses would otherwise be thousands of series
        registry.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.deny(id -> id.getName().startsWith("artemis.")
                && (id.getTag("address") != null || id.getTag("queue") != null)
                && (!PER_QUEUE.contains(id.getName()) || TEMPORARY.matcher(String.valueOf(id.getTag("queue"))).matches())));
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
        // what the XML signatures cost where they are made and checked: mostly within the stations' CPU (receipts, trust,
        // transform), also refusals, escalations, audit pages; process-wide, as the signing code is (CryptoCpu)
        for (se.assistansbryggan.message.CryptoCpu operation : se.assistansbryggan.message.CryptoCpu.values()) {
            String name = operation.name().toLowerCase(java.util.Locale.ROOT);
            io.micrometer.core.instrument.FunctionCounter.builder("bryggan_crypto_cpu_seconds", operation, o -> o.nanos() / 1e9)
                    .baseUnit("seconds").description("CPU used by XML signatures made or checked (one in eight timed)")
                    .tag("operation", name).register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder("bryggan_crypto_operations", operation, o -> o.calls())
                    .description("XML signatures made or checked").tag("operation", name).register(registry);
        }
        new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry);
        // counters without labels exist from the start, at zero: a dashboard shows 0, not "no data"
        for (String counter : List.of("bryggan_escalations", "bryggan_dead_lettered", "bryggan_reminders")) {
            Counter.builder(counter).register(registry);
        }
        // read from the depths scrape() refreshes first
        Gauge.builder("bryggan_open_follow_ups", depths, d -> d.getOrDefault(followUpQueue, 0L) + heldClocks.getAsLong())
                .description("follow-up and reminder clocks not yet due or stopped").register(registry);
    }

    /** A message came in through a door (accepted, resent or refused afterwards). */
    public void received(String channel) {
        Counter.builder("bryggan_received").tag("channel", channel).register(registry).increment();
    }

    /** One recipient's copy was committed to its queue. */
    public void delivered(String type, String recipientKind) {
        Counter.builder("bryggan_delivered").tag("type", type).tag("recipient", recipientKind).register(registry).increment();
    }

    public void accepted(String type, Duration took) {
        Counter.builder("bryggan_accepted").tag("type", type).register(registry).increment();
        latency.record(took);
    }

    public void resent(String type) {
        Counter.builder("bryggan_resent").tag("type", type).register(registry).increment();
    }

    /** A request refused RATE_LIMITED because its party had its share of requests in progress (party id or "other"). */
    public void rateLimited(String party) {
        Counter.builder("bryggan_rate_limited").tag("party", party).register(registry).increment();
    }

    public void refused(String code, Duration took) {
        Counter.builder("bryggan_refused").tag("code", code).register(registry).increment();
        latency.record(took);
        recent.add(code);
    }

    /** Refusals by code in the last hour (this instance), for the operators' first view. */
    public Map<String, Integer> refusalsInTheLastHour() {
        return recent.lastHour();
    }

    /** Counts per code in one-minute buckets, the last 60 kept: bounded whatever is refused. */
    private static final class RecentRefusals {
        private final java.util.TreeMap<Long, Map<String, Integer>> byMinute = new java.util.TreeMap<>();

        synchronized void add(String code) {
            long minute = System.currentTimeMillis() / 60_000;
            byMinute.computeIfAbsent(minute, m -> new java.util.HashMap<>()).merge(code, 1, Integer::sum);
            byMinute.headMap(minute - 60).clear();
        }

        synchronized Map<String, Integer> lastHour() {
            long minute = System.currentTimeMillis() / 60_000;
            Map<String, Integer> sum = new java.util.TreeMap<>();
            byMinute.tailMap(minute - 59).values().forEach(m -> m.forEach((code, n) -> sum.merge(code, n, Integer::sum)));
            return sum;
        }
    }

    /** A notice not confirmed in time was escalated to its kommun. */
    public void escalated() {
        Counter.builder("bryggan_escalations").register(registry).increment();
    }

    /** The broker gave up on a delivery and moved it to a dead-letter queue. */
    public void deadLettered() {
        Counter.builder("bryggan_dead_lettered").register(registry).increment();
    }

    /** A recipient was reminded of a date in a message (a grace period's end). */
    public void reminded() {
        Counter.builder("bryggan_reminders").register(registry).increment();
    }

    /**
     * CPU a station used on a request's thread (intake, trust, policy, transform, delivery): where
     * the gateway's time goes per message, for operators and the benchmark. Stations are few and
     * fixed by the code, so the label stays bounded.
     */
    public void stationCpu(String station, long nanos) {
        stationCpu.computeIfAbsent(station, s -> Counter.builder("bryggan_station_cpu_seconds").baseUnit("seconds")
                .description("CPU used by a station on request threads").tag("station", s).register(registry)).increment(nanos / 1e9);
    }

    /** CPU used so far by each station, in nanoseconds (read by the benchmark). */
    public Map<String, Long> stationCpu() {
        Map<String, Long> used = new java.util.TreeMap<>();
        stationCpu.forEach((station, counter) -> used.put(station, Math.round(counter.count() * 1e9)));
        return used;
    }

    /** The registry, for the broker's metrics to join. */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition, with queue depths fresh from the broker. */
    public String scrape() {
        refreshDepths();
        return registry.scrape();
    }

    private void refreshDepths() {
        if (System.currentTimeMillis() - depthsReadAt < 1000) {
            return;
        }
        queueDepths.get().forEach((queue, depth) -> {
            if (depths.put(queue, depth) == null) {
                Gauge.builder("bryggan_queue_depth", depths, d -> d.getOrDefault(queue, 0L))
                        .tag("queue", queue).register(registry);
            }
        });
        depthsReadAt = System.currentTimeMillis();
    }
}
