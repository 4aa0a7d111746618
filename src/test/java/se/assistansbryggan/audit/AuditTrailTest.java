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
        assertEquals(5 + writers * perWriter * 2, lines.size());
        // a message's steps stay together, in order
        for (int n = 5; n < lines.size(); n += 2) {
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
        edit(lines -> lines.set(2, lines.get(2).replace("id-2", "id-9")));
        assertEquals(Optional.of(3), AuditTrail.verify(file, SECRET));
    }

    @Test
    void a_removed_line_breaks_the_chain_where_it_was() throws Exception {
        edit(lines -> lines.remove(1));
        assertEquals(Optional.of(2), AuditTrail.verify(file, SECRET));
    }

    @Test
    void reordered_lines_break_the_chain() throws Exception {
        edit(lines -> Collections.swap(lines, 3, 4));
        assertEquals(Optional.of(4), AuditTrail.verify(file, SECRET));
    }

    @Test
    void a_line_rewritten_without_the_secret_does_not_verify() throws Exception {
        edit(lines -> lines.set(4, lines.get(4).replace("ACCEPTED", "REFUSED")));
        assertEquals(Optional.of(5), AuditTrail.verify(file, SECRET));
    }

    private void edit(java.util.function.Consumer<List<String>> change) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        change.accept(lines);
        Files.write(file, lines);
    }
}
