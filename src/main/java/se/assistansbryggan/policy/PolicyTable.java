package se.assistansbryggan.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Party;

/**
 * The policy file as the data-protection officer reads it: one row per message type with who may
 * send it to whom, on which legal basis, under which conditions, with which clocks, and which
 * fields each kind of recipient gets; the comment above each type's block says what it is. Made
 * from the file the gateway loads (validated the same way), as Markdown and as HTML.
 */
public final class PolicyTable {
    private static final List<String> COLUMNS = List.of("Typ", "Beskrivning", "Avsändare", "Mottagare", "Rättsligt stöd",
            "Villkor", "Klockor", "Prioritet", "Uppgifter som lämnas");

    private PolicyTable() {}

    /** One row per message type, cells by {@link #COLUMNS}. */
    public static List<List<String>> rows(Path policyFile) throws IOException {
        PolicyRules rules = PolicyRules.load(policyFile);
        Map<MessageType, String> described = descriptions(policyFile);
        List<List<String>> rows = new ArrayList<>();
        for (MessageType type : MessageType.values()) {
            PolicyRules.TypeRule rule = rules.of(type);
            if (rule == null) {
                continue;
            }
            rows.add(List.of(type.name(), described.getOrDefault(type, ""), kinds(rule.senders()),
                    kinds(rule.recipients()) + (rule.routing() == PolicyRules.Routing.FAN_OUT
                            ? " (alla" + (rule.affectedKommuner() == null ? "" : "; kommuner enligt " + rule.affectedKommuner()) + ")"
                            : rule.recipientIsBosattningskommun() ? " (den enskildes bosättningskommun)"
                            : rule.recipientIsOwnOrganisation() ? " (en enhet i avsändarens egen organisation)" : " (adresserad)"),
                    String.join("; ", rule.legalBasis()), conditions(rule), clocks(rule), rule.highPriority() ? "hög" : "normal",
                    deliver(rule)));
        }
        return rows;
    }

    public static String markdown(Path policyFile) throws IOException {
        StringBuilder out = new StringBuilder("# Policy: vem får vad, och med vilket stöd\n\nUr `" + policyFile.getFileName()
                + "` (samma fil och samma kontroller som gatewayen läser vid start). För alla typer gäller: den som har skyddad"
                + " identitet får aldrig sin Adress eller Telefon lämnad, oavsett listan.\n\n");
        out.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n");
        out.append("|").append(" --- |".repeat(COLUMNS.size())).append("\n");
        for (List<String> row : rows(policyFile)) {
            out.append("| ").append(row.stream().map(PolicyTable::markdownCell).collect(Collectors.joining(" | "))).append(" |\n");
        }
        return out.toString();
    }

    public static String html(Path policyFile) throws IOException {
        StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Policy</title>"
                + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;"
                + "padding:.3em;vertical-align:top;text-align:left}</style></head><body><h1>Policy: vem får vad, och med vilket stöd</h1>"
                + "<p>Ur " + escape(policyFile.getFileName().toString()) + " (samma fil och samma kontroller som gatewayen läser vid start). För alla typer gäller: den som har skyddad"
                + " identitet får aldrig sin Adress eller Telefon lämnad, oavsett listan.</p>"
                + "<table><tr>");
        COLUMNS.forEach(c -> out.append("<th>").append(escape(c)).append("</th>"));
        out.append("</tr>\n");
        for (List<String> row : rows(policyFile)) {
            out.append("<tr>");
            row.forEach(cell -> out.append("<td>").append(escape(cell).replace("\n", "<br>")).append("</td>"));
            out.append("</tr>\n");
        }
        return out.append("</table></body></html>\n").toString();
    }

    /** The comment lines right above each type's first key: what the type is, in the policy author's words. */
    private static Map<MessageType, String> descriptions(Path policyFile) throws IOException {
        Map<MessageType, String> described = new EnumMap<>(MessageType.class);
        List<String> comment = new ArrayList<>();
        for (String line : Files.readAllLines(policyFile, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                comment.add(trimmed.replaceFirst("^#+\\s?", ""));
            } else if (trimmed.isEmpty()) {
                comment.clear();
            } else {
                String typeName = trimmed.split("\\.", 2)[0];
                try {
                    MessageType type = MessageType.valueOf(typeName);
                    if (!described.containsKey(type) && !comment.isEmpty()) {
                        described.put(type, String.join(" ", comment));
                    }
                } catch (IllegalArgumentException notAType) {
                    // a line of another kind; the loader has judged it already
                }
                comment.clear();
            }
        }
        return described;
    }

    private static String kinds(java.util.Set<Party.Kind> kinds) {
        return kinds.stream().map(Enum::name).sorted().collect(Collectors.joining(", "));
    }

    private static String conditions(PolicyRules.TypeRule rule) {
        List<String> out = new ArrayList<>();
        if (rule.reasonsNeedConsent()) {
            out.add("Motivering till kommun endast med samtycke MOTIVERING_TILL_KOMMUN");
        }
        rule.requiredConsent().ifPresent(c -> out.add("kräver samtycke " + c));
        if (rule.requiresReference()) {
            out.add("ska ange meddelandet det svarar på");
        }
        for (PolicyRules.Refusing refusing : rule.refusals()) {
            out.add("avvisas (" + refusing.code().name() + ") när " + refusing.path() + " = " + refusing.value());
        }
        if (rule.closesFollowUp()) {
            out.add("stänger uppföljningen av meddelandet det svarar på");
        }
        return String.join("\n", out);
    }

    private static String clocks(PolicyRules.TypeRule rule) {
        List<String> out = new ArrayList<>();
        rule.followUp().ifPresent(f -> out.add("mottagaren svarar (" + f.rule() + ") " + (f.duration() != null ? "inom " + f.duration()
                : f.nextWorkingDayAt() != null ? "senast nästa vardag kl. " + f.nextWorkingDayAt()
                        + (f.atTheLatest() == null ? "" : " eller när " + f.atTheLatest() + " passeras, om det är tidigare")
                : f.endOf() != null ? "före utgången av " + f.endOf() + " (utan den inom " + f.workingDays() + " arbetsdagar)"
                : "inom " + f.workingDays() + " arbetsdagar") + ", annars eskalering"
                + (f.recipients().size() < 4 ? " (" + kinds(f.recipients()) + ")" : "")));
        rule.reminder().ifPresent(r -> out.add("påminnelse " + r.workingDays() + " arbetsdagar före " + r.path()));
        rule.expiresAfter().ifPresent(e -> out.add("ohämtat efter " + e + " till utgångskön"));
        return String.join("\n", out);
    }

    private static String deliver(PolicyRules.TypeRule rule) {
        Map<String, String> byKind = new LinkedHashMap<>();
        rule.deliver().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> byKind.put(e.getKey().name(), String.join(", ", e.getValue())));
        return byKind.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n"));
    }

    private static String markdownCell(String cell) {
        return cell.replace("|", "\\|").replace("\n", "<br>");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
