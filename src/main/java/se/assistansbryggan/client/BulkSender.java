package se.assistansbryggan.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.SecureXml;

/**
 * A party's bulk transfer (the 2026 transfer of a kommun's decisions): signs and posts every XML
 * file of a folder, and can be stopped and started again without sending anything twice. Each
 * file is signed once, keeping its own message id (the creation time is set when it is first
 * signed), and the signed copy is kept under {@code <report>/signed/}; each answer is appended to
 * {@code <report>/outcomes.jsonl} as it comes. A new run skips the files with a final answer and
 * posts the kept signed copy of the others, so a message the gateway accepted before the stop is
 * answered with its original receipt and delivered once. At the end the report is written as
 * {@code receipts.csv} and {@code receipts.json} (file, message id, status, code, sentence).
 */
public final class BulkSender {
    /**
     * One file's answer: ACCEPTED (ACCEPTED_EARLIER when the gateway had it from an earlier run whose
     * answer was lost), REFUSED (code and sentence), or FAILED (no answer; tried again next run).
     */
    public record Outcome(String file, String messageId, String status, String code, String sentence) {
        /** Whether a later run leaves it be: accepted, or refused for something the sender must fix. */
        boolean isFinal() {
            return accepted() || ("REFUSED".equals(status) && !temporary(code));
        }

        public boolean accepted() {
            return "ACCEPTED".equals(status) || "ACCEPTED_EARLIER".equals(status);
        }
    }

    /** Refusals that say "send it again later": the gateway's own trouble, the sender's share, an unreachable revocation source. */
    static boolean temporary(String code) {
        if (code == null) {
            return true;
        }
        try {
            Refusal refusal = Refusal.valueOf(code);
            return refusal.blame() == Refusal.Blame.GATEWAY || refusal == Refusal.RATE_LIMITED || refusal == Refusal.REQUEST_TIMEOUT
                    || refusal == Refusal.CERT_REVOCATION_UNKNOWN;
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }

    /** Where a run stands: files done (this run and before), of all, and since when. */
    public record Progress(int done, int total, int skipped, long startedNanos) {}

    private final GatewayClient client;
    private final KeyMaterial key;
    private final Path folder;
    private final Path report;
    private final int parallel;
    /** Tries per file within a run: a temporary refusal is waited out this often before the next run is left to it. */
    private static final int ATTEMPTS = 3;

    public BulkSender(GatewayClient client, KeyMaterial key, Path folder, Path report, int parallel) {
        this.client = client;
        this.key = key;
        this.folder = folder;
        this.report = report;
        this.parallel = parallel;
    }

    /** Sends what is not yet answered, reports progress after each file, and returns every file's last answer. */
    public List<Outcome> run(Consumer<Progress> progress) throws IOException, InterruptedException {
        Files.createDirectories(report.resolve("signed"));
        try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(report.resolve(".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                java.nio.channels.FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                throw new IOException("another run is sending with " + report);
            }
            return runLocked(progress);
        }
    }

    private List<Outcome> runLocked(Consumer<Progress> progress) throws IOException, InterruptedException {
        Map<String, Outcome> last = previous();
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(".xml") && Files.isRegularFile(f)).sorted().toList();
        }
        List<Path> todo = files.stream().filter(f -> last.get(f.getFileName().toString()) == null
                || !last.get(f.getFileName().toString()).isFinal()).toList();
        int skipped = files.size() - todo.size();
        long started = System.nanoTime();
        AtomicInteger done = new AtomicInteger(skipped);
        progress.accept(new Progress(skipped, files.size(), skipped, started));
        ExecutorService senders = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (Path file : todo) {
                sent.add(senders.submit(() -> {
                    record(send(file));
                    progress.accept(new Progress(done.incrementAndGet(), files.size(), skipped, started));
                    return null;
                }));
            }
            for (Future<?> each : sent) {
                each.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("a file could not be sent: " + e.getCause().getMessage(), e.getCause());
        } finally {
            senders.shutdownNow();
        }
        List<Outcome> outcomes = new ArrayList<>(previous().values());
        outcomes.removeIf(o -> files.stream().noneMatch(f -> f.getFileName().toString().equals(o.file())));
        outcomes.sort(java.util.Comparator.comparing(Outcome::file));
        writeReport(outcomes);
        return outcomes;
    }

    /** Refusals by code, for the summary. */
    public static Map<String, Integer> refusalsByCode(List<Outcome> outcomes) {
        Map<String, Integer> byCode = new TreeMap<>();
        outcomes.stream().filter(o -> !o.accepted())
                .forEach(o -> byCode.merge(o.code() == null ? o.status() : o.code(), 1, Integer::sum));
        return byCode;
    }

    /**
     * Posts a file's signed copy (made and kept the first time), waiting and trying again within the
     * run when the gateway says so. A kept copy older than the gateway's creation-time window is
     * refused STALE_MESSAGE before any receipt is looked up; it is then signed anew with the same id
     * and a fresh creation time: if the gateway had it, the answer is DUPLICATE (nothing delivered
     * twice: the broker's duplicate detection), reported as accepted earlier.
     */
    private Outcome send(Path file) {
        String name = file.getFileName().toString();
        Path signedCopy = report.resolve("signed").resolve(name);
        Outcome outcome = null;
        try {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                byte[] signed = Files.exists(signedCopy) ? Files.readAllBytes(signedCopy) : signAndKeep(file, signedCopy);
                outcome = post(name, signed);
                if ("STALE_MESSAGE".equals(outcome.code()) && attempt < ATTEMPTS) {
                    Files.delete(signedCopy);
                    continue;
                }
                if (outcome.isFinal() || attempt == ATTEMPTS) {
                    break;
                }
                Thread.sleep(1000L * attempt); // what Retry-After asks (1 s), a little longer each time
            }
            if ("REFUSED".equals(outcome.status()) && "DUPLICATE".equals(outcome.code())) {
                return new Outcome(name, outcome.messageId(), "ACCEPTED_EARLIER", outcome.code(), outcome.sentence());
            }
            return outcome;
        } catch (IOException | RuntimeException e) {
            return new Outcome(name, outcome == null ? null : outcome.messageId(), "FAILED", null,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(name, outcome == null ? null : outcome.messageId(), "FAILED", null, "interrupted");
        }
    }

    /** Signs the file with a fresh creation time, keeping its id, and keeps the signed copy on disk before it is sent. */
    private byte[] signAndKeep(Path file, Path signedCopy) throws IOException {
        Document document = SecureXml.parse(Files.readAllBytes(file));
        MessageSigner.stampCreated(document);
        byte[] signed = MessageSigner.sign(document, key);
        Path partial = signedCopy.resolveSibling(signedCopy.getFileName() + ".partial");
        Files.write(partial, signed, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                StandardOpenOption.SYNC);
        Files.move(partial, signedCopy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return signed;
    }

    private Outcome post(String name, byte[] signed) throws IOException, InterruptedException {
        String messageId = MessageSigner.messageId(SecureXml.parse(signed));
        GatewayClient.Answer answer = client.post(signed);
        try {
            Element root = SecureXml.parse(answer.body().getBytes(StandardCharsets.UTF_8)).getDocumentElement();
            return new Outcome(name, messageId, Dom.text(root, "Status"), Dom.textOrNull(root, "Kod"), Dom.textOrNull(root, "Text"));
        } catch (RuntimeException notAReceipt) {
            return new Outcome(name, messageId, "FAILED", null, "HTTP " + answer.status() + " without a receipt");
        }
    }

    private synchronized void record(Outcome outcome) throws IOException {
        JsonObject line = new JsonObject(toMap(outcome));
        Files.writeString(report.resolve("outcomes.jsonl"), Jsoner.serialize(line) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }

    /** Every file's last recorded answer. */
    private Map<String, Outcome> previous() throws IOException {
        Map<String, Outcome> last = new LinkedHashMap<>();
        Path log = report.resolve("outcomes.jsonl");
        if (!Files.exists(log)) {
            return last;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonObject o = (JsonObject) Jsoner.deserialize(line);
                last.put(o.getString("file"), new Outcome(o.getString("file"), o.getString("messageId"), o.getString("status"),
                        o.getString("code"), o.getString("sentence")));
            } catch (org.apache.camel.util.json.DeserializationException torn) {
                // a line cut off when the run was stopped: that file is sent again (its kept signed copy)
            }
        }
        return last;
    }

    private void writeReport(List<Outcome> outcomes) {
        StringBuilder csv = new StringBuilder("file,messageId,status,code,sentence\n");
        for (Outcome o : outcomes) {
            csv.append(String.join(",", csvField(o.file()), csvField(o.messageId()), csvField(o.status()), csvField(o.code()),
                    csvField(o.sentence()))).append('\n');
        }
        try {
            Files.writeString(report.resolve("receipts.csv"), csv, StandardCharsets.UTF_8);
            Files.writeString(report.resolve("receipts.json"),
                    Jsoner.prettyPrint(Jsoner.serialize(outcomes.stream().map(BulkSender::toMap).toList())), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> toMap(Outcome o) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("file", o.file());
        map.put("messageId", o.messageId());
        map.put("status", o.status());
        map.put("code", o.code());
        map.put("sentence", o.sentence());
        return map;
    }

    private static String csvField(String value) {
        if (value == null) {
            return "";
        }
        return value.contains(",") || value.contains("\"") || value.contains("\n") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
