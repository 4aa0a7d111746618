package se.assistansbryggan.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Personnummer;
import se.assistansbryggan.message.SecureXml;

/**
 * A register extract for one person (GDPR art. 15, the agencies' logging duties): every event
 * about that person in the trails of every instance, in time order: when, which type, from whom,
 * to whom, on which legal basis, under which rules, which fields were withheld. Events that name
 * the person (as the keyed hash) are found directly; what happened to those messages afterwards
 * (pulled, acknowledged, escalated, dead-lettered, shown to an operator) is found by the message
 * id together with its sender (or, for an operator's action, the queue), so another sender's
 * message with the same id is not taken for the person's. Nothing in it names any other person: hashes are left out and every
 * text is masked for personal numbers.
 */
public final class RegisterExtract {
    /** The fields an entry shows, in this order, and what the extract calls them. */
    private static final Map<String, String> SHOWN = shown();

    private RegisterExtract() {}

    /** One event of the extract, its fields by the names {@link #SHOWN} gives them. */
    public record Entry(Map<String, String> fields) {
        String time() {
            return fields.get("time");
        }
    }

    private static Map<String, String> shown() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("time", "time");
        shown.put("instance", "instance");
        shown.put("event", "event");
        shown.put("type", "type");
        shown.put("messageId", "messageId");
        shown.put("channel", "channel");
        shown.put("sender", "from");
        shown.put("recipient", "to");
        shown.put("legalBasis", "legalBasis");
        shown.put("rules", "rules");
        shown.put("withheld", "withheld");
        shown.put("code", "code");
        shown.put("outcome", "outcome");
        shown.put("operator", "by");
        shown.put("reason", "reason");
        return shown;
    }

    /** Every event about the person in these trails, oldest first. */
    public static List<Entry> find(List<Path> trails, byte[] secret, Personnummer person) throws IOException {
        String hash = AuditTrail.personHash(secret, person);
        // first: the events naming the person, and each of their messages' parties
        Map<String, Set<String>> partiesByMessage = new HashMap<>();
        for (Path trail : trails) {
            forEachLine(trail, line -> {
                if (line.contains(hash)) {
                    JsonObject o = parse(line);
                    String id = o.getString("messageId");
                    if (id != null) {
                        Set<String> parties = partiesByMessage.computeIfAbsent(id, k -> new HashSet<>());
                        parties.addAll(partiesOf(o));
                    }
                }
            });
        }
        List<Entry> entries = new ArrayList<>();
        for (Path trail : trails) {
            forEachLine(trail, line -> {
                boolean naming = line.contains(hash);
                if (!naming && partiesByMessage.isEmpty()) {
                    return;
                }
                JsonObject o = parse(line);
                String id = o.getString("messageId");
                boolean follows = !naming && id != null && partiesByMessage.containsKey(id) && o.get("person") == null
                        && sameMessage(partiesByMessage.get(id), o);
                if (naming || follows) {
                    entries.add(entry(o));
                }
            });
        }
        entries.sort(Comparator.comparing(e -> instant(e.time())));
        return entries;
    }

    /** What names a message of the person's: its sender (message ids are their senders') and the queues it was delivered to. */
    private static Set<String> partiesOf(JsonObject o) {
        Set<String> keys = new HashSet<>();
        if (o.get("sender") != null) {
            keys.add("sender:" + o.get("sender"));
        }
        if (o.get("queue") != null) {
            keys.add(queueKey(String.valueOf(o.get("queue"))));
        }
        return keys;
    }

    /**
     * A line about a message id of the person's is about that very message when it names the same
     * sender (pulled, acknowledged, escalated, dead-lettered, closed), or, for an operator's action,
     * which names a queue and no sender, the dead-letter or expiry queue of a queue it went to.
     */
    private static boolean sameMessage(Set<String> keys, JsonObject o) {
        if (o.get("sender") != null) {
            return keys.contains("sender:" + o.get("sender"));
        }
        return o.get("queue") != null && keys.contains(queueKey(String.valueOf(o.get("queue"))));
    }

    private static String queueKey(String queue) {
        return "queue:" + queue.replaceFirst("^(DLQ|EXP)\\.", "");
    }

    private static Entry entry(JsonObject o) {
        Map<String, String> fields = new LinkedHashMap<>();
        SHOWN.forEach((key, name) -> {
            Object value = o.get(key);
            if (value instanceof List<?> many) {
                value = String.join(", ", many.stream().map(String::valueOf).toList());
            }
            if (value != null && !String.valueOf(value).isEmpty()) {
                fields.put(name, Personnummer.maskAll(String.valueOf(value)));
            }
        });
        return new Entry(fields);
    }

    /** The extract as JSON: whose it is, when it was made, from which trails, and the events. */
    public static String json(Personnummer person, List<Entry> entries, Instant made, List<String> instances) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("person", person.withHyphen());
        out.put("made", made.toString());
        out.put("instances", instances);
        out.put("events", entries.stream().map(Entry::fields).toList());
        return Jsoner.serialize(out);
    }

    /** The extract as a readable XHTML page (to be signed by the gateway; the signature is hidden from view). */
    public static Document page(Personnummer person, List<Entry> entries, Instant made, List<String> instances) {
        Document doc = SecureXml.newDocument();
        String ns = "http://www.w3.org/1999/xhtml";
        Element html = doc.createElementNS(ns, "html");
        // declared as an attribute too: canonicalisation at signing sees only declared namespaces, as a reader will
        html.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", ns);
        html.setAttribute("lang", "sv");
        doc.appendChild(html);
        Element head = add(doc, html, "head", null);
        add(doc, head, "title", "Registerutdrag: " + person.withHyphen());
        add(doc, head, "style", "@namespace ds url(http://www.w3.org/2000/09/xmldsig#); ds|Signature, ds\\:Signature {display:none}"
                + " body{font-family:sans-serif;margin:2em} table{border-collapse:collapse} td,th{border:1px solid #999;"
                + "padding:.3em;text-align:left;vertical-align:top} caption{text-align:left;font-weight:bold}");
        Element body = add(doc, html, "body", null);
        add(doc, body, "h1", "Registerutdrag ur Assistansbryggans granskningslogg");
        add(doc, body, "p", "Gäller: " + person.withHyphen() + ". Upprättat " + made + " ur loggarna för "
                + String.join(", ", instances) + ". Sidan är signerad av Assistansbryggan (XML-signatur i dokumentet).");
        add(doc, body, "p", entries.isEmpty() ? "Inga händelser om personen finns i loggarna."
                : entries.size() + " händelser: när, vilket meddelande, från vem, till vem, med vilket rättsligt stöd, vilka regler"
                        + " som tillämpades och vilka uppgifter som hölls inne.");
        Element table = add(doc, body, "table", null);
        Element header = add(doc, table, "tr", null);
        List<String> columns = new ArrayList<>(SHOWN.values());
        columns.forEach(c -> add(doc, header, "th", c));
        for (Entry entry : entries) {
            Element row = add(doc, table, "tr", null);
            columns.forEach(c -> add(doc, row, "td", entry.fields().getOrDefault(c, "")));
        }
        return doc;
    }

    private static Element add(Document doc, Element parent, String name, String text) {
        Element e = doc.createElementNS("http://www.w3.org/1999/xhtml", name);
        if (text != null) {
            e.setTextContent(text);
        }
        parent.appendChild(e);
        return e;
    }

    /** A trail line's time as an instant (text would sort "…:00Z" after "…:00.1Z"); unreadable ones first. */
    public static Instant instant(String time) {
        try {
            return Instant.parse(time);
        } catch (java.time.format.DateTimeParseException | NullPointerException e) {
            return Instant.EPOCH;
        }
    }

    private interface LineConsumer {
        void accept(String line) throws IOException;
    }

    private static void forEachLine(Path trail, LineConsumer consumer) throws IOException {
        if (!Files.exists(trail)) {
            return;
        }
        try (BufferedReader reader = Files.newBufferedReader(trail, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                consumer.accept(line);
            }
        }
    }

    private static JsonObject parse(String line) {
        try {
            return (JsonObject) Jsoner.deserialize(line);
        } catch (org.apache.camel.util.json.DeserializationException | ClassCastException e) {
            return new JsonObject();
        }
    }
}
