package se.assistansbryggan.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import se.assistansbryggan.message.Hmac;
import se.assistansbryggan.message.Personnummer;

/**
 * The append-only, hash-chained audit trail of one gateway instance: one JSON line per event,
 * each ending with a MAC (HMAC-SHA256 with the configured secret) over the line and the previous
 * line's MAC. Changing, removing or reordering a line breaks the chain at that line; signed
 * {@link Checkpoint}s, kept also outside the file, make deleting the newest lines or the whole
 * file visible. A chain is named by its first line's MAC and begins with CHAIN_STARTED, which
 * names the instance. Personal numbers appear only as a keyed hash, never in clear text.
 *
 * <p>Opening checks the tail: a torn last line (a write the process did not finish) is cut off
 * and the cut recorded; any other break, or a trail shorter than its newest checkpoint, stops the
 * opening ({@link Broken}) until an operator starts a new chain ({@value #NEW_CHAIN_REQUEST}).
 */
public final class AuditTrail {
    public static final String CHECKPOINT = "CHECKPOINT";
    public static final String CHAIN_STARTED = "CHAIN_STARTED";
    /** Beside the trail: an operator's request to set a broken trail aside and start a new chain. */
    public static final String NEW_CHAIN_REQUEST = "new-chain-request.json";
    private static final String MAC_FIELD = ",\"mac\":\"";
    private static final String GENESIS = "0".repeat(64);
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private static final Pattern SRC = Pattern.compile("\"src\":\"([^\"]+)\"");
    /** The most of a trail's end read into memory at once; beyond it a search reads the file through. */
    private static final long MAX_TAIL = 64L * 1024 * 1024;

    private final Path file;
    private final Path checkpointFile;
    private final byte[] secret;
    private final Clock clock;
    private final String instance;
    /** Guarded by this: the chain so far, and the lines chained but not yet written. */
    private String chain;
    private boolean startedByOperator;
    private long sequence;
    private String previousMac;
    private final StringBuilder pending = new StringBuilder();
    /** Guarded by this: bumped when a write failed and the lines chained after the last synced one were dropped. */
    private int generation;
    /** Guarded by {@link #writing}: the last line known to be on disk, its MAC, and the file's length up to it. */
    private final Object writing = new Object();
    private long durable;
    private String durableMac;
    private long durableLength;

    /** Thrown when the trail cannot be continued without an operator's decision. */
    public static final class Broken extends IllegalStateException {
        public Broken(Path file, String problem) {
            super("the audit trail " + file + " is broken: " + problem + ". It is not continued: restore it, or set it aside"
                    + " and start a new chain with ./bryggan audit-new-chain --reason \"…\"");
        }
    }

    public AuditTrail(Path file, byte[] secret, Clock clock) {
        this(file, secret, clock, "");
    }

    public AuditTrail(Path file, byte[] secret, Clock clock, String instance) {
        this.file = file;
        this.checkpointFile = checkpointFileOf(file);
        this.secret = secret.clone();
        this.clock = clock;
        this.instance = instance;
        open();
    }

    /** Where the newest checkpoint of a trail is kept beside it. */
    public static Path checkpointFileOf(Path trail) {
        return trail.resolveSibling(trail.getFileName() + ".checkpoint.json");
    }

    /** One event to record: its name and fields. */
    public record Event(String name, Map<String, Object> fields) {}

    /** A line of the trail: its number and its MAC. */
    public record Position(long seq, String mac) {}

    /** Appends one event; fields with null values are left out. */
    public void record(String event, Map<String, Object> fields) {
        recordAll(List.of(new Event(event, fields)));
    }

    /**
     * Appends events in order and returns once they are on disk. Concurrent callers share disk
     * syncs (group commit): each chains its lines under a short lock, then whoever holds the
     * write lock writes and syncs everything chained so far, its own lines and those of the
     * callers queued behind it, which then find theirs already durable.
     */
    public Position recordAll(List<Event> events) {
        Position mine;
        int chained;
        synchronized (this) {
            for (Event event : events) {
                append(event);
            }
            mine = new Position(sequence, previousMac);
            chained = generation;
        }
        flush(chained, mine.seq());
        return mine;
    }

    /**
     * Appends a CHECKPOINT signed with the gateway's key, and once it is on disk keeps it beside
     * the trail too; returns it, for the caller to keep elsewhere as well (the broker).
     */
    public Checkpoint checkpoint(PrivateKey key) {
        Checkpoint checkpoint;
        int chained;
        synchronized (this) {
            String time = Instant.now(clock).toString();
            checkpoint = Checkpoint.sign(instance, chain, sequence + 1, previousMac, time, key);
            Map<String, Object> fields = checkpoint.lineFields();
            fields.put("time", time);
            append(new Event(CHECKPOINT, fields));
            chained = generation;
        }
        flush(chained, checkpoint.seq());
        synchronized (writing) {
            try {
                Path next = checkpointFile.resolveSibling(checkpointFile.getFileName() + ".next");
                Files.writeString(next, checkpoint.toJson(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
                Files.move(next, checkpointFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new IllegalStateException("the audit checkpoint cannot be kept beside the trail: " + e.getMessage(), e);
            }
        }
        return checkpoint;
    }

    /** The newest line chained (written, or being written by a caller of {@link #recordAll}). */
    public synchronized Position end() {
        return new Position(sequence, previousMac);
    }

    /** The newest line known to be on disk. */
    public Position durableEnd() {
        synchronized (writing) {
            return new Position(durable, durableMac);
        }
    }

    /** The chain's name: its first line's MAC. */
    public synchronized String chain() {
        return chain;
    }

    public String instance() {
        return instance;
    }

    /** True when this start began a new chain on an operator's request (after a broken trail). */
    public synchronized boolean startedByOperator() {
        return startedByOperator;
    }

    public Path file() {
        return file;
    }

    /**
     * Events made portable, to travel through the broker before they are written: in order, with
     * the time they happened and personal numbers already replaced by their keyed hash.
     */
    public String encode(List<Event> events) {
        JsonArray out = new JsonArray();
        String now = Instant.now(clock).toString();
        for (Event event : events) {
            Map<String, Object> entry = new TreeMap<>();
            event.fields().forEach((k, v) -> {
                if (v != null) {
                    entry.put(k, v instanceof Personnummer p ? personHash(p) : v);
                }
            });
            entry.putIfAbsent("time", now);
            entry.put("event", event.name());
            out.add(entry);
        }
        return Jsoner.serialize(out);
    }

    /** The events {@link #encode} made, each marked with the source it came from and its place there ({@code src}). */
    public static List<Event> decode(String encoded, String source) {
        try {
            List<Event> events = new ArrayList<>();
            JsonArray all = (JsonArray) Jsoner.deserialize(encoded);
            for (int i = 0; i < all.size(); i++) {
                Map<String, Object> fields = new HashMap<>((JsonObject) all.get(i));
                String name = String.valueOf(fields.remove("event"));
                // each event its own source: a batch cut in the middle of a message's events leaves the rest to write
                fields.put("src", source + "#" + i);
                events.add(new Event(name, fields));
            }
            return events;
        } catch (org.apache.camel.util.json.DeserializationException | ClassCastException e) {
            throw new IllegalArgumentException("not encoded audit events: " + e.getMessage(), e);
        }
    }

    /** The MAC of line {@code seq}, if the file has it. */
    public Optional<String> macAt(long seq) {
        return lineAt(file, seq).map(AuditTrail::macOf);
    }

    /** The sources ({@code src}) of the lines after line {@code seq}: events already written. */
    public Set<String> sourcesAfter(long seq) {
        try {
            Set<String> sources = new HashSet<>();
            for (String line : linesFrom(file, seq)) {
                Matcher src = SRC.matcher(line);
                if (seqOf(line) > seq && src.find()) {
                    sources.add(src.group(1));
                }
            }
            return sources;
        } catch (IOException e) {
            throw new IllegalStateException("the audit trail cannot be read: " + e.getMessage(), e);
        }
    }

    /** The keyed hash a personal number is recorded as: the same person always gets the same value. */
    public String personHash(Personnummer person) {
        return personHash(secret, person);
    }

    public static String personHash(byte[] secret, Personnummer person) {
        return "hmac:" + Hmac.sha256Hex(secret, "person:" + person.twelveDigits()).substring(0, 32);
    }

    private void append(Event event) {
        long seq = sequence + 1;
        String body = body(event, seq, previousMac);
        String mac = mac(previousMac, body);
        pending.append(body).append(MAC_FIELD).append(mac).append("\"}\n");
        sequence = seq;
        previousMac = mac;
        if (seq == 1) {
            chain = mac;
        }
    }

    /**
     * Writes and syncs everything chained so far, unless a caller already did. A failed write takes
     * the file back to its last synced line and drops the lines chained after it (their callers get
     * the failure too): nothing half-written stays in the middle of the trail, and events that come
     * again (the broker redelivers them) are chained anew, once.
     */
    private void flush(int chained, long mine) {
        synchronized (writing) {
            String batch;
            long last;
            String lastMac;
            synchronized (this) {
                if (chained != generation) {
                    throw new IllegalStateException("the audit trail could not be written; these events were not recorded");
                }
                if (durable >= mine) {
                    return;
                }
                batch = pending.toString();
                pending.setLength(0);
                last = sequence;
                lastMac = previousMac;
            }
            byte[] bytes = batch.getBytes(StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            } catch (IOException e) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(durableLength);
                    channel.force(true);
                } catch (IOException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
                synchronized (this) {
                    sequence = durable;
                    previousMac = durableMac;
                    pending.setLength(0);
                    generation++;
                }
                throw new IllegalStateException("the audit trail cannot be written: " + e.getMessage(), e);
            }
            durable = last;
            durableMac = lastMac;
            durableLength += bytes.length;
        }
    }

    private String body(Event event, long seq, String previous) {
        Map<String, Object> entry = new TreeMap<>();
        event.fields().forEach((k, v) -> {
            if (v != null) {
                entry.put(k, v instanceof Personnummer p ? personHash(p) : v);
            }
        });
        if (!instance.isEmpty()) {
            entry.put("instance", instance);
        }
        entry.put("seq", seq);
        entry.putIfAbsent("time", Instant.now(clock).toString());
        entry.put("event", event.name());
        entry.put("prev", previous);
        String body = Jsoner.serialize(entry);
        return body.substring(0, body.length() - 1);
    }

    private String mac(String previous, String body) {
        return Hmac.sha256Hex(secret, previous + "\n" + body);
    }

    // ---- opening: the tail checked, a torn line cut, a broken chain not continued ----

    private void open() {
        previousMac = GENESIS;
        durableMac = GENESIS;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path request = file.resolveSibling(NEW_CHAIN_REQUEST);
            if (Files.exists(request)) {
                startNewChain(request);
                return;
            }
            if (!Files.exists(file) || Files.size(file) == 0) {
                if (Files.exists(checkpointFile)) {
                    Checkpoint last = Checkpoint.parse(Files.readString(checkpointFile));
                    throw new Broken(file, "it is missing or empty, but its checkpoint of " + last.time() + " says it had "
                            + last.seq() + " lines");
                }
                begin(Map.of());
                return;
            }
            Tail tail = tail(file, lines -> lines.size() >= 2);
            if (tail == null) {
                throw new Broken(file, "its last lines are not trail lines");
            }
            List<String> lines = tail.lines();
            checkLinks(lines);
            if (lines.isEmpty()) {
                Map<String, Object> repaired = tail.torn() == null ? Map.of() : cutTornLine(tail);
                begin(repaired);
                return;
            }
            String last = lines.get(lines.size() - 1);
            sequence = seqOf(last);
            previousMac = macOf(last);
            durable = sequence;
            durableMac = previousMac;
            durableLength = tail.completeLength();
            chain = macOf(firstLine(file));
            // compared before anything is cut: a trail that is refused keeps every byte it had
            checkAgainstCheckpoint();
            if (tail.torn() != null) {
                recordAll(List.of(new Event("AUDIT_TAIL_REPAIRED", cutTornLine(tail))));
            }
        } catch (IOException e) {
            throw new IllegalStateException("the audit trail cannot be opened: " + e.getMessage(), e);
        }
    }

    /** Every line of the tail is its own chain link and follows the one before it. */
    private void checkLinks(List<String> lines) {
        String before = null;
        for (String line : lines) {
            int at = line.lastIndexOf(MAC_FIELD);
            if (at < 0 || !line.endsWith("\"}")) {
                throw new Broken(file, "a line near the end is not a trail line: " + abbreviate(line));
            }
            String body = line.substring(0, at);
            String prev = field(body, "prev");
            if (prev == null || !mac(prev, body).equals(macOf(line)) || (before != null && !prev.equals(before))) {
                throw new Broken(file, "line " + seqOf(line) + " does not verify");
            }
            before = macOf(line);
        }
    }

    /** Cuts a last line the process did not finish writing, keeping its bytes aside; says what was cut and where it is. */
    private Map<String, Object> cutTornLine(Tail tail) throws IOException {
        Path kept = file.resolveSibling(file.getFileName() + ".torn-" + Instant.now(clock).toString().replace(':', '-'));
        Files.write(kept, tail.torn(), StandardOpenOption.CREATE_NEW, StandardOpenOption.SYNC);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(tail.completeLength());
            channel.force(true);
        }
        durableLength = tail.completeLength();
        Map<String, Object> repaired = new LinkedHashMap<>();
        repaired.put("cutBytes", tail.torn().length);
        repaired.put("cutSha256", sha256(tail.torn()));
        repaired.put("keptIn", kept.getFileName().toString());
        repaired.put("reason", "the last line was not complete (a write the process did not finish)");
        return repaired;
    }

    private void checkAgainstCheckpoint() throws IOException {
        if (!Files.exists(checkpointFile)) {
            return;
        }
        Checkpoint last = Checkpoint.parse(Files.readString(checkpointFile));
        if (!last.chain().equals(chain)) {
            throw new Broken(file, "its newest checkpoint (" + last.time() + ") is of another chain");
        }
        if (last.seq() > sequence) {
            throw new Broken(file, "it ends at line " + sequence + ", but its checkpoint of " + last.time() + " says line "
                    + last.seq() + " existed: newest lines were removed");
        }
        Optional<String> line = lineAt(file, last.seq());
        if (line.isEmpty() || !last.signature().equals(field(line.get(), "signature"))) {
            throw new Broken(file, "line " + last.seq() + " is not the checkpoint kept beside it");
        }
    }

    private void begin(Map<String, Object> fields) {
        sequence = 0;
        previousMac = GENESIS;
        durable = 0;
        durableMac = GENESIS;
        Map<String, Object> started = new LinkedHashMap<>(fields);
        started.put("format", "assistansbryggan-audit/2");
        recordAll(List.of(new Event(CHAIN_STARTED, started)));
    }

    /** An operator asked for a new chain: the old trail and its checkpoint are set aside, named in the new chain's first line. */
    private void startNewChain(Path request) throws IOException {
        Map<String, Object> asked = new LinkedHashMap<>();
        try {
            ((JsonObject) Jsoner.deserialize(Files.readString(request))).forEach(asked::put);
        } catch (org.apache.camel.util.json.DeserializationException | ClassCastException e) {
            asked.put("reason", "(the request could not be read: " + e.getMessage() + ")");
        }
        String suffix = ".broken-" + Instant.now(clock).toString().replace(':', '-');
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("operatorRequested", true);
        fields.put("reason", asked.get("reason"));
        fields.put("requestedAt", asked.get("requestedAt"));
        fields.put("requestedBy", asked.get("requestedBy"));
        if (Files.exists(file) && Files.size(file) > 0) {
            try {
                fields.put("previousChain", macOf(firstLine(file)));
            } catch (RuntimeException unreadable) {
                fields.put("previousChain", "unreadable");
            }
            Path aside = file.resolveSibling(file.getFileName() + suffix);
            Files.move(file, aside);
            fields.put("previousFile", aside.getFileName().toString());
        }
        if (Files.exists(checkpointFile)) {
            Checkpoint last = Checkpoint.parse(Files.readString(checkpointFile));
            fields.put("previousCheckpoint", last.chain() + "#" + last.seq());
            Files.move(checkpointFile, checkpointFile.resolveSibling(checkpointFile.getFileName() + suffix));
        }
        begin(fields);
        startedByOperator = true;
        Files.delete(request);
    }

    /** Writes an operator's request for a new chain, carried out at the next start. */
    public static void requestNewChain(Path trail, String reason, Clock clock) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("reason", reason);
        request.put("requestedAt", Instant.now(clock).toString());
        request.put("requestedBy", System.getProperty("user.name"));
        Files.createDirectories(trail.toAbsolutePath().getParent());
        Files.writeString(trail.resolveSibling(NEW_CHAIN_REQUEST), Jsoner.serialize(request), StandardCharsets.UTF_8);
    }

    // ---- verifying a whole trail ----

    /** What a whole trail's check found: how many lines, and the first bad one with why, if any. */
    public record Verification(Path file, long lines, String chain, String instance, int checkpoints,
            Optional<Long> firstBroken, String problem) {
        public boolean ok() {
            return firstBroken.isEmpty();
        }
    }

    /** The number of the first line whose link is broken, or empty when the whole trail verifies. */
    public static Optional<Integer> verify(Path file, byte[] secret) throws IOException {
        return check(file, secret, null, List.of()).firstBroken().map(Long::intValue);
    }

    /**
     * Checks a whole trail: every line's link, every CHECKPOINT line's signature (with the gateway's
     * public key, when given), and that the trail still reaches each of the given checkpoints kept
     * outside it (those of its instance): a trail ending before one has lost its newest lines.
     */
    public static Verification check(Path file, byte[] secret, PublicKey gatewayKey, List<Checkpoint> outside) throws IOException {
        return check(file, secret, gatewayKey, outside, List.of());
    }

    /** How far another record (the broker's mark) says a trail reached: its line {@code seq} has this MAC. */
    public record Reach(String instance, String chain, long seq, String mac) {}

    /** As {@link #check(Path, byte[], PublicKey, List)}, and the trail must also reach every given {@link Reach} of its instance. */
    public static Verification check(Path file, byte[] secret, PublicKey gatewayKey, List<Checkpoint> outside, List<Reach> reached)
            throws IOException {
        String previous = GENESIS;
        String chain = null;
        String instance = "";
        long n = 0;
        int checkpoints = 0;
        Map<Long, String> signatures = new HashMap<>();
        Set<Long> wanted = new HashSet<>();
        reached.forEach(r -> wanted.add(r.seq()));
        Map<Long, String> macs = new HashMap<>();
        if (!Files.exists(file)) {
            return new Verification(file, 0, null, "", 0, Optional.of(1L), "the trail is missing");
        }
        // a last line not yet ended (being written now, or torn by a crash and cut at the next start) is not judged
        boolean ended = endsWithNewline(file);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(), next; line != null; line = next) {
                next = reader.readLine();
                if (next == null && !ended) {
                    break;
                }
                n++;
                int at = line.lastIndexOf(MAC_FIELD);
                if (at < 0 || !line.endsWith("\"}")) {
                    return broken(file, n, chain, instance, checkpoints, "not a trail line");
                }
                String body = line.substring(0, at);
                String claimed = line.substring(at + MAC_FIELD.length(), line.length() - 2);
                if (!body.contains("\"prev\":\"" + previous + "\"") || !Hmac.sha256Hex(secret, previous + "\n" + body).equals(claimed)) {
                    return broken(file, n, chain, instance, checkpoints, "its MAC or its link to the line before does not verify"
                            + " (changed, removed or reordered lines)");
                }
                if (n == 1) {
                    chain = claimed;
                }
                String lineInstance = field(body, "instance");
                if (lineInstance != null) {
                    instance = lineInstance;
                }
                if (body.contains("\"event\":\"" + CHECKPOINT + "\"")) {
                    Checkpoint inLine = new Checkpoint(lineInstance == null ? "" : lineInstance, field(body, "chain"), n, previous,
                            field(body, "time"), field(body, "signature"));
                    if (gatewayKey != null && (!inLine.signedBy(gatewayKey) || !String.valueOf(inLine.chain()).equals(chain))) {
                        return broken(file, n, chain, instance, checkpoints, "a checkpoint whose signature is not the gateway's");
                    }
                    signatures.put(n, inLine.signature());
                    checkpoints++;
                }
                if (wanted.contains(n)) {
                    macs.put(n, claimed);
                }
                previous = claimed;
            }
        }
        for (Reach reach : reached) {
            if (!reach.instance().equals(instance)) {
                continue;
            }
            if (!reach.chain().equals(chain)) {
                return broken(file, 1, chain, instance, checkpoints, "the broker records another chain for this instance: the trail was replaced");
            }
            if (reach.seq() > n) {
                return broken(file, n + 1, chain, instance, checkpoints, "the trail ends at line " + n + ", but the broker recorded line "
                        + reach.seq() + " as written: the newest lines were removed");
            }
            if (!reach.mac().equals(macs.get(reach.seq()))) {
                return broken(file, reach.seq(), chain, instance, checkpoints, "it is not the line the broker recorded");
            }
            checkpoints++;
        }
        for (Checkpoint kept : outside) {
            if (!kept.instance().equals(instance)) {
                continue;
            }
            if (gatewayKey != null && !kept.signedBy(gatewayKey)) {
                return broken(file, n, chain, instance, checkpoints, "a checkpoint given to compare with is not signed by the gateway");
            }
            if (!kept.chain().equals(chain)) {
                return broken(file, 1, chain, instance, checkpoints, "the trail is not the chain its checkpoint of " + kept.time()
                        + " names: it was replaced");
            }
            if (kept.seq() > n) {
                return broken(file, n + 1, chain, instance, checkpoints, "the trail ends at line " + n + ", but its checkpoint of "
                        + kept.time() + " says line " + kept.seq() + " existed: the newest lines were removed");
            }
            if (!kept.signature().equals(signatures.get(kept.seq()))) {
                return broken(file, kept.seq(), chain, instance, checkpoints, "it is not the checkpoint of " + kept.time());
            }
            checkpoints++;
        }
        return new Verification(file, n, chain, instance, checkpoints, Optional.empty(), null);
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() == 0) {
                return true;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            return last.get(0) == '\n';
        }
    }

    private static Verification broken(Path file, long line, String chain, String instance, int checkpoints, String problem) {
        return new Verification(file, line, chain, instance, checkpoints, Optional.of(line), problem);
    }

    // ---- reading lines ----

    /** The complete lines at the end of a file (enough by the predicate, or all), and a torn last fragment. */
    private record Tail(List<String> lines, long completeLength, byte[] torn) {}

    private static Tail tail(Path file, Predicate<List<String>> enough) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long window = 64 * 1024;
            while (true) {
                long start = Math.max(0, size - window);
                ByteBuffer buffer = ByteBuffer.allocate((int) (size - start));
                while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) >= 0) {
                    // reads until the window is full
                }
                byte[] bytes = buffer.array();
                int lastNewline = lastIndexOf(bytes, bytes.length - 1);
                byte[] torn = lastNewline == bytes.length - 1 ? null
                        : java.util.Arrays.copyOfRange(bytes, lastNewline + 1, bytes.length);
                if (lastNewline < 0 && start > 0) {
                    if (window >= MAX_TAIL) {
                        throw new IOException("a line of more than " + MAX_TAIL + " bytes: not a trail line");
                    }
                    window *= 4;
                    continue;
                }
                int from = start == 0 ? 0 : indexOf(bytes, 0) + 1;
                List<String> lines = from <= lastNewline
                        ? new String(bytes, from, lastNewline + 1 - from, StandardCharsets.UTF_8).lines().toList() : List.of();
                if (start == 0 || enough.test(lines)) {
                    return new Tail(lines, start + lastNewline + 1, torn);
                }
                if (window >= MAX_TAIL) {
                    return null; // too far back to hold in memory: the caller reads the file through
                }
                window *= 4;
            }
        }
    }

    private static Optional<String> lineAt(Path file, long seq) {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            return linesFrom(file, seq).stream().filter(l -> seqOf(l) == seq).findFirst();
        } catch (IOException e) {
            throw new IllegalStateException("the audit trail cannot be read: " + e.getMessage(), e);
        }
    }

    /** The complete lines from line {@code seq} on (and perhaps some before): from the end, or read through when far back. */
    private static List<String> linesFrom(Path file, long seq) throws IOException {
        Tail tail = tail(file, lines -> !lines.isEmpty() && seqOf(lines.get(0)) <= seq);
        if (tail != null) {
            return tail.lines();
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (seqOf(line) >= seq) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    private static String firstLine(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            if (line == null || line.lastIndexOf(MAC_FIELD) < 0) {
                throw new IOException("the first line of " + file + " is not a trail line");
            }
            return line;
        }
    }

    private static int lastIndexOf(byte[] bytes, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return bytes.length - 1;
    }

    static long seqOf(String line) {
        Matcher m = SEQ.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String macOf(String line) {
        int at = line.lastIndexOf(MAC_FIELD);
        return line.substring(at + MAC_FIELD.length(), line.length() - 2);
    }

    /** A top-level string field of a trail line (keys are written once, values escaped). */
    private static String field(String line, String name) {
        Matcher m = Pattern.compile("[{,]\"" + Pattern.quote(name) + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(line);
        if (!m.find()) {
            return null;
        }
        try {
            return (String) Jsoner.deserialize("\"" + m.group(1) + "\""); // JSON escapes, e.g. the slash as \/
        } catch (org.apache.camel.util.json.DeserializationException e) {
            return m.group(1);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String line) {
        return line.length() > 80 ? line.substring(0, 80) + "…" : line;
    }
}
