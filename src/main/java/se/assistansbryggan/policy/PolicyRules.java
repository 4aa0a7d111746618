package se.assistansbryggan.policy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The declarative policy file ({@code config/policy.properties}): per message type, which kinds
 * of party may send it, to which kinds it may go, its legal basis, whether reasons need consent,
 * and the follow-up time within which a kommun must confirm contact with the person. Validated when loaded: every type has a complete entry and no key is unknown.
 */
public record PolicyRules(Map<MessageType, TypeRule> types) {

    /** The policy for one message type. */
    public record TypeRule(Set<Party.Kind> senders, Set<Party.Kind> recipients, List<String> legalBasis,
            boolean reasonsNeedConsent, Optional<FollowUp> followUp) {}

    /** How long a kommun has to confirm contact: working days, or (for tests and special cases) a duration. */
    public record FollowUp(int workingDays, Duration duration) {
        static FollowUp parse(String text) {
            var days = java.util.regex.Pattern.compile("(\\d+) working days?").matcher(text);
            if (days.matches()) {
                return new FollowUp(Integer.parseInt(days.group(1)), null);
            }
            return new FollowUp(0, Duration.parse(text));
        }
    }

    private static final Set<String> KEYS = Set.of("senders", "recipients", "legal-basis", "reasons-need-consent", "follow-up");

    public static PolicyRules load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the policy " + file, e);
        }
        for (String key : p.stringPropertyNames()) {
            String[] parts = key.split("\\.", 2);
            if (parts.length != 2 || !KEYS.contains(parts[1])) {
                throw new IllegalArgumentException(file + ": unknown policy key " + key);
            }
            MessageType.valueOf(parts[0]);
        }
        Map<MessageType, TypeRule> types = new EnumMap<>(MessageType.class);
        for (MessageType type : MessageType.values()) {
            types.put(type, new TypeRule(kinds(p, type, "senders"), kinds(p, type, "recipients"),
                    List.of(required(p, type, "legal-basis").split("\\s*\\|\\s*")),
                    Boolean.parseBoolean(required(p, type, "reasons-need-consent")),
                    Optional.ofNullable(p.getProperty(type.name() + ".follow-up")).map(String::trim).map(FollowUp::parse)));
        }
        return new PolicyRules(Map.copyOf(types));
    }

    public TypeRule of(MessageType type) {
        return types.get(type);
    }

    private static Set<Party.Kind> kinds(Properties p, MessageType type, String key) {
        return Arrays.stream(required(p, type, key).split("\\s*,\\s*")).map(Party.Kind::valueOf).collect(Collectors.toUnmodifiableSet());
    }

    private static String required(Properties p, MessageType type, String key) {
        String value = p.getProperty(type.name() + "." + key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the policy has no " + type + "." + key);
        }
        return value.trim();
    }
}
