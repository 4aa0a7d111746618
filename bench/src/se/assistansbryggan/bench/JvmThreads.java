package se.assistansbryggan.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU used so far by the JVM's own native threads, by kind, read from Linux's
 * /proc/self/task: the JIT's compiler threads and the garbage collector's, which no Java API
 * reports (the compilation time the JVM reports is the compilations' elapsed time, many times
 * their CPU when the compiler threads wait for a core).
 */
final class JvmThreads {
    static final String JIT = "JIT compiler";
    static final String GC = "GC";
    static final String VM = "VM (safepoints, sweeper, other)";
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Linux counts thread CPU in clock ticks, 100 per second on every common configuration. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private JvmThreads() {}

    /** One native thread's kind and the CPU it has used so far. */
    record Used(String kind, long nanos) {}

    /** The JVM's native threads alive now, by thread id; empty where /proc is not there. */
    static Map<String, Used> cpu() {
        Map<String, Used> threads = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return threads;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String kind = kind(Files.readString(task.resolve("comm")).trim());
                    if (kind != null) {
                        threads.put(task.getFileName().toString(), new Used(kind, ticks(Files.readString(task.resolve("stat"))) * NANOS_PER_TICK));
                    }
                } catch (IOException ended) {
                    // the thread ended while it was being read
                }
            }
        } catch (IOException e) {
            return threads;
        }
        return threads;
    }

    /**
     * CPU used by kind between two readings, over the threads alive at the second (the JVM starts
     * and ends compiler threads as its queue grows and shrinks: one that ended took its CPU along).
     */
    static Map<String, Long> since(Map<String, Used> before, Map<String, Used> after) {
        Map<String, Long> byKind = new HashMap<>();
        after.forEach((id, now) -> {
            Used then = before.get(id);
            byKind.merge(now.kind(), now.nanos() - (then == null ? 0 : then.nanos()), Long::sum);
        });
        return byKind;
    }

    /** The kind of a native thread by its name, or null for a Java thread. */
    private static String kind(String name) {
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return GC;
        }
        if (name.equals("VM Thread") || name.equals("Sweeper thread") || name.startsWith("VM Periodic")) {
            return VM;
        }
        return null;
    }

    /** utime + stime from a /proc/…/stat line (fields 14 and 15, counted after the parenthesised name). */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
