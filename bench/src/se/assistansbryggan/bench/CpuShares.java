package se.assistansbryggan.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import se.assistansbryggan.message.CryptoCpu;
import se.assistansbryggan.metrics.GatewayMetrics;

/**
 * Where the CPU of a phase went: every live thread's CPU time by what the thread does (the
 * request threads split further into the stations the gateway meters on them), and the JVM's own
 * native threads (JIT compiler, GC) as what the process used beyond its Java threads.
 */
final class CpuShares {
    /** What a thread does, by its name; null for the load generator (senders, HTTP client, consumers, main, which drives them). */
    static String part(String thread) {
        if (thread.startsWith("bench-") || thread.startsWith("HttpClient-") || thread.equals("main")) {
            return null;
        }
        if (thread.startsWith("XNIO-") && thread.contains(" I/O-")) {
            return "door: HTTP/2 and TLS (I/O threads)";
        }
        if (thread.startsWith("XNIO-")) {
            return "request threads";
        }
        if (thread.contains("activemq")) {
            return "broker (journal, routing, delivery to consumers)";
        }
        if (thread.equals("audit-writer")) {
            return "audit (trail writer)";
        }
        return "other gateway threads (watchers, clocks, metrics)";
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> threadCpu;
    private final Map<String, Long> stations;
    private final long processCpu;
    private final Map<String, JvmThreads.Used> jvm;
    /** Signatures made and checked so far in this JVM, and their CPU in nanoseconds: {sign calls, sign CPU, verify calls, verify CPU}. */
    private final long[] crypto;

    private CpuShares(Map<Long, Long> threadCpu, Map<String, Long> stations, long processCpu, Map<String, JvmThreads.Used> jvm) {
        this.threadCpu = threadCpu;
        this.stations = stations;
        this.processCpu = processCpu;
        this.jvm = jvm;
        this.crypto = new long[] {CryptoCpu.SIGN.calls(), CryptoCpu.SIGN.nanos(), CryptoCpu.VERIFY.calls(), CryptoCpu.VERIFY.nanos()};
    }

    /**
     * The signatures made and checked since {@code before} (every signer in the process; during the
     * measured phases only the gateway signs), per accepted message and at what CPU each, and the
     * cryptography the yardstick counts (one verification, two signatures) at that cost.
     */
    Map<String, Object> cryptoSince(CpuShares before, int messages) {
        long signs = crypto[0] - before.crypto[0];
        long verifies = crypto[2] - before.crypto[2];
        double signMicros = signs == 0 ? 0 : (crypto[1] - before.crypto[1]) / 1e3 / signs;
        double verifyMicros = verifies == 0 ? 0 : (crypto[3] - before.crypto[3]) / 1e3 / verifies;
        Map<String, Object> used = new LinkedHashMap<>();
        used.put("signaturesPerMessage", Benchmark.round(signs / (double) Math.max(1, messages)));
        used.put("verificationsPerMessage", Benchmark.round(verifies / (double) Math.max(1, messages)));
        used.put("signatureMicros", Benchmark.round(signMicros));
        used.put("verificationMicros", Benchmark.round(verifyMicros));
        used.put("oneVerificationTwoSignaturesMs", signs == 0 || verifies == 0 ? 0 : Benchmark.round((verifyMicros + 2 * signMicros) / 1e3));
        return used;
    }

    static CpuShares now(GatewayMetrics metrics, long processCpu) {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            cpu.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        }
        return new CpuShares(cpu, metrics.stationCpu(), processCpu, JvmThreads.cpu());
    }

    /**
     * CPU ms per accepted message since {@code before}, by part ({@code endedGenerator}: what the
     * generator's threads that ended in the phase used in it, left out too): the stations on the request
     * threads, the rest of those threads (HTTP, CXF, Camel: the door), the other threads by kind,
     * and the JVM's own threads; the generator's are left out.
     */
    Map<String, Object> since(CpuShares before, int messages, long endedGenerator) {
        Map<String, Long> parts = new LinkedHashMap<>();
        long javaThreads = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(threadCpu.keySet().stream().mapToLong(Long::longValue).toArray())) {
            if (info == null) {
                continue;
            }
            long used = threadCpu.get(info.getThreadId()) - before.threadCpu.getOrDefault(info.getThreadId(), 0L);
            javaThreads += used;
            String part = part(info.getThreadName());
            if (part != null) {
                parts.merge(part, used, Long::sum);
            }
        }
        long stationsTotal = 0;
        for (Map.Entry<String, Long> station : stations.entrySet()) {
            long used = station.getValue() - before.stations.getOrDefault(station.getKey(), 0L);
            parts.put("station " + station.getKey(), used);
            stationsTotal += used;
        }
        parts.merge("request threads", -stationsTotal, Long::sum);
        parts.put("door: HTTP, CXF, Camel (request threads, outside the stations)", parts.remove("request threads"));
        long jvmThreads = 0;
        for (Map.Entry<String, Long> kind : JvmThreads.since(before.jvm, jvm).entrySet()) {
            parts.put("JVM: " + kind.getKey(), kind.getValue());
            jvmThreads += kind.getValue();
        }
        // threads that ended during the phase (compiler threads the JVM stopped) count here, and what /proc counts in
        // ticks and the JVM in nanoseconds differs by a little
        parts.put("JVM: the rest (threads that ended, rounding)",
                Math.max(0, processCpu - before.processCpu - javaThreads - jvmThreads - endedGenerator));
        Map<String, Object> perMessage = new LinkedHashMap<>();
        parts.entrySet().stream().filter(e -> e.getValue() != null).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> perMessage.put(e.getKey(), Benchmark.round(e.getValue() / 1e6 / Math.max(1, messages))));
        return perMessage;
    }
}
