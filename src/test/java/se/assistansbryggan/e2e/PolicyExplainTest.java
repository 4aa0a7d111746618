package se.assistansbryggan.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.assistansbryggan.message.MessageType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * policy-explain shows, delivering nothing, what the policy decides for a real message (and what a
 * changed policy file would decide); policy-table writes the policy for the data-protection officer.
 */
class PolicyExplainTest {
    static final String NOTICE = "src/test/resources/fixtures/withdrawal-with-reasons-no-consent.xml";
    @TempDir
    Path dir;

    @Test
    void a_notice_is_explained_per_recipient_with_rules_legal_basis_clock_and_the_fields_withheld() {
        CommandLineTest.Run run = CommandLineTest.run("policy-explain", "--as", "fk", "--file", NOTICE, "--json");
        assertEquals(0, run.exitCode(), run.toString());
        String answer = run.out();
        assertTrue(answer.contains("\"outcome\":\"ACCEPTED\"") && answer.contains("\"recipient\":\"kommun-0180\""), answer);
        assertTrue(answer.contains("51 kap. 21 § SFB"), answer);
        assertTrue(answer.contains("reasons-need-consent") && answer.contains("Motivering"), "the reasons are withheld without consent: " + answer);
        assertTrue(answer.contains("\"followUpDue\""), answer);

        CommandLineTest.Run readable = CommandLineTest.run("policy-explain", "--as", "fk", "--file", NOTICE);
        assertTrue(readable.out().contains("→ kommun-0180") && readable.out().contains("withheld: "), readable.out());
    }

    @Test
    void a_changed_policy_file_is_tried_on_the_same_message_before_it_goes_live() throws Exception {
        Path changed = dir.resolve("policy.properties");
        Files.writeString(changed, Files.readString(Path.of("config/policy.properties"), StandardCharsets.UTF_8)
                .replace("WITHDRAWAL_NOTICE.reasons-need-consent=true", "WITHDRAWAL_NOTICE.reasons-need-consent=false"), StandardCharsets.UTF_8);
        String answer = CommandLineTest.run("policy-explain", "--as", "fk", "--file", NOTICE, "--policy", changed.toString(), "--json").out();
        assertTrue(answer.contains("\"outcome\":\"ACCEPTED\""), answer);
        assertFalse(answer.contains("Motivering"), "under the changed policy the reasons would be delivered: " + answer);
    }

    @Test
    void a_refusal_is_explained_with_its_code() {
        CommandLineTest.Run run = CommandLineTest.run("policy-explain", "--as", "kommun-0180", "--file", NOTICE, "--json");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("\"code\":\"SENDER_NOT_ALLOWED\"") && run.out().contains("SENDER_MISMATCH"), run.out());
    }

    @Test
    void the_policy_table_has_every_type_with_its_legal_basis_in_markdown_and_html() throws Exception {
        Path md = dir.resolve("policy.md");
        Path html = dir.resolve("policy.html");
        assertEquals(0, CommandLineTest.run("policy-table", "--markdown", md.toString(), "--html", html.toString()).exitCode());
        String markdown = Files.readString(md);
        String page = Files.readString(html);
        for (MessageType type : MessageType.values()) {
            assertTrue(markdown.contains("| " + type.name() + " |"), type + " in the Markdown table");
            assertTrue(page.contains("<td>" + type.name() + "</td>"), type + " in the HTML table");
        }
        assertTrue(markdown.contains("51 kap. 21 § SFB") && markdown.contains("förslag till 8 b § LSS"), markdown);
        assertTrue(markdown.contains("Meddelande om indragen assistansersättning"), "the policy's own comments describe each type");
    }
}
