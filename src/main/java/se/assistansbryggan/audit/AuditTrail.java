package se.assistansbryggan.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.camel.util.json.Jsoner;
import se.assistansbryggan.message.Hmac;
import se.assistansbryggan.message.Personnummer;

/**
 * The append-only, hash-chained audit trail: one JSON line per event, each ending with a MAC
 * (HMAC-SHA256 with the configured secret) over the line and the previous line's MAC. Changing,
 * removing or reordering a line breaks the chain at that line, which {@link #verify} reports.
 * Personal numbers appear only as a keyed hash, never in clear text.
 */
public final class AuditTrail {
    private static final String MAC_FIELD = ",\"mac\":\"";
    private static final String GENESIS = "0".repeat(64);

    private final Path file;
    private final byte[] secret;
    private final Clock clock;
    /** Guarded by this: the chain so far, and the lines chained but not yet written. */
    private long sequence;
    private String previousMac;
    private final StringBuilder pending = new StringBuilder();
    /** Guarded by {@link #writing}: the last sequence number known to be on disk. */
    private final Object writing = new Object();
    private long durable;

    public AuditTrail(Path file, byte[] secret, Clock clock) {
        this.file = file;
        this.secret = secret.clone();
        this.clock = clock;
        resume();
    }

    /** One event to record: its name and fields. */
    public record Event(String name, Map<String, Object> fields) {}

    /** Appends one event; fields with null values are left out. */
    public void record(String event, Map<String, Object> fields) {
        recordAll(List.of(new Event(event, fields)));
    }

    /**
     * Appends events in order and returns once they are on disk. Concurrent callers share disk
     * syncs (group commit): each chains its lines under a short lock, then whoever holds the
     * write lock writes and syncs everything chained so far, its own lines and those of the
     * callers queued behind it, which then find theirs already durable. One sync no longer
     * serialises every message behind it.
     */
    public void recordAll(List<Event> events) {
        long mine;
        synchronized (this) {
            long seq = sequence;
            String mac = previousMac;
            for (Event event : events) {
                String body = body(event, ++seq, mac);
                mac = mac(mac, body);
                pending.append(body).append(MAC_FIELD).append(mac).append("\"}\n");
            }
            sequence = seq;
            previousMac = mac;
            mine = seq;
        }
        synchronized (writing) {
            if (durable >= mine) {
                return;
            }
            String batch;
            long last;
            synchronized (this) {
                batch = pending.toString();
                pending.setLength(0);
                last = sequence;
            }
            try {
                Files.writeString(file, batch, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            } catch (IOException e) {
                synchronized (this) {
                    // kept for the next writer, in order: the chain already counts these lines
                    pending.insert(0, batch);
                }
                throw new IllegalStateException("the audit trail cannot be written: " + e.getMessage(), e);
            }
            durable = last;
        }
    }

    private String body(Event event, long seq, String previous) {
        Map<String, Object> entry = new TreeMap<>();
        event.fields().forEach((k, v) -> {
            if (v != null) {
                entry.put(k, v instanceof Personnummer p ? personHash(p) : v);
            }
        });
        entry.put("seq", seq);
        entry.put("time", Instant.now(clock).toString());
        entry.put("event", event.name());
        entry.put("prev", previous);
        String body = Jsoner.serialize(entry);
        return body.substring(0, body.length() - 1);
    }

    /** The keyed hash a personal number is recorded as: the same person always gets the same value. */
    public String personHash(Personnummer person) {
        return "hmac:" + Hmac.sha256Hex(secret, "person:" + person.twelveDigits()).substring(0, 32);
    }

    /** The number of the first line whose link is broken, or empty when the whole trail verifies. */
    public static Optional<Integer> verify(Path file, byte[] secret) throws IOException {
        String previous = GENESIS;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int at = line.lastIndexOf(MAC_FIELD);
            if (at < 0 || !line.endsWith("\"}")) {
                return Optional.of(i + 1);
            }
            String body = line.substring(0, at);
            String claimed = line.substring(at + MAC_FIELD.length(), line.length() - 2);
            if (!body.contains("\"prev\":\"" + previous + "\"") || !Hmac.sha256Hex(secret, previous + "\n" + body).equals(claimed)) {
                return Optional.of(i + 1);
            }
            previous = claimed;
        }
        return Optional.empty();
    }

    private String mac(String previous, String body) {
        return Hmac.sha256Hex(secret, previous + "\n" + body);
    }

    private void resume() {
        previousMac = GENESIS;
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                return;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (!lines.isEmpty()) {
                String last = lines.get(lines.size() - 1);
                previousMac = last.substring(last.lastIndexOf(MAC_FIELD) + MAC_FIELD.length(), last.length() - 2);
                sequence = lines.size();
                durable = sequence;
            }
        } catch (IOException e) {
            throw new IllegalStateException("the audit trail cannot be opened: " + e.getMessage(), e);
        }
    }
}
