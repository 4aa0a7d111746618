package se.assistansbryggan.message;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The CPU the XML signatures take where they run: each enveloped signature made
 * ({@link XmlSigner#sign}, canonicalisation and digest included) and each signature checked (the
 * trust station's {@code XmlSignatures.check}), in the thread's CPU time, among everything else
 * the process does at the time. The benchmark measures the same operations alone, warm, in one
 * thread (its crypto yardstick); this is what they cost inside the running gateway, for operators
 * ({@code bryggan_crypto_cpu_seconds}) and the benchmark's report. Process-wide: whatever signs in
 * this JVM counts (receipts and refusals, delivered copies, escalations and reminders, audit pages,
 * and the client library when it runs here, as in the tests). Each call is timed with a chance of
 * one in {@value #SAMPLED} and then counts {@value #SAMPLED} times: reading a thread's CPU clock is
 * a system call, and a fixed turn could always fall on the same kind of signature (a receipt and a
 * delivered copy alternate).
 */
public enum CryptoCpu {
    /** Signatures made. */
    SIGN,
    /**
     * Signatures checked: from the signature element found on; a document refused for having none,
     * several or one out of place is refused before (that search is not counted).
     */
    VERIFY;

    static final int SAMPLED = 8;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final LongAdder calls = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    /** Called as an operation begins: its thread's CPU clock when this call is timed, otherwise -1. */
    public long begin() {
        calls.increment();
        if (ThreadLocalRandom.current().nextInt(SAMPLED) != 0 || !THREADS.isCurrentThreadCpuTimeSupported()
                || !THREADS.isThreadCpuTimeEnabled()) {
            return -1;
        }
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Called as the operation that {@link #begin} answered ends, whether it succeeded or not. */
    public void end(long began) {
        if (began < 0) {
            return;
        }
        long now = THREADS.getCurrentThreadCpuTime();
        // -1 if the JVM's thread CPU timing was turned off meanwhile
        if (now >= began) {
            nanos.add(SAMPLED * (now - began));
        }
    }

    /** Operations begun so far. */
    public long calls() {
        return calls.sum();
    }

    /** Their CPU so far, in nanoseconds (estimated from the timed ones). */
    public long nanos() {
        return nanos.sum();
    }
}
