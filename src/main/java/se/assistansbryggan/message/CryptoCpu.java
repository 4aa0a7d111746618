package se.assistansbryggan.message;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The CPU the gateway's own cryptography takes where it runs: each enveloped signature made
 * ({@link XmlSigner#sign}, canonicalisation and digest included) and each one checked (the trust
 * station's {@code XmlSignatures.check}), in the thread's CPU time, among everything else the
 * gateway does at the time. The benchmark measures the same operations alone, warm, in one thread
 * (its crypto yardstick); this is what they cost inside the running gateway, for operators
 * ({@code bryggan_crypto_cpu_seconds}) and the benchmark's report. One call in {@value #SAMPLED}
 * is metered and counts {@value #SAMPLED} times (the first always), as the stations are: reading
 * a thread's CPU clock is a system call.
 */
public enum CryptoCpu {
    /** Signatures made: receipts, delivered copies, escalations. */
    SIGN,
    /** Signatures checked: every message received. */
    VERIFY;

    static final int SAMPLED = 8;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean METERED = THREADS.isCurrentThreadCpuTimeSupported();
    private final AtomicLong calls = new AtomicLong();
    private final LongAdder nanos = new LongAdder();

    /** Called as an operation begins: its thread's CPU clock when this call is metered, otherwise -1. */
    public long begin() {
        return calls.getAndIncrement() % SAMPLED == 0 && METERED ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** Called as the operation that {@link #begin} answered ends, whether it succeeded or not. */
    public void end(long began) {
        if (began >= 0) {
            nanos.add(SAMPLED * (THREADS.getCurrentThreadCpuTime() - began));
        }
    }

    /** Operations begun so far. */
    public long calls() {
        return calls.get();
    }

    /** Their CPU so far, in nanoseconds (estimated from the metered ones). */
    public long nanos() {
        return nanos.sum();
    }
}
