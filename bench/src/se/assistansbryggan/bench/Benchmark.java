package se.assistansbryggan.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnector;
import org.apache.camel.util.FileUtil;
import org.apache.camel.util.json.Jsoner;
import se.assistansbryggan.app.Gateway;
import se.assistansbryggan.app.GatewayConfig;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.message.KeyMaterial;

/**
 * Drives signed messages over HTTPS with mutual TLS into a gateway with its embedded broker:
 * closed loop (maximum throughput) and open loop at a fixed rate (latency from the intended send
 * time, so coordinated omission is corrected). Reports the gateway against the limits measured in
 * the same run (durable sends, cryptography per message), checks every accepted message is on
 * its queue exactly once, and writes bench/results/report.{md,json} and latency.png.
 */
public final class Benchmark {
    static final Path CERTS = Path.of("certs-sample");
    static final char[] PASSWORD = "changeit".toCharArray();
    static final int SENDERS = Integer.getInteger("bench.senders", 32);
    static final int CLOSED_SECONDS = Integer.getInteger("bench.closed.seconds", 15);
    static final int OPEN_RATE = Integer.getInteger("bench.open.rate", 300);
    static final int OPEN_SECONDS = Integer.getInteger("bench.open.seconds", 10);
    /** Enough for the closed loop at 1,600/s and both open loops (the report says when the closed loop ran out). */
    static final int PRESIGNED = Integer.getInteger("bench.messages", CLOSED_SECONDS * 1_600 + 2 * OPEN_RATE * OPEN_SECONDS);
    /**
     * Reads how busy the JIT is: the CPU of its compiler threads (Linux), else the compilations'
     * elapsed time (an upper bound: a compilation waiting for a core counts as compiling).
     */
    record JitReading(Map<String, JvmThreads.Used> threads, long compilationMillis) {
        static JitReading now() {
            return new JitReading(JvmThreads.cpu(), ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
        }

        /** Nanoseconds the JIT used since {@code before}. */
        long since(JitReading before) {
            if (threads.isEmpty()) {
                return (compilationMillis - before.compilationMillis) * 1_000_000L;
            }
            // a compiler thread that started since has no reading before; one that ended is not counted (the JVM ends
            // them when their queue runs dry, so they had little left to do)
            return JvmThreads.since(before.threads, threads).getOrDefault(JvmThreads.JIT, 0L);
        }
    }

    /** The fewest messages the warm-up sends, however soon the JIT seems settled. */
    static final int WARM_UP = Integer.getInteger("bench.warmup", 10_000);
    static final int WARM_UP_SENDERS = Integer.getInteger("bench.warmup.senders", 8);
    /**
     * Long enough for the JIT to settle on a slow machine (seen here with two quiet windows asked: 131 s, then
     * more than 60 s at full load).
     */
    static final int WARM_UP_MAX_SECONDS = Integer.getInteger("bench.warmup.max.seconds", 180);
    static final int WARM_UP_FULL_MAX_SECONDS = Integer.getInteger("bench.warmup.full.max.seconds", 120);
    /**
     * Signed for the warm-up: enough for both stages at their caps as seen here (44,700 messages in the first
     * stage's 131 s, some 500/s in the second), held outside the heap (about 500 MB) until the warm-up ends.
     */
    static final int WARM_UP_MESSAGES = Integer.getInteger("bench.warmup.messages", 120_000);
    static final int JIT_WINDOW_SECONDS = 5;
    static final int JIT_SETTLED_PERCENT = 5;
    /** Consecutive windows the JIT must stay under {@link #JIT_SETTLED_PERCENT} for a stage to count as settled. */
    static final int JIT_QUIET_WINDOWS = 2;
    static final int TRANSFERS = Integer.getInteger("bench.transfers", 5_000);
    static final int RESENDS = Integer.getInteger("bench.resends", 20);
    static final int FAN_OUTS = Integer.getInteger("bench.fanouts", 5);
    private static final AtomicInteger SENDER_IDS = new AtomicInteger();
    /** The gateway's metrics, whose station counters say where its CPU went in each phase. */
    private static volatile se.assistansbryggan.metrics.GatewayMetrics gatewayMetrics;
    /** Named, so the load generator's CPU can be told from the gateway's. */
    static final java.util.concurrent.ThreadFactory SENDER_THREADS = r -> generatorThread(r, "bench-sender-" + SENDER_IDS.incrementAndGet());
    /**
     * The open loop's sends, each on one of as many threads as it may have requests open, sending as
     * the closed loop does. Not the HTTP client's sendAsync: on two cores the JDK completes each of
     * those on a thread of its own (CompletableFuture's thread-per-task default executor), 300 threads
     * a second started and ended, whose CPU no phase could give to the generator.
     */
    private static final ExecutorService OPEN_LOOP_SENDERS = Executors.newFixedThreadPool(2 * SENDERS, r -> {
        Thread thread = generatorThread(r, "bench-open-" + SENDER_IDS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    /** The CPU of the generator's threads that have ended: a phase's senders end before its CPU is read. */
    static final java.util.concurrent.atomic.LongAdder ENDED_GENERATOR_CPU = new java.util.concurrent.atomic.LongAdder();

    /** A thread of the load generator, which adds what it used to {@link #ENDED_GENERATOR_CPU} when it ends. */
    static Thread generatorThread(Runnable work, String name) {
        return new Thread(() -> {
            try {
                work.run();
            } finally {
                ENDED_GENERATOR_CPU.add(Math.max(0, ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()));
            }
        }, name);
    }

    public static void main(String[] args) throws Exception {
        Path out = Traffic.results();
        Path data = Files.createTempDirectory("bench-data");
        GatewayConfig config = GatewayConfig.load(Path.of("config/application.properties"), Map.of(
                "gateway.https.port", Integer.toString(freePort()), "gateway.data.dir", data.toString(),
                "gateway.broker.acceptor", "", "gateway.broker.certificate-acceptor", "", "gateway.operations.health-port", "0", "gateway.operations.console-port", "0",
                // the generator's senders may all be one party's (the open loop keeps up to two connections per sender
                // thread; the transfer is Malmö's alone): their share must not limit what is measured. The misbehaving
                // party (kommun-1480) keeps the default share.
                "gateway.https.in-flight-per-party.fk", Integer.toString(2 * SENDERS),
                "gateway.https.in-flight-per-party.kommun-0180", Integer.toString(2 * SENDERS),
                "gateway.https.in-flight-per-party.kommun-1280", Integer.toString(2 * SENDERS)));
        Map<String, Object> report = new LinkedHashMap<>();
        try {
            run(config, out, report);
        } finally {
            // the in-VM connector's shared pool keeps its idle (non-daemon) threads for a minute: without this the JVM
            // lingered that long after the report was written
            InVMConnector.resetThreadPool();
            // the broker's journal, pages and the audit trail of a run: hundreds of MB left in /tmp by every run otherwise
            FileUtil.removeDir(data.toFile());
        }
        Files.writeString(out.resolve("report.json"), Jsoner.prettyPrint(Jsoner.serialize(report)));
        String markdown = Markdown.of(report);
        Files.writeString(out.resolve("report.md"), markdown);
        System.out.println(markdown);
        System.out.println("written: " + out.toAbsolutePath() + "/report.md, report.json, latency.png");
    }

    @SuppressWarnings("unchecked")
    private static void run(GatewayConfig config, Path out, Map<String, Object> report) throws Exception {
        try (Gateway gateway = new Gateway(config, Clock.systemUTC()).start()) {
            gatewayMetrics = gateway.metrics();
            System.out.println("signing " + (WARM_UP_MESSAGES + PRESIGNED) + " messages of " + Traffic.MIX.stream().map(k -> k.type().name())
                    .distinct().toList() + " and " + TRANSFERS + " DECISION_TRANSFER ahead of time …");
            List<Traffic.Message> messages = Traffic.presign(PRESIGNED, Traffic.MIX);
            List<Traffic.Message> transfers = Traffic.presign(TRANSFERS,
                    List.of(new Traffic.Kind(se.assistansbryggan.message.MessageType.DECISION_TRANSFER, "kommun-1280")));
            // held by the generator outside the heap (direct buffers) during the measured phases
            report.put("presignedMB", (heldBytes(messages) + heldBytes(transfers)) / (1024 * 1024));
            Map<String, GatewayClient> clients = Traffic.clients(gateway, Set.of("fk", "kommun-0180", "kommun-1280"));
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            Consumers consumers = new Consumers(gateway, Traffic.QUEUES);
            AtomicInteger next = new AtomicInteger();
            // signed ahead like the rest (signing as it went took a third of a core from the gateway and the JIT);
            // dropped after the warm-up, so they do not count in the heap measured later
            List<Traffic.Message> warmUpMessages = Traffic.presign(WARM_UP_MESSAGES, Traffic.MIX);
            System.out.println("warming up until the JIT has settled (at most " + (WARM_UP_MAX_SECONDS + WARM_UP_FULL_MAX_SECONDS)
                    + " s) …");
            AtomicInteger warmUpNext = new AtomicInteger();
            Map<String, Object> warmUp = new LinkedHashMap<>();
            warmUp.put("gentle", warmUpStage(clients, warmUpMessages, warmUpNext, accepted, WARM_UP_SENDERS, WARM_UP_MAX_SECONDS, WARM_UP));
            // warm, before the measured phases fill the heap; each revocation's copies land on every queue, the
            // consumers' too, so its ids are left out of the exactly-once count (one id, many queues). Between the
            // warm-up's stages: its new paths made the JIT drop and recompile code the closed loop runs (seen: the
            // JIT settled at the end of the warm-up, then busy through the closed loop), the full stage settles it again
            Map<String, Object> fanOut = Traffic.fanOutToEveryKommun(gateway, FAN_OUTS);
            @SuppressWarnings("unchecked")
            Set<String> fanOutIds = new java.util.HashSet<>((List<String>) fanOut.remove("ids"));
            report.put("fanOutToEveryKommun", fanOut);
            warmUp.put("full", warmUpStage(clients, warmUpMessages, warmUpNext, accepted, SENDERS, WARM_UP_FULL_MAX_SECONDS, 0));
            report.put("warmUp", warmUp);
            // what the broker holds when the measured phases begin: its and the collector's cost per message grow with it,
            // and a longer warm-up leaves more (runs are comparable only at a like state)
            Map<String, Object> held = new LinkedHashMap<>();
            held.put("acceptedBefore", accepted.size());
            held.put("receiptsKept", se.assistansbryggan.delivery.Handoff.receiptQueues().stream()
                    .mapToLong(q -> Math.max(0, gateway.broker().depth(q))).sum());
            held.put("followUpClocksOpen", gateway.openFollowUps());
            held.put("followUpClocksScheduled", gateway.broker().depth(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS));
            held.put("receiptQueuesPaging", se.assistansbryggan.delivery.Handoff.receiptQueues().stream()
                    .filter(q -> paging(gateway, q)).count());
            held.put("followUpClocksPaging", paging(gateway, se.assistansbryggan.delivery.Handoff.FOLLOW_UPS));
            // the held days (HeldClocks): how many there are, and how many of them page
            var heldDays = gateway.broker().nonEmptyQueues().keySet().stream()
                    .filter(q -> q.startsWith(se.assistansbryggan.delivery.HeldClocks.PREFIX)).toList();
            held.put("heldClockDays", heldDays.size());
            held.put("heldClockDaysPaging", heldDays.stream().filter(q -> paging(gateway, q)).count());
            report.put("heldWhenMeasuringBegan", held);
            warmUpMessages = null;
            Histogram closed = closedLoop(clients, messages, next, accepted, report);
            // what the recipients' consumers had yet to read when the closed loop ended: if it grew, the
            // figure above is not one the broker can sustain with its consumers keeping up
            ((Map<String, Object>) report.get("closedLoop")).put("deliveriesNotYetReadAtTheEnd", unread(gateway));
            // the open loop measures latency at its rate, not the closed loop's aftermath: the consumers catch up first
            for (long until = System.nanoTime() + 10_000_000_000L; System.nanoTime() < until && unread(gateway) > 0; ) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            Histogram open = openLoop(clients, messages, next, accepted, report);
            report.put("whileOneMisbehaves", Misbehaving.during(gateway, () -> {
                Map<String, Object> stage = new LinkedHashMap<>();
                openLoop(clients, messages, next, accepted, stage, "wellBehaved");
                return stage;
            }));
            report.put("transfer2026", Traffic.transfer(clients, transfers, accepted));
            // the first messages of the closed loop were accepted; their receipts are the oldest kept
            report.put("resends", Traffic.resends(clients, messages, RESENDS));
            // measured last, warm: before the warm-up the JIT made them look lower, just before the closed loop
            // their own compilation ran into it
            report.put("limits", limits(gateway, transfers.get(0).body()));
            report.put("exactlyOnce", exactlyOnce(consumers, accepted, fanOutIds));
            consumers.close();
            ratios(report);
            LatencyPlot.write(Map.of("closed loop, " + SENDERS + " senders", closed, "open loop, " + OPEN_RATE + "/s", open),
                    out.resolve("latency.png"));
        }
    }

    private static Map<String, Object> limits(Gateway gateway, byte[] signedSample) throws Exception {
        KeyMaterial gatewayKey = KeyMaterial.fromPkcs12(CERTS.resolve("gateway-sign.p12"), PASSWORD);
        byte[] unsigned = Files.readAllBytes(Path.of("samples/withdrawal-notice.xml"));
        double signs = Limits.signsPerSecond(unsigned, gatewayKey, 1500);
        double verifies = Limits.verifiesPerSecond(signedSample, 1500);
        int cores = Runtime.getRuntime().availableProcessors();
        // per message the gateway verifies the sender's signature and signs the delivered document and the receipt
        double cryptoLimit = cores / (1 / verifies + 2 / signs);
        // the trade-off made: the same with an RSA-2048 gateway key (a sender's sample key), as the targets assumed
        double rsaSigns = Limits.signsPerSecond(unsigned, KeyMaterial.fromPkcs12(CERTS.resolve("fk.p12"), PASSWORD), 1500);
        double rsaCryptoLimit = cores / (1 / verifies + 2 / rsaSigns);
        double broker = Limits.durableSendsPerSecond(gateway.broker(), 16, 3, signedSample);
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("cores", cores);
        limits.put("signaturesPerSecondPerCore", round(signs));
        limits.put("verificationsPerSecondPerCore", round(verifies));
        limits.put("signaturesByGatewayPerMessage", 2);
        limits.put("cryptoLimitMessagesPerSecond", round(cryptoLimit));
        // what the cryptography of one message costs one core: the yardstick for the gateway's CPU per message
        limits.put("cryptoMsPerMessage", round(1000 * (1 / verifies + 2 / signs)));
        // reports from before 2026-12-02 (af59d94) timed it by the clock, each document parsed in the loop
        limits.put("cryptoMeasuredAs", "one thread's CPU time, each document parsed untimed just before");
        limits.put("rsa2048SignaturesPerSecondPerCore", round(rsaSigns));
        limits.put("cryptoLimitWithAnRsa2048GatewayKey", round(rsaCryptoLimit));
        limits.put("brokerDurableSendsPerSecond16Producers", round(broker));
        return limits;
    }

    /**
     * A warm-up stage: sends until the JIT has settled. The gateway's path runs through a lot of library code
     * (CXF, Camel, Artemis, Santuario, Xerces) and C2 keeps compiling it for a minute or more under
     * load (profiled: a quarter of the CPU), so a fixed count measured the compiler, not the
     * gateway. First with {@link #WARM_UP_SENDERS} senders: a saturated machine leaves the compiler
     * threads a small share of the CPU among dozens of busy workers, and they then take minutes.
     * Then with as many senders as the closed loop, whose contention takes paths of its own (seen:
     * a fifth of the CPU compiling in the closed loop after a settled first stage). Each stage
     * stops when the compiler threads used under {@value #JIT_SETTLED_PERCENT} % of a core in each of the
     * last {@value #JIT_QUIET_WINDOWS} windows of {@value #JIT_WINDOW_SECONDS} s, or at its time cap; the
     * report says which.
     */
    private static Map<String, Object> warmUpStage(Map<String, GatewayClient> clients, List<Traffic.Message> messages, AtomicInteger next,
            Set<String> accepted, int senderCount, int maxSeconds, int minMessages) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        int first = next.get();
        // the closed loop's own sender loop, latency recorder included: code the warm-up never ran was compiled in the
        // measured closed loop (seen: 0.1 to 0.4 ms of JIT per message after a warm-up that had settled)
        // no deadline of its own: the stage ends when the loop below sets stop
        ExecutorService senders = startSenders(senderCount, closedLoopSender(clients, messages, messages.size(), next, stop,
                System.nanoTime() + Long.MAX_VALUE / 2, new Recorder(3), accepted, new AtomicInteger(), new AtomicInteger()));
        long start = System.nanoTime();
        double jitPercent = 100;
        int quietWindows = 0;
        String end = "running";
        while (!stop.get()) {
            JitReading before = JitReading.now();
            long windowStart = System.nanoTime();
            TimeUnit.SECONDS.sleep(JIT_WINDOW_SECONDS);
            jitPercent = 100.0 * JitReading.now().since(before) / (System.nanoTime() - windowStart);
            quietWindows = jitPercent < JIT_SETTLED_PERCENT ? quietWindows + 1 : 0;
            // quiet over one window was sometimes a lull: C2 went on with the next method soon after
            if (quietWindows >= JIT_QUIET_WINDOWS && next.get() - first >= minMessages) {
                end = "settled";
            } else if (next.get() >= messages.size()) {
                end = "ran out of messages";
            } else if (System.nanoTime() - start > maxSeconds * 1_000_000_000L) {
                end = "time cap";
            }
            stop.set(!end.equals("running"));
        }
        senders.awaitTermination(1, TimeUnit.MINUTES);
        // every sender took one index it did not send when it saw the stop
        next.addAndGet(-senderCount);
        Map<String, Object> stage = new LinkedHashMap<>();
        stage.put("senders", senderCount);
        stage.put("messages", Math.min(next.get(), messages.size()) - first);
        stage.put("seconds", round((System.nanoTime() - start) / 1e9));
        stage.put("jitPercentOfOneCoreAtTheEnd", round(jitPercent));
        stage.put("quietWindowsAtTheEnd", quietWindows);
        stage.put("settled", end.equals("settled"));
        stage.put("ended", end);
        return stage;
    }

    /**
     * What a sender of the closed loop does (and of the warm-up, so the JIT has compiled the very code the
     * closed loop runs, its condition included): posts the next message, below {@code limit}, until
     * {@code stop} is set or {@code deadline} (a {@link System#nanoTime()}) has passed, and records its latency.
     */
    private static SenderLoop closedLoopSender(Map<String, GatewayClient> clients, List<Traffic.Message> messages, int limit,
            AtomicInteger next, java.util.concurrent.atomic.AtomicBoolean stop, long deadline, Recorder recorder, Set<String> accepted,
            AtomicInteger ok,
            AtomicInteger refused) {
        return () -> {
            for (int i = next.getAndIncrement(); i < limit && !stop.get() && System.nanoTime() - deadline < 0; i = next.getAndIncrement()) {
                long t0 = System.nanoTime();
                try {
                    record(post(clients, messages.get(i)), accepted, ok, refused);
                } catch (Exception e) {
                    refused.incrementAndGet();
                }
                recorder.recordValue(System.nanoTime() - t0);
            }
        };
    }

    private static Histogram closedLoop(Map<String, GatewayClient> clients, List<Traffic.Message> messages, AtomicInteger next, Set<String> accepted,
            Map<String, Object> report) throws Exception {
        System.out.println("closed loop: " + SENDERS + " senders for " + CLOSED_SECONDS + " s …");
        Recorder recorder = new Recorder(3);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long end = System.nanoTime() + CLOSED_SECONDS * 1_000_000_000L;
        Usage usage = Usage.start();
        long start = System.nanoTime();
        startSenders(SENDERS, closedLoopSender(clients, messages, messages.size() - OPEN_RATE * OPEN_SECONDS, next,
                new java.util.concurrent.atomic.AtomicBoolean(), end, recorder, accepted, ok, refused)).awaitTermination(5, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        // every sender took one index it did not send when it stopped
        next.addAndGet(-SENDERS);
        Histogram histogram = recorder.getIntervalHistogram();
        Map<String, Object> result = result(histogram, ok.get(), refused.get(), seconds, usage.stop());
        // then the figure is a floor: the gateway took all the generator had signed
        result.put("ranOutOfPresignedMessages", next.get() >= messages.size() - OPEN_RATE * OPEN_SECONDS);
        report.put("closedLoop", result);
        return histogram;
    }

    private static Histogram openLoop(Map<String, GatewayClient> clients, List<Traffic.Message> messages, AtomicInteger next, Set<String> accepted,
            Map<String, Object> report) throws Exception {
        return openLoop(clients, messages, next, accepted, report, "openLoop");
    }

    /** The open loop at {@link #OPEN_RATE} for {@link #OPEN_SECONDS}, its result under {@code key}. */
    static Histogram openLoop(Map<String, GatewayClient> clients, List<Traffic.Message> messages, AtomicInteger next, Set<String> accepted,
            Map<String, Object> report, String key) throws Exception {
        System.out.println("open loop: " + OPEN_RATE + " messages/s for " + OPEN_SECONDS + " s …");
        Recorder recorder = new Recorder(3);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        Usage usage = Usage.start();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / OPEN_RATE;
        // a sender keeps a bounded pool of connections, as real ones do; waiting for one counts as latency
        java.util.concurrent.Semaphore connections = new java.util.concurrent.Semaphore(2 * SENDERS);
        for (int n = 0; n < OPEN_RATE * OPEN_SECONDS; n++) {
            long intended = start + n * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int i = next.getAndIncrement();
            if (i >= messages.size()) {
                break;
            }
            connections.acquire();
            Traffic.Message message = messages.get(i);
            inFlight.add(CompletableFuture.runAsync(() -> {
                try {
                    String answer = post(clients, message);
                    recorder.recordValue(System.nanoTime() - intended);
                    record(answer, accepted, ok, refused);
                } catch (Exception failure) {
                    recorder.recordValue(System.nanoTime() - intended);
                    refused.incrementAndGet();
                } finally {
                    connections.release();
                }
            }, OPEN_LOOP_SENDERS));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram histogram = recorder.getIntervalHistogram();
        report.put(key, result(histogram, ok.get(), refused.get(), seconds, usage.stop()));
        return histogram;
    }

    /** What each sender thread does until its messages or its time run out. */
    interface SenderLoop {
        void run() throws Exception;
    }

    /** Starts {@code count} sender threads running the same loop; the pool returned is already shut down. */
    static ExecutorService startSenders(int count, SenderLoop loop) {
        ExecutorService senders = Executors.newFixedThreadPool(count, SENDER_THREADS);
        for (int s = 0; s < count; s++) {
            senders.submit(() -> {
                loop.run();
                return null;
            });
        }
        senders.shutdown();
        return senders;
    }

    /** Whether the broker pages the address of this name to disk (its messages beyond its share of memory). */
    private static boolean paging(Gateway gateway, String address) {
        try {
            var store = gateway.broker().server().getPagingManager()
                    .getPageStore(org.apache.activemq.artemis.api.core.SimpleString.of(address));
            return store != null && store.isPaging();
        } catch (Exception e) {
            throw new IllegalStateException("cannot ask the broker whether " + address + " pages", e);
        }
    }

    /** Deliveries on the recipients' queues the consumers have not read yet. */
    private static long unread(Gateway gateway) {
        return Traffic.QUEUES.stream().mapToLong(q -> gateway.broker().depth(q)).sum();
    }

    static String post(Map<String, GatewayClient> clients, Traffic.Message message) throws Exception {
        return clients.get(message.sender()).post(message.body()).body();
    }

    static void record(String receipt, Set<String> accepted, AtomicInteger ok, AtomicInteger refused) {
        if (receipt.contains("<Status>ACCEPTED</Status>")) {
            int at = receipt.indexOf("<MeddelandeId>") + "<MeddelandeId>".length();
            accepted.add(receipt.substring(at, at + 36));
            ok.incrementAndGet();
        } else {
            refused.incrementAndGet();
        }
    }

    private static Map<String, Object> exactlyOnce(Consumers consumers, Set<String> accepted, Set<String> fanOuts) throws Exception {
        System.out.println("checking that every accepted message was read from its queue exactly once …");
        Map<String, Integer> seen = new java.util.HashMap<>(consumers.finish());
        seen.keySet().removeAll(fanOuts);
        long missing = accepted.stream().filter(id -> !seen.containsKey(id)).count();
        long doubled = seen.values().stream().filter(n -> n > 1).count();
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("accepted", accepted.size());
        check.put("onQueue", seen.size());
        check.put("missing", missing);
        check.put("deliveredTwice", doubled);
        check.put("ok", missing == 0 && doubled == 0);
        return check;
    }

    @SuppressWarnings("unchecked")
    private static void ratios(Map<String, Object> report) {
        Map<String, Object> limits = (Map<String, Object>) report.get("limits");
        Map<String, Object> closed = (Map<String, Object>) report.get("closedLoop");
        double throughput = ((Number) closed.get("acceptedPerSecond")).doubleValue();
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("ofCryptoLimit", round(throughput / ((Number) limits.get("cryptoLimitMessagesPerSecond")).doubleValue()));
        ratios.put("ofCryptoLimitWithAnRsa2048GatewayKey",
                round(throughput / ((Number) limits.get("cryptoLimitWithAnRsa2048GatewayKey")).doubleValue()));
        // the gateway's CPU per message in multiples of the cryptography it must do per message (target: at most 3)
        ratios.put("gatewayCpuPerMessageInCryptoPerMessage", round(((Number) closed.get("gatewayCpuMsPerMessage")).doubleValue()
                / ((Number) limits.get("cryptoMsPerMessage")).doubleValue()));
        // the same against the cryptography as the gateway did it in the closed loop (measured apart from the yardstick: what
        // it costs there, with the broker, the HTTPS door and the rest sharing the cores and their caches)
        double inSitu = ((Number) ((Map<String, Object>) closed.get("cryptoInSitu")).get("oneVerificationTwoSignaturesMs")).doubleValue();
        ratios.put("gatewayCpuPerMessageInCryptoInSitu", inSitu == 0 ? 0 : round(((Number) closed.get("gatewayCpuMsPerMessage")).doubleValue() / inSitu));
        ratios.put("ofBrokerLimit", round(throughput / ((Number) limits.get("brokerDurableSendsPerSecond16Producers")).doubleValue()));
        report.put("ratios", ratios);
    }

    private static Map<String, Object> result(Histogram h, int ok, int refused, double seconds, Map<String, Object> usage) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("accepted", ok);
        r.put("notAccepted", refused);
        r.put("seconds", round(seconds));
        r.put("acceptedPerSecond", round(ok / seconds));
        r.put("p50ms", ms(h.getValueAtPercentile(50)));
        r.put("p95ms", ms(h.getValueAtPercentile(95)));
        r.put("p99ms", ms(h.getValueAtPercentile(99)));
        r.put("maxMs", ms(h.getMaxValue()));
        long gatewayCpu = (Long) usage.remove("gatewayCpuNanos");
        @SuppressWarnings("unchecked")
        var shares = (java.util.function.IntFunction<Map<String, Object>>) usage.remove("cpuShares");
        @SuppressWarnings("unchecked")
        var crypto = (java.util.function.IntFunction<Map<String, Object>>) usage.remove("cryptoInSitu");
        r.putAll(usage);
        r.put("gatewayCpuMsPerMessageBy", shares.apply(ok));
        double perMessage = ok == 0 ? 0 : gatewayCpu / 1e6 / ok;
        r.put("gatewayCpuMsPerMessage", round(perMessage));
        // the signatures as the gateway made and checked them in this phase, among everything else it does: the yardstick's
        // cryptography (limits) at what each operation cost here
        r.put("cryptoInSitu", crypto.apply(ok));
        // the gateway alone on this machine's cores, were the generator elsewhere
        r.put("gatewayOnlyProjectedPerSecond", perMessage == 0 ? 0 : round(Runtime.getRuntime().availableProcessors() * 1000 / perMessage));
        return r;
    }

    /**
     * CPU used over one phase: by the whole process, and by the load generator's own threads (the
     * senders and the HTTP client's), so the gateway's share per message can be told apart; and the
     * heap (peak, and what the last collection left).
     */
    private record Usage(long cpuNanos, long wallNanos, Map<Long, Long> threadCpu, long endedGenerator, JitReading jit, long gcMillis,
            CpuShares shares) {
        static Usage start() {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            long cpu = cpu();
            return new Usage(cpu, System.nanoTime(), generatorThreads(), ENDED_GENERATOR_CPU.sum(), JitReading.now(), gc(),
                    CpuShares.now(gatewayMetrics, cpu));
        }

        Map<String, Object> stop() {
            long cpuNow = cpu();
            CpuShares end = CpuShares.now(gatewayMetrics, cpuNow);
            long total = cpuNow - cpuNanos;
            Map<Long, Long> generatorNow = generatorThreads();
            long generator = 0;
            for (Map.Entry<Long, Long> now : generatorNow.entrySet()) {
                generator += now.getValue() - threadCpu.getOrDefault(now.getKey(), 0L);
            }
            // the generator's threads that ended in the phase: all they used, less what they had used before it
            long ended = ENDED_GENERATOR_CPU.sum() - endedGenerator;
            for (Map.Entry<Long, Long> then : threadCpu.entrySet()) {
                if (!generatorNow.containsKey(then.getKey())) {
                    ended -= then.getValue();
                }
            }
            generator += Math.max(0, ended);
            long endedInPhase = Math.max(0, ended);
            double busy = total / (double) (System.nanoTime() - wallNanos) / Runtime.getRuntime().availableProcessors();
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            // what the last collection left: the live set, the steady-state need, not the garbage between collections
            long live = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getCollectionUsage() == null ? 0 : p.getCollectionUsage().getUsed()).sum();
            Map<String, Object> usage = new LinkedHashMap<>();
            double wallMillis = (System.nanoTime() - wallNanos) / 1e6;
            usage.put("cpuPercent", round(busy * 100));
            // the compiler still at work means the figure is not yet the steady state
            usage.put("jitPercentOfCpu", round(100 * JitReading.now().since(jit) / 1e6 / wallMillis / Runtime.getRuntime().availableProcessors()));
            usage.put("gcPercentOfTime", round(100 * (gc() - gcMillis) / wallMillis));
            usage.put("generatorShareOfCpuPercent", round(100.0 * generator / Math.max(1, total)));
            usage.put("gatewayCpuNanos", total - generator);
            usage.put("cryptoInSitu", (java.util.function.IntFunction<Map<String, Object>>) messages -> end.cryptoSince(shares, messages));
            usage.put("cpuShares", (java.util.function.IntFunction<Map<String, Object>>) messages -> end.since(shares, messages, endedInPhase));
            usage.put("peakHeapMB", peak / (1024 * 1024));
            usage.put("heapAfterGcMB", live / (1024 * 1024));
            usage.put("maxHeapMB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
            return usage;
        }

        private static long gc() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
        }

        private static long cpu() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }

        /** CPU time so far of every live thread of the load generator, by thread id. */
        private static Map<Long, Long> generatorThreads() {
            java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpu = new java.util.HashMap<>();
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && CpuShares.part(info.getThreadName()) == null) {
                    cpu.put(info.getThreadId(), Math.max(0, threads.getThreadCpuTime(info.getThreadId())));
                }
            }
            return cpu;
        }
    }

    /** What a list of presigned messages occupies outside the heap: each body's bytes. */
    private static long heldBytes(List<Traffic.Message> messages) {
        return messages.stream().mapToLong(Traffic.Message::length).sum();
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6);
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
