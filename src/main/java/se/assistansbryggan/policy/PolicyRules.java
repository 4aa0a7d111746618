package se.assistansbryggan.policy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.Refusal;

/**
 * The declarative policy file ({@code config/policy.properties}), one block per message type; the
 * file's own comments say what each key means. Validated when loaded: every type has its required
 * keys, no key is unknown, every recipient kind has an allow-list, paths and refusal codes are
 * well-formed, and a fan-out to kommuner says where the message lists them.
 */
public record PolicyRules(Map<MessageType, TypeRule> types) {

    /** How the recipients of a type are found. */
    public enum Routing {
        /** The one party (and unit) the envelope names, looked up in the directory. */
        ADDRESSED,
        /** Every party of the recipient kinds; kommuner only as listed in the message. */
        FAN_OUT
    }

    /** A named rule that refuses a message whose element at {@code path} has {@code value}. */
    public record Refusing(String ruleId, Refusal code, String path, String value) {}

    /** The policy for one message type. */
    public record TypeRule(Set<Party.Kind> senders, Set<Party.Kind> recipients, Routing routing, String affectedKommuner,
            boolean recipientIsBosattningskommun, boolean recipientIsOwnOrganisation, List<String> legalBasis, boolean reasonsNeedConsent, Optional<String> requiredConsent, boolean requiresReference,
            List<Refusing> refusals, boolean highPriority, Optional<FollowUp> followUp, Optional<Reminder> reminder,
            Optional<Duration> expiresAfter, boolean closesFollowUp,
            Map<Party.Kind, List<String>> deliver, Set<MessageType> closesFollowUpOf, boolean requiresUnits, Optional<String> senderNamedAt,
            boolean marksProviderStatus) {}

    /** A reminder to every recipient some working days before a date the message carries (a grace period's end). */
    public record Reminder(int workingDays, String path) {
        static Reminder parse(MessageType type, String text) {
            Matcher m = Pattern.compile("(\\d+) working days? before (" + PATH.pattern() + ")").matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("policy " + type + ".remind: expected <N> working days before <Path/To/Date>");
            }
            return new Reminder(Integer.parseInt(m.group(1)), m.group(2));
        }
    }

    /**
     * How long the recipient has to answer (confirm contact, take a handover over, answer a
     * transfer) before the clock escalates: working days (due at 17:00), the next working day at a
     * time (seed 004: "till nästkommande vardag"), optionally at the latest a date-time the message
     * carries, or (for tests and special cases) a duration. {@code rule} names it in the verdict.
     */
    public record FollowUp(int workingDays, Duration duration, java.time.LocalTime nextWorkingDayAt, String atTheLatest, String endOf,
            String rule, Set<Party.Kind> recipients, boolean escalatesToParty) {
        private static final Pattern NEXT = Pattern.compile("next working day at (\\d{2}:\\d{2})(, at the latest (" + PATH_TEXT + "))?");
        private static final Pattern END = Pattern.compile("until the end of (" + PATH_TEXT + "), else (\\d+) working days?");

        static FollowUp parse(MessageType type, String text, String rule, Set<Party.Kind> recipients, boolean toParty) {
            Matcher days = Pattern.compile("(\\d+) working days?").matcher(text);
            if (days.matches()) {
                return new FollowUp(Integer.parseInt(days.group(1)), null, null, null, null, rule, recipients, toParty);
            }
            Matcher next = NEXT.matcher(text);
            if (next.matches()) {
                return new FollowUp(0, null, java.time.LocalTime.parse(next.group(1)), next.group(3), null, rule, recipients, toParty);
            }
            Matcher end = END.matcher(text);
            if (end.matches()) {
                return new FollowUp(Integer.parseInt(end.group(3)), null, null, null, end.group(1), rule, recipients, toParty);
            }
            try {
                return new FollowUp(0, Duration.parse(text), null, null, null, rule, recipients, toParty);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("policy " + type + ".follow-up: expected \"<N> working days\", \"next working day at"
                        + " HH:MM[, at the latest <Path/To/DateTime>]\", \"until the end of <Path/To/Date>, else <N> working days\""
                        + " or an ISO-8601 duration");
            }
        }
    }

    private static final Set<String> KEYS = Set.of("senders", "recipients", "routing", "affected-kommuner", "recipient-is-bosattningskommun", "legal-basis",
            "reasons-need-consent", "requires-consent", "requires-reference", "priority", "follow-up", "follow-up-rule", "remind", "expires-after",
            "closes-follow-up", "recipient-is-own-organisation", "follow-up-recipients", "follow-up-escalation", "closes-follow-up-of",
            "requires-units", "sender-named-at", "mark-provider-status");
    private static final String PATH_TEXT = "[A-Z][A-Za-z]*(/[A-Z][A-Za-z]*)*";
    private static final Pattern PATH = Pattern.compile(PATH_TEXT);
    private static final Pattern REFUSE = Pattern.compile("([A-Z_]+) when (" + PATH.pattern() + ") = (\\S+)");

    public static PolicyRules load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the policy " + file, e);
        }
        for (String key : p.stringPropertyNames()) {
            String[] parts = key.split("\\.", 2);
            MessageType.valueOf(parts[0]);
            if (parts.length != 2 || !(KEYS.contains(parts[1]) || parts[1].startsWith("refuse.") || parts[1].startsWith("deliver."))) {
                throw new IllegalArgumentException(file + ": unknown policy key " + key);
            }
        }
        Map<MessageType, TypeRule> types = new EnumMap<>(MessageType.class);
        for (MessageType type : MessageType.values()) {
            types.put(type, typeRule(p, type));
        }
        return new PolicyRules(Map.copyOf(types));
    }

    public TypeRule of(MessageType type) {
        return types.get(type);
    }

    private static TypeRule typeRule(Properties p, MessageType type) {
        Set<Party.Kind> recipients = kinds(p, type, "recipients");
        Routing routing = Routing.valueOf(optional(p, type, "routing").orElse("addressed").toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        Optional<String> affected = optional(p, type, "affected-kommuner").map(path -> path(type, path));
        if (routing == Routing.FAN_OUT && recipients.contains(Party.Kind.KOMMUN) && affected.isEmpty()) {
            throw new IllegalArgumentException("the policy fans " + type + " out to kommuner but has no " + type + ".affected-kommuner");
        }
        return new TypeRule(kinds(p, type, "senders"), recipients, routing, affected.orElse(null),
                Boolean.parseBoolean(optional(p, type, "recipient-is-bosattningskommun").orElse("false")),
                Boolean.parseBoolean(optional(p, type, "recipient-is-own-organisation").orElse("false")),
                java.util.Arrays.stream(required(p, type, "legal-basis").split("\\s*\\|\\s*"))
                        .map(basis -> LegalBasis.check(type.name(), basis)).toList(),
                Boolean.parseBoolean(required(p, type, "reasons-need-consent")),
                optional(p, type, "requires-consent"),
                Boolean.parseBoolean(optional(p, type, "requires-reference").orElse("false")),
                refusals(p, type),
                "high".equals(optional(p, type, "priority").orElse("normal")),
                optional(p, type, "follow-up").map(text -> FollowUp.parse(type, text,
                        optional(p, type, "follow-up-rule").orElse("contact-follow-up"),
                        optional(p, type, "follow-up-recipients").isPresent() ? kinds(p, type, "follow-up-recipients") : recipients,
                        "party".equals(optional(p, type, "follow-up-escalation").orElse("recipient")))),
                optional(p, type, "remind").map(text -> Reminder.parse(type, text)),
                optional(p, type, "expires-after").map(Duration::parse),
                Boolean.parseBoolean(optional(p, type, "closes-follow-up").orElse("false")),
                deliver(p, type, recipients),
                optional(p, type, "closes-follow-up-of").map(list -> Arrays.stream(list.split("\\s*,\\s*")).map(MessageType::valueOf)
                        .collect(Collectors.toUnmodifiableSet())).orElse(Set.of()),
                Boolean.parseBoolean(optional(p, type, "requires-units").orElse("false")),
                optional(p, type, "sender-named-at").map(path -> path(type, path)),
                Boolean.parseBoolean(optional(p, type, "mark-provider-status").orElse("true")));
    }

    private static List<Refusing> refusals(Properties p, MessageType type) {
        List<Refusing> refusals = new ArrayList<>();
        String prefix = type.name() + ".refuse.";
        for (String key : p.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).sorted().toList()) {
            Matcher m = REFUSE.matcher(p.getProperty(key).trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("policy " + key + ": expected <CODE> when <Path/To/Element> = <value>");
            }
            refusals.add(new Refusing(key.substring(prefix.length()), Refusal.valueOf(m.group(1)), m.group(2), m.group(4)));
        }
        return List.copyOf(refusals);
    }

    /** The allow-list per recipient kind, as paths in the recipient's schema family. */
    private static Map<Party.Kind, List<String>> deliver(Properties p, MessageType type, Set<Party.Kind> recipients) {
        Map<Party.Kind, List<String>> deliver = new EnumMap<>(Party.Kind.class);
        for (Party.Kind kind : Party.Kind.values()) {
            Optional<String> list = optional(p, type, "deliver." + kind);
            if (list.isPresent() != recipients.contains(kind)) {
                throw new IllegalArgumentException("the policy needs " + type + ".deliver." + kind
                        + " exactly when " + kind + " is a recipient of " + type);
            }
            list.ifPresent(l -> deliver.put(kind, Arrays.stream(l.split("\\s*,\\s*")).map(path -> path(type, path)).toList()));
        }
        return Map.copyOf(deliver);
    }

    private static String path(MessageType type, String path) {
        if (!PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("policy of " + type + ": not an element path: " + path);
        }
        return path;
    }

    private static Set<Party.Kind> kinds(Properties p, MessageType type, String key) {
        return Arrays.stream(required(p, type, key).split("\\s*,\\s*")).map(Party.Kind::valueOf).collect(Collectors.toUnmodifiableSet());
    }

    private static Optional<String> optional(Properties p, MessageType type, String key) {
        return Optional.ofNullable(p.getProperty(type.name() + "." + key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static String required(Properties p, MessageType type, String key) {
        return optional(p, type, key).orElseThrow(() -> new IllegalArgumentException("the policy has no " + type + "." + key));
    }
}
