package se.assistansbryggan.audit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.message.Personnummer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trail verifies as written, names the first broken line after any edit, and never holds a personnummer. */
class AuditTrailTest {
    static final byte[] SECRET = "test-audit-secret".getBytes(StandardCharsets.UTF_8);
    static final Personnummer PERSON = Personnummer.invent(LocalDate.of(1984, 7, 9), 238, false);
    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void write_five_events_over_two_openings() {
        file = dir.resolve("audit/trail.jsonl");
        AuditTrail first = new AuditTrail(file, SECRET, Clock.systemUTC());
        for (int i = 0; i < 3; i++) {
            first.record("ACCEPTED", Map.of("messageId", "id-" + i, "person", PERSON));
        }
        AuditTrail reopened = new AuditTrail(file, SECRET, Clock.systemUTC());
        reopened.record("REFUSED", Map.of("messageId", "id-3", "code", "SIGNATURE_INVALID"));
        reopened.record("ACCEPTED", Map.of("messageId", "id-4", "person", PERSON));
    }

    @Test
    void many_writers_at_once_share_disk_syncs_and_leave_one_unbroken_chain_with_every_event() throws Exception {
        AuditTrail trail = new AuditTrail(file, SECRET, Clock.systemUTC());
        int writers = 8;
        int perWriter = 200;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perWriter; i++) {
                    trail.recordAll(List.of(new AuditTrail.Event("RECEIVED", Map.of("messageId", writer + "-" + i)),
                            new AuditTrail.Event("ACCEPTED", Map.of("messageId", writer + "-" + i))));
                }
            }));
        }
        for (var f : done) {
            f.get();
        }
        pool.shutdown();
        assertEquals(Optional.empty(), AuditTrail.verify(file, SECRET));
        List<String> lines = Files.readAllLines(file);
        assertEquals(6 + writers * perWriter * 2, lines.size());
        // a message's steps stay together, in order
        for (int n = 6; n < lines.size(); n += 2) {
            String id = lines.get(n).replaceAll(".*\"messageId\":\"([^\"]+)\".*", "$1");
            assertTrue(lines.get(n).contains("\"event\":\"RECEIVED\""), lines.get(n));
            assertTrue(lines.get(n + 1).contains("\"event\":\"ACCEPTED\"") && lines.get(n + 1).contains("\"messageId\":\"" + id + "\""),
                    lines.get(n + 1));
        }
    }

    @Test
    void an_untouched_trail_verifies_and_holds_no_personnummer() throws Exception {
        assertEquals(Optional.empty(), AuditTrail.verify(file, SECRET));
        String text = Files.readString(file);
        assertFalse(text.contains(PERSON.twelveDigits()));
        assertFalse(text.contains(PERSON.withHyphen()));
        assertTrue(text.contains("hmac:"));
    }

    @Test
    void a_changed_line_is_the_first_broken_link() throws Exception {
        edit(lines -> lines.set(3, lines.get(3).replace("id-2", "id-9")));
        assertEquals(Optional.of(4), AuditTrail.verify(file, SECRET));
    }

    @Test
    void a_removed_line_breaks_the_chain_where_it_was() throws Exception {
        edit(lines -> lines.remove(2));
        assertEquals(Optional.of(3), AuditTrail.verify(file, SECRET));
    }

    @Test
    void reordered_lines_break_the_chain() throws Exception {
        edit(lines -> Collections.swap(lines, 4, 5));
        assertEquals(Optional.of(5), AuditTrail.verify(file, SECRET));
    }

    @Test
    void a_line_rewritten_without_the_secret_does_not_verify() throws Exception {
        edit(lines -> lines.set(5, lines.get(5).replace("ACCEPTED", "REFUSED")));
        assertEquals(Optional.of(6), AuditTrail.verify(file, SECRET));
    }

    @Test
    void the_first_line_starts_the_chain_and_names_the_instance() throws Exception {
        Path other = dir.resolve("b/trail.jsonl");
        new AuditTrail(other, SECRET, Clock.systemUTC(), "gw-b").record("ACCEPTED", Map.of("messageId", "x"));
        List<String> lines = Files.readAllLines(other);
        assertTrue(lines.get(0).contains("\"event\":\"CHAIN_STARTED\"") && lines.get(0).contains("\"instance\":\"gw-b\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"instance\":\"gw-b\""), lines.get(1));
        AuditTrail.Verification checked = AuditTrail.check(other, SECRET, null, List.of());
        assertTrue(checked.ok());
        assertEquals("gw-b", checked.instance());
    }

    // ---- checkpoints: deleting the newest lines or the whole file is found ----

    static final se.assistansbryggan.message.KeyMaterial GATEWAY = se.assistansbryggan.message.KeyMaterial.fromPkcs12(
            Path.of("certs-sample/gateway-sign.p12"), "changeit".toCharArray());

    private Checkpoint checkpointed() {
        AuditTrail trail = new AuditTrail(file, SECRET, Clock.systemUTC());
        Checkpoint checkpoint = trail.checkpoint(GATEWAY.privateKey());
        return checkpoint;
    }

    @Test
    void a_trail_that_reaches_its_signed_checkpoint_verifies() throws Exception {
        Checkpoint checkpoint = checkpointed();
        AuditTrail.Verification checked = AuditTrail.check(file, SECRET, GATEWAY.certificate().getPublicKey(), List.of(checkpoint));
        assertTrue(checked.ok(), checked.problem());
        assertEquals(2, checked.checkpoints(), "the line itself and the one kept outside");
        assertEquals(checkpoint, Checkpoint.parse(Files.readString(AuditTrail.checkpointFileOf(file))));
    }

    @Test
    void deleting_the_newest_lines_is_found_against_the_checkpoint_and_stops_the_next_start() throws Exception {
        Checkpoint checkpoint = checkpointed();
        edit(lines -> lines.subList(lines.size() - 2, lines.size()).clear());
        AuditTrail.Verification checked = AuditTrail.check(file, SECRET, GATEWAY.certificate().getPublicKey(), List.of(checkpoint));
        assertFalse(checked.ok());
        assertEquals(Optional.of(checkpoint.seq() - 1), checked.firstBroken(), checked.problem());
        assertTrue(checked.problem().contains("newest lines were removed"), checked.problem());
        AuditTrail.Broken refused = org.junit.jupiter.api.Assertions.assertThrows(AuditTrail.Broken.class,
                () -> new AuditTrail(file, SECRET, Clock.systemUTC()));
        assertTrue(refused.getMessage().contains("newest lines were removed"), refused.getMessage());
    }

    @Test
    void deleting_only_the_checkpoint_line_is_found_too() throws Exception {
        Checkpoint checkpoint = checkpointed();
        edit(lines -> lines.remove(lines.size() - 1));
        assertEquals(Optional.of(checkpoint.seq()), AuditTrail.check(file, SECRET, null, List.of(checkpoint)).firstBroken());
    }

    @Test
    void a_deleted_trail_is_found_and_not_started_afresh_without_an_operator() throws Exception {
        Checkpoint checkpoint = checkpointed();
        Files.delete(file);
        assertFalse(AuditTrail.check(file, SECRET, null, List.of(checkpoint)).ok());
        org.junit.jupiter.api.Assertions.assertThrows(AuditTrail.Broken.class, () -> new AuditTrail(file, SECRET, Clock.systemUTC()));
        AuditTrail.requestNewChain(file, "the disk was replaced; trail lost", Clock.systemUTC());
        AuditTrail fresh = new AuditTrail(file, SECRET, Clock.systemUTC());
        String first = Files.readAllLines(file).get(0);
        assertTrue(first.contains("CHAIN_STARTED") && first.contains("operatorRequested") && first.contains("trail lost")
                && first.contains("\"previousCheckpoint\":\"" + checkpoint.chain() + "#" + checkpoint.seq()), first);
        assertTrue(fresh.startedByOperator());
        assertEquals(Optional.empty(), AuditTrail.verify(file, SECRET));
    }

    @Test
    void a_forged_checkpoint_is_not_the_gateways() throws Exception {
        Checkpoint real = checkpointed();
        Checkpoint forged = new Checkpoint(real.instance(), real.chain(), real.seq() + 5, real.prev(), real.time(), real.signature());
        AuditTrail.Verification checked = AuditTrail.check(file, SECRET, GATEWAY.certificate().getPublicKey(), List.of(forged));
        assertFalse(checked.ok());
        assertTrue(checked.problem().contains("not signed by the gateway"), checked.problem());
    }

    // ---- opening: a torn last line is cut and recorded, any other break stops it ----

    @Test
    void a_torn_last_line_is_cut_at_the_next_opening_and_the_cut_recorded() throws Exception {
        Files.writeString(file, "{\"event\":\"ACCEPTED\",\"messageId\":\"half-writ", java.nio.file.StandardOpenOption.APPEND);
        new AuditTrail(file, SECRET, Clock.systemUTC()).record("ACCEPTED", Map.of("messageId", "id-5"));
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.get(6).contains("AUDIT_TAIL_REPAIRED") && lines.get(6).contains("\"cutBytes\":42"), lines.get(6));
        assertTrue(lines.get(7).contains("id-5"));
        assertEquals(Optional.empty(), AuditTrail.verify(file, SECRET));
    }

    @Test
    void a_torn_line_is_kept_aside_before_it_is_cut() throws Exception {
        Files.writeString(file, "{\"event\":\"ACC", java.nio.file.StandardOpenOption.APPEND);
        new AuditTrail(file, SECRET, Clock.systemUTC());
        String repaired = Files.readAllLines(file).get(6);
        String kept = repaired.replaceAll(".*\"keptIn\":\"([^\"]+)\".*", "$1");
        assertEquals("{\"event\":\"ACC", Files.readString(file.resolveSibling(kept)));
    }

    /**
     * A crash can cut a batch in the middle of one message's events: the events already on disk are
     * known by their source and place, so when the message comes again only the rest is written.
     */
    @Test
    void a_batch_cut_in_the_middle_of_a_message_leaves_exactly_the_rest_to_write() throws Exception {
        AuditTrail trail = new AuditTrail(file, SECRET, Clock.systemUTC());
        long before = trail.end().seq();
        String encoded = trail.encode(List.of(new AuditTrail.Event("RECEIVED", Map.of("messageId", "m")),
                new AuditTrail.Event("DELIVERED", Map.of("messageId", "m")), new AuditTrail.Event("ACCEPTED", Map.of("messageId", "m"))));
        trail.recordAll(AuditTrail.decode(encoded, "source-1"));
        String text = Files.readString(file);
        int secondOfTheMessage = text.indexOf("\"event\":\"DELIVERED\"");
        Files.writeString(file, text.substring(0, secondOfTheMessage + 10)); // killed while writing the second line

        AuditTrail reopened = new AuditTrail(file, SECRET, Clock.systemUTC());
        assertEquals(java.util.Set.of("source-1#0"), reopened.sourcesAfter(before));
        List<AuditTrail.Event> again = AuditTrail.decode(encoded, "source-1").stream()
                .filter(e -> !reopened.sourcesAfter(before).contains(String.valueOf(e.fields().get("src")))).toList();
        assertEquals(List.of("DELIVERED", "ACCEPTED"), again.stream().map(AuditTrail.Event::name).toList());
        reopened.recordAll(again);
        String after = Files.readString(file);
        for (String event : List.of("RECEIVED", "DELIVERED", "ACCEPTED")) {
            assertEquals(1, after.lines().filter(l -> l.contains("\"event\":\"" + event + "\"") && l.contains("source-1")).count(), event);
        }
        assertEquals(Optional.empty(), AuditTrail.verify(file, SECRET));
    }

    @Test
    void an_edited_last_line_is_not_repaired_but_stops_the_opening() throws Exception {
        edit(lines -> lines.set(5, lines.get(5).replace("id-4", "id-7")));
        AuditTrail.Broken refused = org.junit.jupiter.api.Assertions.assertThrows(AuditTrail.Broken.class,
                () -> new AuditTrail(file, SECRET, Clock.systemUTC()));
        assertTrue(refused.getMessage().contains("line 6 does not verify"), refused.getMessage());
    }

    private void edit(java.util.function.Consumer<List<String>> change) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        change.accept(lines);
        Files.write(file, lines);
    }
}
