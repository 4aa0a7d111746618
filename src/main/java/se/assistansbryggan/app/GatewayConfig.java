package se.assistansbryggan.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The gateway's settings, read from {@code config/application.properties}. Each key can be
 * overridden by a system property of the same name or an environment variable named like
 * {@code GATEWAY_HTTPS_PORT} for {@code gateway.https.port}; secrets (keystore passwords)
 * belong in the environment in production.
 */
public record GatewayConfig(Map<String, String> values) {

    public GatewayConfig {
        values = Map.copyOf(values);
    }

    /** Reads the file, then applies system properties, the environment and explicit overrides, in that order. */
    public static GatewayConfig load(Path file, Map<String, String> overrides) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).trim();
            value = System.getProperty(key, value);
            value = System.getenv().getOrDefault(envName(key), value);
            values.put(key, value);
        }
        values.putAll(overrides);
        return new GatewayConfig(values);
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException("missing setting " + key + " (or environment variable " + envName(key) + ")");
        }
        return value;
    }

    public String getOrEmpty(String key) {
        return values.getOrDefault(key, "");
    }

    public int integer(String key) {
        return Integer.parseInt(get(key));
    }

    public Path path(String key) {
        return Path.of(get(key));
    }

    public char[] secret(String key) {
        return get(key).toCharArray();
    }

    public Duration duration(String key) {
        return Duration.parse(get(key));
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(get(key));
    }
}
