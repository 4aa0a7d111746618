package se.assistansbryggan.operations;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker as health checks and metrics see it, kept fresh in the background over one
 * management connection of its own: whatever the broker does (a primary killed, a backup not yet
 * live, nothing answering), {@code /health/ready} and {@code /metrics} read the last sample and
 * answer at once. The broker counts as answering while its last answer is recent. Asking is cheap
 * (one request); queue depths, which take requests per queue and touch every queue, are sampled
 * only while someone scrapes them, so an unscraped gateway does not load its broker.
 */
public final class BrokerWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerWatch.class);
    private static final long ANSWER_WAIT_SECONDS = 6;
    private final BrokerManagement management;
    private final Duration every;
    private final Duration stale;
    private final Clock clock;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "broker-watch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Map<String, Long> depths = Map.of();
    private volatile Instant lastAnswer;
    private volatile Instant depthsAt;
    private final java.util.concurrent.atomic.AtomicBoolean depthsAsked = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param management a management client for this watch alone (its requests wait on each other)
     * @param every how often the broker is asked
     */
    public BrokerWatch(BrokerManagement management, Duration every, Clock clock) {
        this.management = management;
        this.every = every;
        // a slow sample is not a dead broker: each of its requests is answered, or failed, within 5 s
        this.stale = every.multipliedBy(3).plusSeconds(6);
        this.clock = clock;
    }

    private java.util.function.LongSupplier heldClocks = () -> 0;

    /** Counts the open clocks held for later days with the scheduled ones (their queues' depths count stopped ones too). */
    public BrokerWatch countingHeldClocks(java.util.function.LongSupplier heldClocks) {
        this.heldClocks = heldClocks;
        return this;
    }

    public BrokerWatch start() {
        sampler.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One point of the last hour's history: messages waiting for their recipients, dead letters, open clocks. */
    public record Point(Instant at, long waiting, long deadLetters, long followUps) {}

    /** Guarded by itself: the points of the last hour, oldest first. */
    private final java.util.ArrayDeque<Point> history = new java.util.ArrayDeque<>();

    /** Also keeps a point of queue depths this often, for the console's last hour (one listing of the queues each time). */
    public BrokerWatch keepingHistory(Duration often) {
        sampler.scheduleWithFixedDelay(this::samplePoint, 0, often.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * A point from a few requests, not one per queue (290 kommuner have some thousand queues): the
     * broker's total, less what is not waiting for a recipient (dead letters, expired, the
     * gateway's own queues, clients' reply queues), each of those asked for by name.
     */
    private void samplePoint() {
        try {
            Object[] names = management.queueNames();
            long total = management.totalMessageCount();
            long dead = 0;
            long notWaiting = 0;
            long followUps = 0;
            for (Object o : names) {
                String name = o.toString();
                boolean waiting = !name.startsWith("DLQ.") && !name.startsWith("EXP.") && !name.startsWith("gateway.")
                        && !name.startsWith("activemq.") && !name.startsWith("$") && !TEMPORARY.matcher(name).matches();
                if (waiting) {
                    continue;
                }
                long depth;
                try {
                    depth = management.depth(name);
                } catch (IllegalStateException goneMeanwhile) {
                    continue;
                }
                notWaiting += depth;
                if (name.startsWith("DLQ.")) {
                    dead += depth;
                } else if (name.equals(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS)) {
                    followUps = depth;
                }
            }
            Point point = new Point(clock.instant(), Math.max(0, total - notWaiting), dead, followUps + heldClocks.getAsLong());
            lastAnswer = point.at();
            synchronized (history) {
                history.addLast(point);
                while (!history.isEmpty() && history.peekFirst().at().isBefore(point.at().minus(Duration.ofHours(1)))) {
                    history.removeFirst();
                }
            }
        } catch (Exception e) {
            // the broker did not answer: a gap in the chart, not a zero
            LOG.debug("the broker did not answer for the history: {}", e.getMessage());
        }
    }

    private static final java.util.regex.Pattern TEMPORARY =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The last hour's points, oldest first. */
    public java.util.List<Point> lastHour() {
        synchronized (history) {
            return java.util.List.copyOf(history);
        }
    }

    private void sample() {
        try {
            management.queueNames();
            lastAnswer = clock.instant();
        } catch (Exception e) {
            LOG.debug("the broker did not answer the watch: {}", e.getMessage());
        }
    }

    private void sampleDepths() {
        try {
            Map<String, Long> now = new LinkedHashMap<>();
            management.queues().forEach(q -> now.put(q.name(), q.depth()));
            depths = Map.copyOf(now);
            depthsAt = clock.instant();
            lastAnswer = depthsAt;
        } catch (Exception e) {
            LOG.debug("the broker did not answer for queue depths: {}", e.getMessage());
        } finally {
            depthsAsked.set(false);
        }
    }

    /** True while the broker's last answer is recent. */
    public boolean brokerAnswers() {
        Instant last = lastAnswer;
        return last != null && last.isAfter(clock.instant().minus(stale));
    }

    /** Every queue's depth at the last sample; a sample older than the watch's period is asked for anew, in the background. */
    public Map<String, Long> depths() {
        Instant at = depthsAt;
        if ((at == null || at.isBefore(clock.instant().minus(every))) && depthsAsked.compareAndSet(false, true)) {
            sampler.execute(this::sampleDepths);
        }
        return depths;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(ANSWER_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        management.close();
    }
}
