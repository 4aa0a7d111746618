package se.assistansbryggan.operations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import se.assistansbryggan.message.Hmac;

/**
 * Operators who sign in with configured credentials instead of a client certificate
 * ({@code gateway.operations.console-users}: {@code name:bcrypt-hash;…}). A session is a
 * stateless token, {@code name|expiry} with an HMAC-SHA256 under
 * {@code gateway.operations.console-secret}, so any gateway instance with the same secret
 * accepts it and nothing is kept in memory. A name with {@value #MAX_FAILURES} failed sign-ins within
 * {@link #LOCKOUT} is locked for that long, whatever password comes next (per instance).
 */
public final class ConsoleSessions {
    public static final String COOKIE = "bryggan_session";
    static final int MAX_FAILURES = 5;
    static final Duration LOCKOUT = Duration.ofMinutes(15);
    private final Map<String, java.util.Deque<java.time.Instant>> failures = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
    private final Map<String, String> users;
    private final byte[] secret;
    private final Duration lifetime;
    private final Clock clock;

    public ConsoleSessions(Map<String, String> users, byte[] secret, Duration lifetime, Clock clock) {
        if (!users.isEmpty() && secret.length < 16) {
            throw new IllegalArgumentException("gateway.operations.console-secret must be set (16 bytes or more) when console users are");
        }
        this.users = Map.copyOf(users);
        this.secret = secret.clone();
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** Parses {@code name:hash;name:hash}; an empty setting means no credentials are accepted. */
    public static Map<String, String> parseUsers(String setting) {
        Map<String, String> users = new java.util.LinkedHashMap<>();
        for (String entry : setting.split("\\s*;\\s*")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon < 1 || !entry.substring(colon + 1).startsWith("$2")) {
                throw new IllegalArgumentException("gateway.operations.console-users: expected name:bcrypt-hash, got " + entry.split(":")[0]);
            }
            users.put(entry.substring(0, colon), entry.substring(colon + 1));
        }
        return users;
    }

    /** A bcrypt hash for the configuration (cost 12). */
    public static String hash(char[] password) {
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password, salt, 12);
    }

    /** How many names the lockout remembers (at most the configured operators). */
    int rememberedNames() {
        return failures.size();
    }

    /** True while a name is locked after too many failed sign-ins. */
    public boolean locked(String name) {
        java.util.Deque<java.time.Instant> recent = failures.get(String.valueOf(name));
        if (recent == null) {
            return false;
        }
        synchronized (recent) {
            java.time.Instant since = clock.instant().minus(LOCKOUT);
            recent.removeIf(at -> at.isBefore(since));
            return recent.size() >= MAX_FAILURES;
        }
    }

    /** A session token when the name and password match a configured operator and the name is not locked. */
    public Optional<String> signIn(String name, String password) {
        if (locked(name)) {
            return Optional.empty();
        }
        String hash = name == null ? null : users.get(name);
        if (hash == null || password == null || !OpenBSDBCrypt.checkPassword(hash, password.toCharArray())) {
            if (hash != null) {
                // only configured names are counted: names typed by anyone must not grow the heap (an unknown
                // name gets the same answer as a wrong password; it is answered faster, without a bcrypt check,
                // which a per-client rate limit rather than a deliberate delay should cover)
                java.util.Deque<java.time.Instant> recent = failures.computeIfAbsent(name, n -> new java.util.ArrayDeque<>());
                synchronized (recent) {
                    recent.add(clock.instant());
                    while (recent.size() > MAX_FAILURES) {
                        recent.removeFirst();
                    }
                }
            }
            return Optional.empty();
        }
        failures.remove(name);
        String payload = name + "|" + clock.instant().plus(lifetime).getEpochSecond();
        return Optional.of(B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(Hmac.sha256(secret, payload)));
    }

    /** The operator a token names, if its HMAC holds, it has not expired and the operator is still configured. */
    public Optional<String> operator(String token) {
        try {
            String[] parts = token == null ? new String[0] : token.split("\\.");
            if (parts.length != 2) {
                return Optional.empty();
            }
            String payload = new String(UNB64.decode(parts[0]), StandardCharsets.UTF_8);
            String[] fields = payload.split("\\|");
            boolean valid = fields.length == 2 && MessageDigest.isEqual(Hmac.sha256(secret, payload), UNB64.decode(parts[1]))
                    && Long.parseLong(fields[1]) > clock.instant().getEpochSecond() && users.containsKey(fields[0]);
            return valid ? Optional.of(fields[0]) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public Duration lifetime() {
        return lifetime;
    }
}
