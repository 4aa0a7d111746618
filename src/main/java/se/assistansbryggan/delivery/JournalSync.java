package se.assistansbryggan.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Measures how long this disk takes to make a write durable, the way Artemis's own
 * {@code artemis create} sync test does, so the journal's buffer timeout can match the disk: a
 * timeout longer than a sync makes every blocking send wait for the timer (≈290 sends/s per
 * producer with the default 3.3 ms); one shorter than a sync gains nothing.
 */
public final class JournalSync {
    private JournalSync() {}

    /** Average nanoseconds per 4 KiB write + fsync in the directory, over about {@code millis}. */
    public static long measureNanos(Path dir, long millis) {
        Path file = dir.resolve(".sync-test");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.DSYNC)) {
                ByteBuffer block = ByteBuffer.allocateDirect(4096);
                long deadline = System.nanoTime() + millis * 1_000_000;
                long start = System.nanoTime();
                int writes = 0;
                while (writes < 20 || System.nanoTime() < deadline) {
                    block.clear();
                    channel.write(block, (long) (writes % 64) * 4096);
                    writes++;
                }
                return (System.nanoTime() - start) / writes;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot measure the journal disk in " + dir + ": " + e.getMessage(), e);
        }
    }
}
