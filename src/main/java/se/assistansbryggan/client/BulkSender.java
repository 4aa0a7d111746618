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
    /** One file's answer: ACCEPTED, REFUSED (code and sentence), or FAILED (no answer; tried again next run). */
    public record Outcome(String file, String messageId, String status, String code, String sentence) {
        boolean isFinal() {
            // a refusal the gateway blames on itself (send it again) is not final
            return "ACCEPTED".equals(status) || ("REFUSED".equals(status) && !"BROKER_UNAVAILABLE".equals(code)
                    && !"INTERNAL_ERROR".equals(code) && !"RATE_LIMITED".equals(code) && !"REQUEST_TIMEOUT".equals(code));
        }
    }

    /** Where a run stands: files done (this run and before), of all, and since when. */
    public record Progress(int done, int total, int skipped, long startedNanos) {}

    private final GatewayClient client;
    private final KeyMaterial key;
    private final Path folder;
    private final Path report;
    private final int parallel;

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
        outcomes.stream().filter(o -> !"ACCEPTED".equals(o.status()))
                .forEach(o -> byCode.merge(o.code() == null ? o.status() : o.code(), 1, Integer::sum));
        return byCode;
    }

    private Outcome send(Path file) {
        String name = file.getFileName().toString();
        Path signedCopy = report.resolve("signed").resolve(name);
        String messageId = null;
        try {
            byte[] signed;
            if (Files.exists(signedCopy)) {
                // signed before (a run that stopped): the same bytes again, so an accepted one is answered with its receipt
                signed = Files.readAllBytes(signedCopy);
            } else {
                Document document = SecureXml.parse(Files.readAllBytes(file));
                MessageSigner.stampCreated(document);
                signed = MessageSigner.sign(document, key);
                Path partial = signedCopy.resolveSibling(name + ".partial");
                Files.write(partial, signed);
                Files.move(partial, signedCopy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            messageId = MessageSigner.messageId(SecureXml.parse(signed));
            GatewayClient.Answer answer = client.post(signed);
            Document receipt = SecureXml.parse(answer.body().getBytes(StandardCharsets.UTF_8));
            Element root = receipt.getDocumentElement();
            return new Outcome(name, messageId, Dom.text(root, "Status"), Dom.textOrNull(root, "Kod"), Dom.textOrNull(root, "Text"));
        } catch (IOException | RuntimeException e) {
            return new Outcome(name, messageId, "FAILED", null, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(name, messageId, "FAILED", null, "interrupted");
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
